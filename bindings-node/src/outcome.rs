//! Successful answers to JavaScript: one JSON text, `[attempts, requestId, status, model]`, the model as the API
//! spells it (camelCase, server-made fields and unknown properties kept): the server's own text when the core
//! vouches that it already is that ([`langdock::binding::call_text`]), so that a large list is checked rather than
//! decoded and written again. The facade `JSON.parse`s it and attaches the metadata to the model as
//! non-enumerable properties. (V8's JSON.parse builds a 40 KB list about 15 times faster than napi does property
//! by property, which runs on the JavaScript thread.) The metadata rides in the same text: the JavaScript thread
//! makes one string per answer and no envelope object (whose four properties napi set by name, a tenth of the
//! JavaScript thread's time for a `get`).

use std::io::Write;
use std::ptr;

use langdock::Response;
use langdock::binding::JsonText;
use napi::bindgen_prelude::{ToNapiValue, TypeName, ValueType};
use napi::{check_status, sys};

/// A successful call as the facade receives it: JSON text (UTF-8), made a string on the JavaScript thread. An
/// all-ASCII text (known off that thread) is made a one-byte string by copying, not by decoding UTF-8 (in Node,
/// `Buffer#toString` of a 45 KB list takes 5 µs as Latin-1 and 27 µs as UTF-8). A large answer handed over while
/// its check runs ([`crate::calls::Verdicts`]) is `[text, check]`: the facade parses the text, then takes the
/// check's verdict by its number.
#[derive(Debug)]
pub struct Answer {
    text: Vec<u8>,
    ascii: bool,
    check: Option<u32>,
}

impl TypeName for Answer {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ToNapiValue for Answer {
    unsafe fn to_napi_value(env: sys::napi_env, answer: Self) -> napi::Result<sys::napi_value> {
        let Answer { text, ascii, check } = answer;
        let length = isize::try_from(text.len()).map_err(|_| napi::Error::from_reason("answer too large"))?;
        let create = if ascii { sys::napi_create_string_latin1 } else { sys::napi_create_string_utf8 };
        let mut string = ptr::null_mut();
        // SAFETY: on the JavaScript thread (the caller's contract), with a pointer and length of live bytes (ASCII
        // is the same text in Latin-1).
        check_status!(unsafe { create(env, text.as_ptr().cast(), length, &mut string) })?;
        let Some(check) = check else { return Ok(string) };
        let (mut pair, mut number) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: as above.
        unsafe {
            check_status!(sys::napi_create_array_with_length(env, 2, &mut pair))?;
            check_status!(sys::napi_create_uint32(env, check, &mut number))?;
            check_status!(sys::napi_set_element(env, pair, 0, string))?;
            check_status!(sys::napi_set_element(env, pair, 1, number))?;
        }
        Ok(pair)
    }
}

/// The answer of a successful call, built off the JavaScript thread; `check` numbers the check still running
/// on it, if any.
pub(crate) fn answer(response: &Response<JsonText>, check: Option<u32>) -> serde_json::Result<Answer> {
    let model = response.data().as_bytes();
    let mut text = Vec::with_capacity(model.len() + 64);
    write!(text, "[{},", response.attempts()).map_err(serde_json::Error::io)?;
    serde_json::to_writer(&mut text, &response.request_id())?;
    write!(text, ",{},", response.status()).map_err(serde_json::Error::io)?;
    text.extend_from_slice(model);
    text.push(b']');
    let ascii = text.is_ascii();
    Ok(Answer { text, ascii, check })
}
