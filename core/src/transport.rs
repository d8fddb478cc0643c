//! The one place that sends requests: attempts, waits, the deadline, the budget and pacing.
//!
//! Policy (what retries and how long to wait) lives in [`crate::retry`]; this module applies it.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use rustls::CertificateError;
use serde::de::DeserializeOwned;

use crate::client::{ApiKey, CallSettings};
use crate::error::{Error, ErrorKind, Result};
use crate::operation::{Operation, WriteSafety};
use crate::pacing::Pacer;
use crate::redirect::{self, Hop};
use crate::response::Response;
use crate::retry::{self, Decision, Failure, GiveUp, RetryBudget};

/// Answers larger than this are refused instead of read into memory.
const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// How much of an error body is kept on the error.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// The header carrying the request id, sent by the client and echoed or replaced by the server.
const REQUEST_ID: &str = "x-request-id";

/// A request body, cheap to clone for each attempt.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    bytes: Bytes,
    content_type: String,
}

/// One API call, before it is sent.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    op: Operation,
    method: Method,
    path: String,
    body: Option<Body>,
}

impl ApiRequest {
    /// A request without a body, to `path` below `/integrations/v1`.
    pub(crate) fn new(op: Operation, method: Method, path: String) -> ApiRequest {
        ApiRequest { op, method, path, body: None }
    }

    /// A request with a JSON body.
    pub(crate) fn json(
        op: Operation,
        method: Method,
        path: String,
        body: &impl serde::Serialize,
    ) -> Result<ApiRequest> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::new(ErrorKind::Validation, format!("cannot encode the request body: {e}")))?;
        Ok(ApiRequest {
            op,
            method,
            path,
            body: Some(Body { bytes: bytes.into(), content_type: "application/json".into() }),
        })
    }

    /// A request with a raw body of the given content type.
    pub(crate) fn raw(op: Operation, method: Method, path: String, bytes: Bytes, content_type: String) -> ApiRequest {
        ApiRequest { op, method, path, body: Some(Body { bytes, content_type }) }
    }
}

/// What one attempt brought back, before it is judged.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The size announced by `Content-Length`, or read so far, when it passed [`MAX_RESPONSE_BYTES`]:
    /// the body is then dropped (and, when announced, never read).
    oversized: Option<u64>,
    /// Why a redirect answer was not followed, for the error message.
    redirect_refused: Option<String>,
}

/// Appended to the error of an integration create that may have taken effect.
const MAYBE_CREATED_HINT: &str =
    " - the integration may have been created: list your integrations before creating it again";

pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: Url,
    api_root: String,
    api_key: ApiKey,
    default_headers: HeaderMap,
    budget: RetryBudget,
    pacer: Option<Pacer>,
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        base_url: Url,
        api_key: ApiKey,
        user_agent: String,
        extra_headers: Vec<(String, String)>,
        adaptive_pacing: bool,
    ) -> Result<Transport> {
        let mut default_headers = HeaderMap::new();
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", api_key.expose()))
            .map_err(|_| Error::configuration("the API key contains characters that cannot go in an HTTP header"))?;
        authorization.set_sensitive(true);
        default_headers.insert(header::AUTHORIZATION, authorization);
        default_headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::configuration(format!("invalid user agent {user_agent:?}")))?;
        default_headers.insert(header::USER_AGENT, user_agent);
        for (name, value) in extra_headers {
            let parsed_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::configuration(format!("invalid header name {name:?}")))?;
            let parsed_value = HeaderValue::from_str(&value)
                .map_err(|_| Error::configuration(format!("invalid value for header {name:?}")))?;
            default_headers.insert(parsed_name, parsed_value);
        }
        let api_root = format!("{}/integrations/v1", base_url.as_str().trim_end_matches('/'));
        Ok(Transport {
            http,
            base_url,
            api_root,
            api_key,
            default_headers,
            budget: RetryBudget::default(),
            pacer: adaptive_pacing.then(Pacer::new),
        })
    }

    pub(crate) fn base_url(&self) -> &Url {
        &self.base_url
    }

    pub(crate) fn api_key(&self) -> &ApiKey {
        &self.api_key
    }

    pub(crate) fn budget(&self) -> &RetryBudget {
        &self.budget
    }

    pub(crate) fn pacer_rate(&self) -> Option<f64> {
        self.pacer.as_ref().and_then(Pacer::rate)
    }

    /// Sends `request` with retries and decodes the answer as `T`.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
        settings: &CallSettings,
    ) -> Result<Response<T>> {
        let started = Instant::now();
        let deadline = started + settings.deadline;
        let request_id = uuid::Uuid::new_v4().to_string();
        let url = Url::parse(&format!("{}{}", self.api_root, request.path))
            .map_err(|e| Error::new(ErrorKind::Connection, format!("cannot build the request URL: {e}")))?;
        let op = request.op.name();
        let mut attempts = 0u32;
        let mut ambiguous = false;
        let mut spent = 0u32;
        loop {
            if let Some(pacer) = &self.pacer
                && !pacer.acquire(deadline).await
            {
                return Err(deadline_error(request, settings, attempts, ambiguous, &request_id));
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(deadline_error(request, settings, attempts, ambiguous, &request_id));
            }
            attempts += 1;
            let attempt_timeout = settings.timeout.min(remaining);
            tracing::debug!(op, attempt = attempts, method = %request.method, path = %request.path, "sending");
            let sent_at = Instant::now();
            let outcome = self.attempt(request, &url, attempt_timeout, &request_id).await;
            let elapsed_ms = sent_at.elapsed().as_millis() as u64;

            let (failure, outcome) = match outcome {
                Ok(answer) => {
                    tracing::debug!(op, attempt = attempts, status = answer.status.as_u16(), elapsed_ms, "answered");
                    let retry_after = answer
                        .headers
                        .get(header::RETRY_AFTER)
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| retry::parse_retry_after(value, SystemTime::now()));
                    if let Some(pacer) = &self.pacer {
                        pacer.record(sent_at, crate::pacing::is_throttle(answer.status.as_u16(), retry_after));
                    }
                    if answer.status.is_success() {
                        self.budget.refund(spent);
                        return decode(answer, attempts, &request_id)
                            .map_err(|error| unreadable_success(error, WriteSafety::of(request.op)));
                    }
                    (Failure::Status { status: answer.status.as_u16(), retry_after }, Ok(answer))
                }
                Err(error) if error.is_builder() => {
                    return Err(Error::new(ErrorKind::Connection, format!("cannot build the request: {error}"))
                        .with_source(error)
                        .with_attempts(attempts));
                }
                Err(error) => {
                    tracing::debug!(op, attempt = attempts, elapsed_ms, error = %error, "attempt failed");
                    (classify(&error), Err(error))
                }
            };

            let decision =
                retry::decide(&settings.retry, WriteSafety::of(request.op), failure, attempts - 1, fastrand::f64());
            let this_ambiguous = !failure.provably_not_applied();
            let give_up = match decision {
                Decision::GiveUp(reason) => Some((reason, None)),
                Decision::Retry(wait) if Instant::now() + wait >= deadline => {
                    Some((GiveUp::RetriesExhausted, Some(" (not retrying: the wait would pass the call's deadline)")))
                }
                Decision::Retry(_) if !self.budget.try_spend(RetryBudget::cost(failure)) => {
                    tracing::warn!(op, "retry budget exhausted: the service keeps failing; not retrying");
                    Some((
                        GiveUp::RetriesExhausted,
                        Some(" (not retrying: the client's retry budget is spent, the service keeps failing)"),
                    ))
                }
                Decision::Retry(wait) => {
                    spent += RetryBudget::cost(failure);
                    tracing::info!(
                        op,
                        attempt = attempts,
                        wait_ms = wait.as_millis() as u64,
                        failure = ?failure,
                        "retrying"
                    );
                    ambiguous |= this_ambiguous;
                    tokio::time::sleep(wait).await;
                    None
                }
            };
            if let Some((reason, note)) = give_up {
                let error = match outcome {
                    Ok(answer) => status_error(answer, settings, reason, &request_id),
                    Err(error) => connection_error(error, request, attempt_timeout),
                };
                let maybe_created = WriteSafety::of(request.op) == WriteSafety::CreateWithoutUniqueName
                    && (ambiguous || this_ambiguous);
                let mut error = error
                    .with_attempts(attempts)
                    .with_after_ambiguous_attempt(ambiguous)
                    .with_maybe_created(maybe_created);
                if let Some(note) = note {
                    error = error.append_message(note);
                }
                if maybe_created {
                    error = error.append_message(MAYBE_CREATED_HINT);
                } else if attempts > 1 && reason == GiveUp::RetriesExhausted && note.is_none() {
                    error = error.append_message(&format!(" (gave up after {attempts} attempts)"));
                }
                return Err(error);
            }
        }
    }

    /// One attempt: the request, and the same-origin redirects [`redirect::next_hop`] allows, all
    /// within `timeout`. Redirects are followed here, not by reqwest, so that the key never leaves
    /// the configured origin and a refused redirect can say where it pointed.
    async fn attempt(
        &self,
        request: &ApiRequest,
        url: &Url,
        timeout: Duration,
        request_id: &str,
    ) -> std::result::Result<Answer, reqwest::Error> {
        let until = Instant::now() + timeout;
        let mut url = url.clone();
        let mut method = request.method.clone();
        let mut hops = 0;
        loop {
            let mut builder = self
                .http
                .request(method.clone(), url.clone())
                .timeout(until.saturating_duration_since(Instant::now()))
                .headers(self.default_headers.clone())
                .header(REQUEST_ID, request_id);
            if let Some(body) = &request.body {
                builder = builder.header(header::CONTENT_TYPE, body.content_type.as_str()).body(body.bytes.clone());
            }
            let mut response = builder.send().await?;
            let status = response.status();
            let mut redirect_refused = None;
            if redirect::is_redirect(status) {
                match redirect::next_hop(status, &method, &url, response.headers().get(header::LOCATION), hops) {
                    Hop::Follow { url: next, method: next_method } => {
                        tracing::debug!(status = status.as_u16(), to = %next, "following a redirect");
                        (url, method, hops) = (next, next_method, hops + 1);
                        continue;
                    }
                    Hop::Refuse(why) => redirect_refused = Some(why),
                }
            }
            let headers = std::mem::take(response.headers_mut());
            // Refused unread when announced too large; a body without a length is cut at the cap.
            if let Some(announced) = response.content_length().filter(|&n| n > MAX_RESPONSE_BYTES as u64) {
                return Ok(Answer {
                    status,
                    headers,
                    body: Bytes::new(),
                    oversized: Some(announced),
                    redirect_refused,
                });
            }
            let mut body = Vec::with_capacity(response.content_length().unwrap_or(0).min(1 << 20) as usize);
            let mut oversized = None;
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                    oversized = Some((body.len() + chunk.len()) as u64);
                    body.clear();
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            return Ok(Answer { status, headers, body: body.into(), oversized, redirect_refused });
        }
    }
}

fn classify(error: &reqwest::Error) -> Failure {
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

fn decode<T: DeserializeOwned>(answer: Answer, attempts: u32, request_id: &str) -> Result<Response<T>> {
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

/// Shapes the error of a 2xx answer whose body could not be read. A create answered 2xx took effect:
/// `maybe_created` says so (an action or trigger create then reads the item back and clears it when
/// found); an integration create also gets the hint.
fn unreadable_success(error: Error, safety: WriteSafety) -> Error {
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

fn status_error(answer: Answer, settings: &CallSettings, reason: GiveUp, sent_request_id: &str) -> Error {
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
            settings.retry.retry_after_cap.as_secs()
        ));
    }
    Error::new(kind, message)
        .with_status(status)
        .with_body(Some(truncated_text(&answer.body)).filter(|body| !body.is_empty()))
        .with_request_id(Some(request_id_of(&answer.headers, sent_request_id)))
        .with_headers(header_list(&answer.headers))
        .with_retry_after(retry_after)
}

fn connection_error(error: reqwest::Error, request: &ApiRequest, timeout: Duration) -> Error {
    let target = format!("{} {}", request.method, request.path);
    let (kind, message) = match classify(&error) {
        Failure::Connect => (ErrorKind::Connection, format!("could not connect for {target}: {}", root_cause(&error))),
        Failure::Timeout => (ErrorKind::Timeout, format!("{target} timed out after {:.1} s", timeout.as_secs_f64())),
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

fn deadline_error(
    request: &ApiRequest,
    settings: &CallSettings,
    attempts: u32,
    ambiguous: bool,
    request_id: &str,
) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "{} {} ran out of time: the call's deadline of {:.1} s passed",
            request.method,
            request.path,
            settings.deadline.as_secs_f64()
        ),
    )
    .with_attempts(attempts)
    .with_request_id(Some(request_id.to_owned()))
    .with_after_ambiguous_attempt(ambiguous)
    .with_maybe_created(WriteSafety::of(request.op) == WriteSafety::CreateWithoutUniqueName && ambiguous)
}

/// The reason the TLS handshake refused the server's certificate, if that is why the connection failed: rustls's
/// error, found in the error's source chain, where it sits inside `io::Error`s.
fn refused_certificate<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a CertificateError> {
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
