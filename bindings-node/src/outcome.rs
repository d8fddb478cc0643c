//! Successful answers to JavaScript: `{ data, attempts, requestId, status }`, `data` being the core model
//! serialized as the API spells it (camelCase, server-made fields and unknown properties kept), as JSON text:
//! the facade `JSON.parse`s it and attaches the metadata to it as non-enumerable properties. (V8's JSON.parse
//! builds a 40 KB list about 15 times faster than napi does property by property from a `serde_json::Value`,
//! which ran on the JavaScript thread and made `list` slower than `fetch`: measured by bench/bench.mjs.)

use langdock::binding::Output;
use serde_json::{Value, json};

/// The JSON of a successful answer, built off the JavaScript thread; napi turns it into a JS object whose
/// `data` is the model's JSON text.
pub(crate) fn to_json(output: &Output) -> serde_json::Result<Value> {
    Ok(json!({
        "data": serde_json::to_string(&output.data_json()?)?,
        "attempts": output.attempts(),
        "requestId": output.request_id(),
        "status": output.status(),
    }))
}
