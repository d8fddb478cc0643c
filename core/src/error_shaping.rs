//! How what came back becomes a result: a 2xx answer is decoded or explained, and every failure (a status the
//! client gave up on, no answer, a passed deadline, a refused certificate) becomes an [`Error`] that says what
//! happened and what to do. The transport decides when; this module decides what the error says.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use rustls::CertificateError;
use serde::de::DeserializeOwned;

use crate::binding::{Check, DEFERRED_CHECK_BYTES, JsonText};
use crate::error::{Error, ErrorKind, Result};
use crate::models::check::Checked;
use crate::operation::{Operation, WriteSafety};
use crate::response::Response;
use crate::retry::{self, Failure, GiveUp};

/// Answers larger than this are refused instead of read into memory.
pub(crate) const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// How much of an error body is kept on the error.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// The header carrying the request id, sent by the client and echoed or replaced by the server.
pub(crate) const REQUEST_ID: &str = "x-request-id";

/// What one attempt brought back, before it is judged.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The size announced by `Content-Length`, or read so far, when it passed [`MAX_RESPONSE_BYTES`]:
    /// the body is then dropped (and, when announced, never read).
    pub(crate) oversized: Option<u64>,
    /// Why a redirect answer was not followed, for the error message.
    pub(crate) redirect_refused: Option<String>,
}

/// Appended to the error of an integration create that may have taken effect.
const MAYBE_CREATED_HINT: &str =
    " - the integration may have been created: list your integrations before creating it again";

/// What kind of failure an attempt without an answer is, for the retry policy.
pub(crate) fn classify(error: &NoAnswer) -> Failure {
    match error {
        NoAnswer::Http(error) => classify_http(error),
        NoAnswer::TimedOut(_) => Failure::Timeout,
    }
}

fn classify_http(error: &reqwest::Error) -> Failure {
    if refused_certificate(error).is_some() {
        Failure::Certificate
    } else if error.is_connect() {
        Failure::Connect
    } else if error.is_timeout() {
        Failure::Timeout
    } else {
        Failure::Interrupted
    }
}

/// Why an attempt has no answer: the HTTP layer's error, or the attempt's time ran out. The transport keeps the
/// attempt's timeout itself, one tokio timeout around the request and the reading of its body: reqwest's own
/// per-request timeout cost 16% of the Rust client's throughput on a 45 KB list at 64 in flight (measured; the tokio
/// timeout costs next to nothing).
#[derive(Debug)]
pub(crate) enum NoAnswer {
    /// The HTTP layer failed (connect, TLS, a broken connection, a request it could not build).
    Http(reqwest::Error),
    /// The attempt's timeout passed first.
    TimedOut(tokio::time::error::Elapsed),
}

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoAnswer::Http(error) => error.fmt(f),
            NoAnswer::TimedOut(elapsed) => elapsed.fmt(f),
        }
    }
}

fn request_id_of(headers: &HeaderMap, sent: &str) -> String {
    headers.get(REQUEST_ID).and_then(|value| value.to_str().ok()).unwrap_or(sent).to_owned()
}

fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect()
}

fn is_html(headers: &HeaderMap, body: &[u8]) -> bool {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("html"));
    let starts_like_html = body.iter().skip_while(|b| b.is_ascii_whitespace()).take(1).eq(b"<".iter());
    declared || starts_like_html
}

/// Reads a 2xx answer as `T`; an answer that cannot be read becomes an `Api` error that says why.
pub(crate) fn decode<T: DeserializeOwned>(answer: Answer, attempts: u32, request_id: &str) -> Result<Response<T>> {
    let status = answer.status.as_u16();
    let request_id = request_id_of(&answer.headers, request_id);
    let problem = if let Some(size) = answer.oversized {
        format!(
            "the answer ({size} bytes or more) is larger than the {} MiB this client reads",
            MAX_RESPONSE_BYTES >> 20
        )
    } else {
        match serde_json::from_slice::<T>(&answer.body) {
            Ok(data) => return Ok(Response::new(data, status, attempts, Some(request_id))),
            Err(_) if answer.body.is_empty() => "the body is empty".to_owned(),
            Err(_) if is_html(&answer.headers, &answer.body) => {
                "the body is an HTML page, not JSON: is the base URL right?".to_owned()
            }
            Err(e) => format!("the body is not the expected JSON: {e}"),
        }
    };
    Err(Error::new(ErrorKind::Api, format!("unexpected answer to a successful call (HTTP {status}): {problem}"))
        .with_status(status)
        .with_body(Some(truncated_text(&answer.body)))
        .with_headers(header_list(&answer.headers))
        .with_request_id(Some(request_id))
        .with_attempts(attempts))
}

/// Reads a 2xx answer as `T`'s JSON text, for a binding that parses JSON itself. That is the server's text when
/// it already says what `T`'s serialization would (see [`crate::models::check`]), found in the envelope
/// `{"key":...}` when the API wraps `T` in one; otherwise the answer is decoded as `E` (`T` or its envelope) and
/// `unwrap`ped as a typed call does, with the same errors, and `T` serialized. From [`DEFERRED_CHECK_BYTES`] on,
/// the server's text comes with the check still to run (see [`crate::binding::call_text_deferred`]).
pub(crate) fn decode_text<T, E>(
    answer: Answer,
    attempts: u32,
    request_id: &str,
    key: Option<&'static str>,
    unwrap: fn(E) -> T,
) -> Result<Response<(JsonText, Option<Check>)>>
where
    T: serde::Serialize + 'static,
    Checked<T>: DeserializeOwned,
    E: DeserializeOwned + 'static,
{
    let deferred = answer.body.len() >= DEFERRED_CHECK_BYTES;
    if answer.oversized.is_none()
        && let Some((range, text)) = envelope_range(&answer.body, key)
        && (deferred || crate::models::check::as_serialized::<T>(text))
    {
        let status = answer.status.as_u16();
        let answered_id = request_id_of(&answer.headers, request_id);
        let json = JsonText(answer.body.slice(range));
        let check = deferred.then(|| {
            let sent_id = request_id.to_owned();
            Check(Box::new(move || {
                if serialized_range::<T>(&answer.body, key).is_some() {
                    return Ok(None);
                }
                let response = decode::<E>(answer, attempts, &sent_id)?.map(unwrap);
                JsonText::of(response.data()).map(Some)
            }))
        });
        return Ok(Response::new((json, check), status, attempts, Some(answered_id)));
    }
    let response = decode::<E>(answer, attempts, request_id)?.map(unwrap);
    let text = JsonText::of(response.data())?;
    Ok(response.map(|_| (text, None)))
}

/// Where in `body` `T`'s JSON is, when it is what `T`'s serialization would be: the whole body, or the value of
/// a compact envelope `{"key":...}` (any other spelling of the envelope is decoded instead).
fn serialized_range<T>(body: &[u8], key: Option<&str>) -> Option<std::ops::Range<usize>>
where
    Checked<T>: DeserializeOwned,
{
    let (range, text) = envelope_range(body, key)?;
    crate::models::check::as_serialized::<T>(text).then_some(range)
}

/// Where in `body` the model's JSON is, unchecked, and that text: the whole body, or the value of a compact
/// envelope `{"key":...}`; `None` when the body is not UTF-8 or not such an envelope.
fn envelope_range<'a>(body: &'a [u8], key: Option<&str>) -> Option<(std::ops::Range<usize>, &'a str)> {
    let text = std::str::from_utf8(body).ok()?;
    let value = match key {
        None => text,
        Some(key) => text.strip_prefix("{\"")?.strip_prefix(key)?.strip_prefix("\":")?.strip_suffix('}')?,
    };
    let start = text.len() - value.len() - usize::from(key.is_some());
    Some((start..start + value.len(), value))
}

/// Shapes the error of a 2xx answer whose body could not be read. A create answered 2xx took effect:
/// `maybe_created` says so (an action or trigger create then reads the item back and clears it when
/// found); an integration create also gets the hint.
pub(crate) fn unreadable_success(error: Error, safety: WriteSafety) -> Error {
    match safety {
        WriteSafety::CreateWithoutUniqueName => error.with_maybe_created(true).append_message(MAYBE_CREATED_HINT),
        WriteSafety::CreateWithUniqueName => error.with_maybe_created(true),
        _ => error,
    }
}

/// Decodes a 200 answer's body as `T`, as the transport does (for the property tests).
#[cfg(test)]
pub(crate) fn decode_bytes<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let answer = Answer {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: Bytes::copy_from_slice(body),
        oversized: None,
        redirect_refused: None,
    };
    decode(answer, 1, "test").map(Response::into_inner)
}

fn truncated_text(body: &[u8]) -> String {
    let end = body.len().min(MAX_ERROR_BODY_BYTES);
    String::from_utf8_lossy(&body[..end]).into_owned()
}

/// The server's message, read leniently: `message`, else `error` as a string, else
/// `error.message`, else the raw text.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let found = value
            .get("message")
            .and_then(|m| m.as_str())
            .or_else(|| value.get("error").and_then(|e| e.as_str()))
            .or_else(|| value.get("error").and_then(|e| e.get("message")).and_then(|m| m.as_str()));
        if let Some(message) = found {
            return Some(message.to_owned());
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    Some(short)
}

/// The error of a non-2xx answer the client gives up on; `retry_after_cap` is the longest `Retry-After` it waits.
pub(crate) fn status_error(answer: Answer, retry_after_cap: Duration, reason: GiveUp, sent_request_id: &str) -> Error {
    let status = answer.status.as_u16();
    let kind = ErrorKind::from_status(status);
    let retry_after_header = answer.headers.get(header::RETRY_AFTER).and_then(|value| value.to_str().ok());
    let retry_after = retry_after_header.and_then(|value| retry::parse_retry_after(value, SystemTime::now()));
    let reason_phrase = answer.status.canonical_reason().unwrap_or("error");
    let detail = if let Some(why) = answer.redirect_refused {
        Some(why)
    } else if is_html(&answer.headers, &answer.body) {
        Some("the server answered with an HTML page".to_owned())
    } else {
        server_message(&answer.body)
    };
    let mut message = match detail {
        Some(detail) => format!("{status} {reason_phrase}: {detail}"),
        None => format!("{status} {reason_phrase}"),
    };
    if reason == GiveUp::RetryAfterTooLong
        && let Some(wait) = retry_after
    {
        message.push_str(&format!(
            " (the server asks to wait {} s, longer than the {} s this client waits; try again later)",
            wait.as_secs(),
            retry_after_cap.as_secs()
        ));
    }
    Error::new(kind, message)
        .with_status(status)
        .with_body(Some(truncated_text(&answer.body)).filter(|body| !body.is_empty()))
        .with_request_id(Some(request_id_of(&answer.headers, sent_request_id)))
        .with_headers(header_list(&answer.headers))
        .with_retry_after(retry_after)
}

/// The error of an attempt that got no answer; `target` is the request line (`GET /get`).
pub(crate) fn connection_error(error: NoAnswer, target: &str, timeout: Duration) -> Error {
    let timed_out = || format!("{target} timed out after {:.1} s", timeout.as_secs_f64());
    let error = match error {
        NoAnswer::TimedOut(elapsed) => return Error::new(ErrorKind::Timeout, timed_out()).with_source(elapsed),
        NoAnswer::Http(error) => error,
    };
    let (kind, message) = match classify_http(&error) {
        Failure::Connect => (ErrorKind::Connection, format!("could not connect for {target}: {}", root_cause(&error))),
        Failure::Timeout => (ErrorKind::Timeout, timed_out()),
        Failure::Certificate => {
            let advice = match refused_certificate(&error) {
                Some(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }) => {
                    "it was issued for another host name: check the host in the base URL"
                }
                Some(
                    CertificateError::Expired
                    | CertificateError::ExpiredContext { .. }
                    | CertificateError::NotValidYet
                    | CertificateError::NotValidYetContext { .. },
                ) => "it has expired or is not valid yet: check the server's certificate and this machine's clock",
                _ => {
                    "if the server uses a certificate of your own CA (a dedicated deployment, a TLS-inspecting \
                     proxy), give the client that CA's certificate (the ca_pem or ca_bundle option) or set \
                     LANGDOCK_CA_BUNDLE to a PEM file with it"
                }
            };
            let cause = root_cause(&error);
            (
                ErrorKind::Connection,
                format!("could not connect for {target}: the server's certificate is not trusted ({cause}); {advice}"),
            )
        }
        _ => (ErrorKind::Connection, format!("the connection broke during {target}: {}", root_cause(&error))),
    };
    let untrusted = refused_certificate(&error).is_some();
    let shaped = Error::new(kind, message).with_source(error);
    if untrusted { shaped.with_untrusted_certificate() } else { shaped }
}

/// The error of a call whose deadline passed before an answer came; `target` is the request line.
pub(crate) fn deadline_error(
    target: &str,
    op: Operation,
    deadline: Duration,
    attempts: u32,
    ambiguous: bool,
    request_id: &str,
) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("{target} ran out of time: the call's deadline of {:.1} s passed", deadline.as_secs_f64()),
    )
    .with_attempts(attempts)
    .with_request_id(Some(request_id.to_owned()))
    .with_after_ambiguous_attempt(ambiguous)
    .with_maybe_created(WriteSafety::of(op) == WriteSafety::CreateWithoutUniqueName && ambiguous)
}

/// The last touches on the error of a call the client gave up on: how many attempts it took, whether one of them
/// may have taken effect, why it stopped retrying (`note`), and for an integration create that may exist, what
/// to check. `ambiguous` covers the attempts before the last, `last_ambiguous` the last one.
pub(crate) fn given_up(
    error: Error,
    op: Operation,
    attempts: u32,
    ambiguous: bool,
    last_ambiguous: bool,
    reason: GiveUp,
    note: Option<&str>,
) -> Error {
    let maybe_created = WriteSafety::of(op) == WriteSafety::CreateWithoutUniqueName && (ambiguous || last_ambiguous);
    let mut error =
        error.with_attempts(attempts).with_after_ambiguous_attempt(ambiguous).with_maybe_created(maybe_created);
    if let Some(note) = note {
        error = error.append_message(note);
    }
    if maybe_created {
        error = error.append_message(MAYBE_CREATED_HINT);
    } else if attempts > 1 && reason == GiveUp::RetriesExhausted && note.is_none() {
        error = error.append_message(&format!(" (gave up after {attempts} attempts)"));
    }
    error
}

/// The reason the TLS handshake refused the server's certificate, if that is why the connection failed: rustls's
/// error, found in the error's source chain, where it sits inside `io::Error`s.
pub(crate) fn refused_certificate<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a CertificateError> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(rustls::Error::InvalidCertificate(reason)) = error.downcast_ref::<rustls::Error>() {
            return Some(reason);
        }
        // An `io::Error` does not name what it wraps as its source(): step into it directly.
        current = match error.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(inner) => Some(inner),
            None => error.source(),
        };
    }
    None
}

/// The innermost cause, which says what actually happened ("connection refused").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn server_messages_are_read_leniently() {
        assert_eq!(server_message(br#"{"message":"nope"}"#).as_deref(), Some("nope"));
        assert_eq!(server_message(br#"{"error":"bad"}"#).as_deref(), Some("bad"));
        assert_eq!(server_message(br#"{"error":{"message":"deep"}}"#).as_deref(), Some("deep"));
        assert_eq!(server_message(b"plain text").as_deref(), Some("plain text"));
        assert_eq!(server_message(b"  ").as_deref(), None);
        let long = "x".repeat(1000);
        assert_eq!(server_message(long.as_bytes()).unwrap().chars().count(), 301);
    }

    #[test]
    fn html_is_recognised_by_header_or_content() {
        let mut headers = HeaderMap::new();
        assert!(is_html(&headers, b"  <!doctype html>"));
        assert!(!is_html(&headers, b"{}"));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        assert!(is_html(&headers, b"oops"));
    }
}
