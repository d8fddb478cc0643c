//! Successful answers to JavaScript: one JSON text, `[attempts, requestId, status, model]`, the model serialized
//! as the API spells it (camelCase, server-made fields and unknown properties kept). The facade `JSON.parse`s it
//! and attaches the metadata to the model as non-enumerable properties. (V8's JSON.parse builds a 40 KB list
//! about 15 times faster than napi does property by property, which runs on the JavaScript thread.) The text is
//! written straight from the model off the JavaScript thread, with no `serde_json::Value` in between, and the
//! metadata rides in the same text: the JavaScript thread makes one string per answer and no envelope object
//! (whose four properties napi set by name, a tenth of the JavaScript thread's time for a `get`).

use std::io::Write;
use std::ptr;

use langdock::binding::Output;
use napi::bindgen_prelude::{ToNapiValue, TypeName, ValueType};
use napi::{check_status, sys};

/// A successful call as the facade receives it: JSON text (UTF-8), made a string on the JavaScript thread.
pub struct Answer(Vec<u8>);

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
        let Answer(text) = answer;
        let length = isize::try_from(text.len()).map_err(|_| napi::Error::from_reason("answer too large"))?;
        let mut string = ptr::null_mut();
        // SAFETY: on the JavaScript thread (the caller's contract), with a pointer and length of live bytes.
        check_status!(unsafe { sys::napi_create_string_utf8(env, text.as_ptr().cast(), length, &mut string) })?;
        Ok(string)
    }
}

/// The answer of a successful call, built off the JavaScript thread.
pub(crate) fn answer(output: &Output) -> serde_json::Result<Answer> {
    let mut text = Vec::new();
    write!(text, "[{},", output.attempts()).map_err(serde_json::Error::io)?;
    serde_json::to_writer(&mut text, &output.request_id())?;
    write!(text, ",{},", output.status()).map_err(serde_json::Error::io)?;
    output.write_data_json(&mut text)?;
    text.push(b']');
    Ok(Answer(text))
}
