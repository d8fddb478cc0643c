//! The one place that sends requests: attempts, waits, the deadline, the budget and pacing.
//!
//! Policy (what retries and how long to wait) lives in [`crate::retry`]; this module applies it. What an answer or
//! a failure turns into (the error a caller sees) is [`crate::error_shaping`]'s.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use crate::api_key::ApiKey;
use crate::error::{Error, ErrorKind, Result};
use crate::error_shaping::{
    Answer, MAX_RESPONSE_BYTES, NoAnswer, REQUEST_ID, classify, connection_error, deadline_error, decode, given_up,
    status_error, unreadable_success,
};
use crate::operation::{Operation, WriteSafety};
use crate::pacing::Pacer;
use crate::redirect::{self, Hop};
use crate::response::Response;
use crate::retry::{self, Decision, Failure, GiveUp, RetryBudget, RetryPolicy};

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

    /// The request line for messages, e.g. `GET /get`.
    fn target(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// A request with a raw body of the given content type.
    pub(crate) fn raw(op: Operation, method: Method, path: String, bytes: Bytes, content_type: String) -> ApiRequest {
        ApiRequest { op, method, path, body: Some(Body { bytes, content_type }) }
    }
}

/// The settings one call runs with, after per-call options are applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallSettings {
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) validate: bool,
}

/// Sends requests for one client and its clones: the connection pool, the key and default headers, the
/// client-wide retry budget and the adaptive pacing.
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
        self.send_and_read(request, settings, decode).await
    }

    /// Sends `request` with retries and reads a successful answer with `read` (given the answer, the attempts
    /// made and the request id); an answer it cannot read is an error as [`unreadable_success`] shapes it.
    pub(crate) async fn send_and_read<T>(
        &self,
        request: &ApiRequest,
        settings: &CallSettings,
        read: impl FnOnce(Answer, u32, &str) -> Result<Response<T>>,
    ) -> Result<Response<T>> {
        let (answer, attempts, request_id) = self.answered(request, settings).await?;
        read(answer, attempts, &request_id).map_err(|error| unreadable_success(error, WriteSafety::of(request.op)))
    }

    /// Sends `request` with retries until it succeeds: the answer, the attempts made and the request id. Not
    /// generic, so that the retry loop is compiled once, not once for every answer type.
    async fn answered(&self, request: &ApiRequest, settings: &CallSettings) -> Result<(Answer, u32, String)> {
        let started = Instant::now();
        let deadline = started + settings.deadline;
        let request_id = new_request_id();
        let url = Url::parse(&format!("{}{}", self.api_root, request.path))
            .map_err(|e| Error::new(ErrorKind::Connection, format!("cannot build the request URL: {e}")))?;
        let op = request.op.name();
        let mut attempts = 0u32;
        let mut ambiguous = false;
        let mut spent = 0u32;
        loop {
            // Held until the attempt is over, answered or not (the start window counts it meanwhile).
            let permit = match &self.pacer {
                Some(pacer) => pacer.acquire(deadline).await,
                None => None,
            };
            let paced = permit.is_some() || self.pacer.is_none();
            let remaining = deadline.saturating_duration_since(Instant::now());
            if !paced || remaining.is_zero() {
                let target = request.target();
                return Err(deadline_error(&target, request.op, settings.deadline, attempts, ambiguous, &request_id));
            }
            attempts += 1;
            let attempt_timeout = settings.timeout.min(remaining);
            tracing::debug!(op, attempt = attempts, method = %request.method, path = %request.path, "sending");
            let sent_at = Instant::now();
            let outcome = match tokio::time::timeout(attempt_timeout, self.attempt(request, &url, &request_id)).await {
                Ok(outcome) => outcome.map_err(NoAnswer::Http),
                Err(elapsed) => Err(NoAnswer::TimedOut(elapsed)),
            };
            drop(permit);
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
                        return Ok((answer, attempts, request_id));
                    }
                    (Failure::Status { status: answer.status.as_u16(), retry_after }, Ok(answer))
                }
                Err(NoAnswer::Http(error)) if error.is_builder() => {
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
                    Ok(answer) => status_error(answer, settings.retry.retry_after_cap, reason, &request_id),
                    Err(error) => connection_error(error, &request.target(), attempt_timeout),
                };
                return Err(given_up(error, request.op, attempts, ambiguous, this_ambiguous, reason, note));
            }
        }
    }

    /// One attempt: the request, and the same-origin redirects [`redirect::next_hop`] allows (the caller
    /// keeps the attempt's timeout over all of it). Redirects are followed here, not by reqwest, so that the key
    /// never leaves the configured origin and a refused redirect can say where it pointed.
    async fn attempt(
        &self,
        request: &ApiRequest,
        url: &Url,
        request_id: &str,
    ) -> std::result::Result<Answer, reqwest::Error> {
        let mut url = url.clone();
        let mut method = request.method.clone();
        let mut hops = 0;
        loop {
            let mut builder = self
                .http
                .request(method.clone(), url.clone())
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
            // An announced length (at most the cap, checked above) is one the HTTP layer holds the body to: read
            // whole, an answer that arrived in one piece is kept as it came, not copied.
            if response.content_length().is_some() {
                let body = response.bytes().await?;
                return Ok(Answer { status, headers, body, oversized: None, redirect_refused });
            }
            let mut body = Vec::new();
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

/// A request id: a random (version 4) UUID from the thread's fast generator, mixed with the process id. It costs
/// no system call (`Uuid::new_v4` asks the kernel for every id: 0.4 µs here, once per call; the process id is
/// read once per process), and a forked child, which inherits its parent's generator, still makes ids of its own.
fn new_request_id() -> String {
    let random = fastrand::u128(..) ^ (u128::from(crate::process::id()) << 64);
    uuid::Builder::from_random_bytes(random.to_le_bytes()).into_uuid().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_are_distinct_version_4_uuids() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| super::new_request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in &ids {
            let uuid = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!((uuid.get_version_num(), uuid.get_variant()), (4, uuid::Variant::RFC4122), "{id}");
            assert_eq!(id, &uuid.hyphenated().to_string(), "lower-case, hyphenated");
        }
    }
}
