//! Reading request bodies: the whole body up to a limit, refused with 413 beyond it, and parsed as JSON with the
//! message a 400 carries. Used by the API pipeline and the control routes alike.

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::Value;

use crate::reply::ApiError;

/// How much of an oversized body is still read (and discarded) so that the client, still sending, receives the
/// 413 instead of a reset connection. Beyond this the connection is answered at once.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// Parses a body as JSON, with the message a 400 would carry.
pub(crate) fn parse_json(bytes: &Bytes) -> Result<Value, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("request body: expected a JSON object, got an empty body".to_owned());
    }
    serde_json::from_slice(bytes).map_err(|e| format!("request body: invalid JSON: {e}"))
}

/// Reads the whole body, refusing with 413 beyond `limit` bytes.
pub(crate) async fn read_body(mut body: Incoming, headers: &HeaderMap, limit: usize) -> Result<Bytes, ApiError> {
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return Err(ApiError::too_large(limit));
    }
    let mut buf = BytesMut::with_capacity(declared.map_or(0, |n| n.min(limit as u64) as usize));
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::bad_request(format!("request body could not be read: {e}")))?;
        if let Ok(data) = frame.into_data() {
            total = total.saturating_add(data.len());
            if total > DRAIN_LIMIT {
                break;
            }
            if total <= limit {
                buf.extend_from_slice(&data);
            }
        }
    }
    if total > limit {
        return Err(ApiError::too_large(limit));
    }
    Ok(buf.freeze())
}
