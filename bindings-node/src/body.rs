//! A call's body, from a JavaScript object to JSON as `JSON.stringify` would write it, read property by property
//! on the JavaScript thread. `JSON.stringify` scans every character of every string for escapes, one at a time:
//! 7.6 µs for a body with a 5,000-character code, a quarter of the JavaScript thread's time per create. Read
//! here, that code is one copy.
//!
//! Only plain data is read here: objects whose prototype is `Object.prototype` (or null), arrays, strings,
//! numbers, booleans and null, with `undefined`, functions and symbols left out of objects and `null` in arrays,
//! non-finite numbers `null`, as `JSON.stringify` has them. Anything it treats otherwise (a `toJSON` method, a
//! `Date`, a class instance, a boxed primitive, a `BigInt`, a string with a lone surrogate, objects nested deeper
//! than [`MAX_DEPTH`] as a cycle is, an array longer than [`MAX_ITEMS`]) sends the whole body through
//! `JSON.stringify` itself, so that every body means what it meant before, errors included (a cycle or a `BigInt`
//! throws its `TypeError`).

use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, Unknown, Utf16String};
use napi::sys::{self, KeyCollectionMode, KeyConversion, KeyFilter, ValueType};
use napi::{Env, JsValue, Status, check_status};
use serde_json::{Map, Number, Value};

/// How deeply objects and arrays may nest on the direct path. A request body nests three levels at most; a
/// deeper one is probably a cycle, for `JSON.stringify` to report.
const MAX_DEPTH: u32 = 64;

/// The longest array read on the direct path. A request body's lists are short; a longer array (a sparse one may
/// claim billions of items) is `JSON.stringify`'s to write or to refuse.
const MAX_ITEMS: u32 = 100_000;

/// The body as JSON, or the text `JSON.stringify` wrote for it (see the module's doc). An exception thrown by
/// `JSON.stringify` stays pending: the call throws it.
pub(crate) fn to_json(env: &Env, body: Unknown<'_>) -> napi::Result<Body> {
    let reader = Reader::new(env.raw())?;
    match reader.value(body.raw(), 0) {
        Ok(Some(value)) => Ok(Body::Json(value)),
        Ok(None) => Ok(Body::Json(Value::Null)),
        Err(Stop::Napi(error)) => Err(error),
        Err(Stop::NotPlain) => reader.stringify(body.raw()),
    }
}

/// A body read by [`to_json`].
pub(crate) enum Body {
    /// Read from the objects.
    Json(Value),
    /// Written by `JSON.stringify`.
    Text(String),
}

/// Why the direct path stopped.
enum Stop {
    /// A value `JSON.stringify` treats in a way this reader does not.
    NotPlain,
    /// A Node-API call failed.
    Napi(napi::Error),
}

impl From<napi::Error> for Stop {
    fn from(error: napi::Error) -> Stop {
        Stop::Napi(error)
    }
}

struct Reader {
    env: sys::napi_env,
    global: sys::napi_value,
    object_prototype: sys::napi_value,
    to_json: sys::napi_value,
}

impl Reader {
    fn new(env: sys::napi_env) -> napi::Result<Reader> {
        let mut global = ptr::null_mut();
        // SAFETY: Node-API calls on the JavaScript thread (every function here runs there: `to_json`'s caller).
        check_status!(unsafe { sys::napi_get_global(env, &mut global) })?;
        let object = named(env, global, c"Object")?;
        let object_prototype = named(env, object, c"prototype")?;
        let mut to_json = ptr::null_mut();
        // SAFETY: as above.
        check_status!(unsafe { sys::napi_create_string_utf8(env, c"toJSON".as_ptr(), 6, &mut to_json) })?;
        Ok(Reader { env, global, object_prototype, to_json })
    }

    /// `value` as JSON; `None` for what objects leave out and arrays write as `null`.
    fn value(&self, value: sys::napi_value, depth: u32) -> Result<Option<Value>, Stop> {
        let env = self.env;
        let mut kind = 0;
        // SAFETY: see `Reader::new`.
        check_status!(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
        Ok(Some(match kind {
            ValueType::napi_undefined | ValueType::napi_function | ValueType::napi_symbol => return Ok(None),
            ValueType::napi_null => Value::Null,
            // SAFETY (the three reads): the value is of the type read.
            ValueType::napi_boolean => Value::Bool(unsafe { bool::from_napi_value(env, value) }?),
            ValueType::napi_number => number(unsafe { f64::from_napi_value(env, value) }?),
            ValueType::napi_string => Value::String(self.string(value)?),
            ValueType::napi_object if depth < MAX_DEPTH => self.object(value, depth + 1)?,
            _ => return Err(Stop::NotPlain),
        }))
    }

    fn object(&self, object: sys::napi_value, depth: u32) -> Result<Value, Stop> {
        let env = self.env;
        let (mut is_array, mut has_to_json) = (false, false);
        // SAFETY: see `Reader::new`.
        unsafe {
            check_status!(sys::napi_has_property(env, object, self.to_json, &mut has_to_json))?;
            check_status!(sys::napi_is_array(env, object, &mut is_array))?;
        }
        if has_to_json {
            return Err(Stop::NotPlain);
        }
        if is_array {
            let mut length = 0;
            // SAFETY: see `Reader::new`; `object` is an array.
            check_status!(unsafe { sys::napi_get_array_length(env, object, &mut length) })?;
            if length > MAX_ITEMS {
                return Err(Stop::NotPlain);
            }
            let mut items = Vec::with_capacity(length as usize);
            for index in 0..length {
                let mut item = ptr::null_mut();
                // SAFETY: see `Reader::new`.
                check_status!(unsafe { sys::napi_get_element(env, object, index, &mut item) })?;
                items.push(self.value(item, depth)?.unwrap_or(Value::Null));
            }
            return Ok(Value::Array(items));
        }
        if !self.is_plain(object)? {
            return Err(Stop::NotPlain);
        }
        let mut keys = ptr::null_mut();
        let mut count = 0;
        // SAFETY: see `Reader::new`. Own, enumerable, string keys in `Object.keys` order, as `JSON.stringify` takes them.
        unsafe {
            check_status!(sys::napi_get_all_property_names(
                env,
                object,
                KeyCollectionMode::own_only,
                KeyFilter::enumerable | KeyFilter::skip_symbols,
                KeyConversion::numbers_to_strings,
                &mut keys,
            ))?;
            check_status!(sys::napi_get_array_length(env, keys, &mut count))?;
        }
        let mut map = Map::new();
        for index in 0..count {
            let (mut key, mut item) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: see `Reader::new`; the keys are strings.
            let name = unsafe {
                check_status!(sys::napi_get_element(env, keys, index, &mut key))?;
                check_status!(sys::napi_get_property(env, object, key, &mut item))?;
                utf8(env, key)?
            };
            if let Some(value) = self.value(item, depth)? {
                map.insert(name, value);
            }
        }
        Ok(Value::Object(map))
    }

    /// A string's text. UTF-8 has no lone surrogates (Node-API makes them U+FFFD); a string that has one is left
    /// to `JSON.stringify`, which escapes it, and the core refuses it as before.
    fn string(&self, value: sys::napi_value) -> Result<String, Stop> {
        // SAFETY: see `Reader::new`; `value` is a string.
        let text = unsafe { utf8(self.env, value) }?;
        if text.contains(char::REPLACEMENT_CHARACTER) {
            // SAFETY: as above.
            let units = unsafe { Utf16String::from_napi_value(self.env, value) }?;
            if char::decode_utf16(units.iter().copied()).any(|unit| unit.is_err()) {
                return Err(Stop::NotPlain);
            }
        }
        Ok(text)
    }

    /// Whether `object`'s prototype is `Object.prototype` or null: an object literal, or `Object.create(null)`.
    fn is_plain(&self, object: sys::napi_value) -> napi::Result<bool> {
        let env = self.env;
        let (mut prototype, mut kind, mut same) = (ptr::null_mut(), 0, false);
        // SAFETY: see `Reader::new`.
        unsafe {
            check_status!(sys::napi_get_prototype(env, object, &mut prototype))?;
            check_status!(sys::napi_typeof(env, prototype, &mut kind))?;
            if kind == ValueType::napi_null {
                return Ok(true);
            }
            check_status!(sys::napi_strict_equals(env, prototype, self.object_prototype, &mut same))?;
        }
        Ok(same)
    }

    /// `JSON.stringify(value)` (null when it writes nothing, as for a `toJSON` that returns `undefined`); a
    /// `TypeError` it throws stays pending (the error returned says so).
    fn stringify(&self, value: sys::napi_value) -> napi::Result<Body> {
        let env = self.env;
        let json = named(env, self.global, c"JSON")?;
        let stringify = named(env, json, c"stringify")?;
        let mut text = ptr::null_mut();
        // SAFETY: see `Reader::new`; one argument.
        let status = unsafe { sys::napi_call_function(env, json, stringify, 1, &value, &mut text) };
        if status == sys::Status::napi_pending_exception {
            return Err(napi::Error::new(Status::PendingException, "JSON.stringify threw"));
        }
        check_status!(status)?;
        let mut kind = 0;
        // SAFETY: see `Reader::new`.
        check_status!(unsafe { sys::napi_typeof(env, text, &mut kind) })?;
        if kind != ValueType::napi_string {
            return Ok(Body::Json(Value::Null));
        }
        // SAFETY: a string.
        unsafe { utf8(env, text) }.map(Body::Text)
    }
}

/// The longest string (in UTF-16 units) read in one pass into a buffer of the largest UTF-8 size it can have (three
/// bytes a unit); a longer one is measured first, so that a large string costs no buffer three times its size.
const ONE_PASS_UNITS: usize = 16 * 1024;

/// How much unused room a string read in one pass may keep.
const SPARE_BYTES: usize = 256;

/// A string's text as UTF-8 (lone surrogates made U+FFFD by Node-API). napi's `String` conversion measures the
/// UTF-8 length (a pass over the string) and zeroes a buffer before Node-API writes it: for a body with a 5,000
/// character `code`, reading strings so took an eighth of the JavaScript thread's samples of a create (with glibc's
/// arena lock, which the runtime's threads freeing such buffers contend for). Here a string of up to
/// [`ONE_PASS_UNITS`] is written at once into an uninitialized buffer sized by its UTF-16 length, which V8 knows.
///
/// # Safety
/// `value` is a string of `env`, on the JavaScript thread.
unsafe fn utf8(env: sys::napi_env, value: sys::napi_value) -> napi::Result<String> {
    let mut units = 0;
    // SAFETY: the caller's contract; with no buffer, Node-API gives the length in UTF-16 units (without a scan).
    check_status!(unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut units) })?;
    let mut capacity = units.saturating_mul(3);
    if units > ONE_PASS_UNITS {
        // SAFETY: as above; with no buffer, the length of the UTF-8 text.
        check_status!(unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut capacity) })?;
    }
    // One byte more for the terminating NUL that Node-API writes.
    let mut bytes = Vec::<u8>::with_capacity(capacity + 1);
    let mut written = 0;
    // SAFETY: the buffer has `capacity + 1` writable bytes, and Node-API writes at most that many; it reports
    // how many bytes of text it wrote (not counting the NUL), all of them initialized, whole UTF-8 characters.
    unsafe {
        check_status!(sys::napi_get_value_string_utf8(
            env,
            value,
            bytes.as_mut_ptr().cast(),
            capacity + 1,
            &mut written
        ))?;
        bytes.set_len(written.min(capacity));
    }
    // The spare room of a buffer sized for three bytes a unit is given back at once (shrinking a heap block
    // copies nothing), so that 64 bodies in flight hold no more memory than their text.
    if bytes.capacity() - bytes.len() > SPARE_BYTES {
        bytes.shrink_to_fit();
    }
    // SAFETY: Node-API wrote UTF-8 (as napi's own `String` conversion, this trusts it).
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// A number as `JSON.stringify` writes it: a whole one without a fraction (5, not 5.0; every whole f64 below 2^63
/// is exactly an i64), a non-finite one `null`.
fn number(n: f64) -> Value {
    const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if n.fract() == 0.0 && n.abs() < I64_LIMIT {
        Value::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

fn named(env: sys::napi_env, object: sys::napi_value, name: &std::ffi::CStr) -> napi::Result<sys::napi_value> {
    let mut value = ptr::null_mut();
    // SAFETY: see `Reader::new`.
    check_status!(unsafe { sys::napi_get_named_property(env, object, name.as_ptr(), &mut value) })?;
    Ok(value)
}
