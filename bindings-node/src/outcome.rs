//! Successful answers to JavaScript: `{ data, attempts, requestId, status }`, `data` being the core model
//! serialized as the API spells it (camelCase, server-made fields and unknown properties kept). The facade
//! attaches the metadata to `data` as non-enumerable properties.

use langdock::Response;
use serde::Serialize;
use serde_json::{Value, json};

/// The JSON of a successful answer, built off the JavaScript thread; napi turns it into a JS object.
pub(crate) fn to_json<T: Serialize>(response: &Response<T>) -> serde_json::Result<Value> {
    Ok(json!({
        "data": langdock::binding::response_json(response.data())?,
        "attempts": response.attempts(),
        "requestId": response.request_id(),
        "status": response.status(),
    }))
}
