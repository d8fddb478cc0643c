//! `ld.request` and `ld.awsRequest` on the Rust side: building the request from the code's options, sending it
//! (live through reqwest with the core's trust roots, recorded, or answered from a cassette) and the cassette
//! format itself.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::crypto::{AwsScope, sigv4_sign};
use crate::redact::Redactor;
use crate::spec::{ErrorKind, Http, RunError};

/// Redirects `ld.request` follows before it answers with the redirect itself.
const MAX_REDIRECTS: usize = 10;

/// The options object of one `ld.request` call, as the prelude hands it over.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestSpec {
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    params: Vec<(String, String)>,
    #[serde(default)]
    body: Option<BodySpec>,
    #[serde(default)]
    timeout_ms: Option<f64>,
    #[serde(default)]
    response_type: Option<String>,
    #[serde(default)]
    aws: Option<AwsScope>,
}

#[derive(Debug, Clone, Deserialize)]
struct BodySpec {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    base64: Option<String>,
    /// The code passed an object, which the prelude turned into JSON.
    #[serde(default)]
    json: bool,
}

/// A request ready to send or to look up in a cassette.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub method: String,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// `responseType: 'binary' | 'stream' | 'arraybuffer'`: the answer carries `buffer`, not `json`/`text`.
    pub binary: bool,
    pub timeout: Option<Duration>,
}

impl RequestSpec {
    /// Checks the options and builds the request: query parameters appended, JSON `Content-Type` added for an
    /// object body unless the code set one, SigV4 applied for `ld.awsRequest`.
    pub(crate) fn prepare(self) -> Result<Prepared, String> {
        let method = self.method.trim().to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(format!("ld.request: invalid method {:?}", self.method));
        }
        let mut url = Url::parse(&self.url).map_err(|e| format!("ld.request: invalid url {:?}: {e}", self.url))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(format!("ld.request: only http and https URLs are supported, not {:?}", self.url));
        }
        if !self.params.is_empty() {
            url.query_pairs_mut().extend_pairs(self.params.iter());
        }
        let mut headers: Vec<(String, String)> = self.headers.into_iter().collect();
        let body = match self.body {
            None => Vec::new(),
            Some(BodySpec { text: Some(text), json, .. }) => {
                if json && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
                    headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
                }
                text.into_bytes()
            }
            Some(BodySpec { base64: Some(b64), .. }) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("ld.request: body bytes: {e}"))?,
            Some(_) => Vec::new(),
        };
        if let Some(scope) = &self.aws {
            sigv4_sign(&method, &url, &mut headers, &body, scope, SystemTime::now());
        }
        let binary = matches!(self.response_type.as_deref(), Some("binary" | "stream" | "arraybuffer" | "blob"));
        let timeout = match self.timeout_ms {
            Some(ms) if ms.is_finite() && ms > 0.0 => Some(Duration::from_secs_f64(ms / 1000.0)),
            _ => None,
        };
        Ok(Prepared { method, url, headers, body, binary, timeout })
    }
}

/// An answer, whichever way it came.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    /// Lower-case names; repeated headers joined with `, `.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

/// Why a request has no answer.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub message: String,
    pub replay_miss: bool,
}

pub(crate) type AnswerFuture = Pin<Box<dyn Future<Output = (Result<Answer, Failure>, Duration)>>>;

/// The cassette file: every interaction of a recorded run, secrets redacted, pretty-printed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cassette {
    /// How the file came about, for a reader.
    #[serde(default)]
    pub note: String,
    /// Requests and their answers, in the order they were made.
    pub interactions: Vec<Interaction>,
}

/// One request and its answer in a cassette.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// The request, redacted.
    pub request: RecordedRequest,
    /// The answer, redacted.
    pub response: RecordedResponse,
}

/// A request as a cassette keeps it: replay matches `method`, `url` and `body`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// The URL with its query, redacted.
    pub url: String,
    /// Request headers, redacted (not matched).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The body as text (JSON bodies redacted), if it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body as base64, if it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

/// An answer as a cassette keeps it: exactly one of `json`, `text`, `base64` holds the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// Status code.
    pub status: u16,
    /// Response headers, redacted.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body, redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// A UTF-8 body that is not JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Any other body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
}

impl RecordedResponse {
    fn body_bytes(&self) -> Vec<u8> {
        if let Some(json) = &self.json {
            serde_json::to_vec(json).unwrap_or_default()
        } else if let Some(text) = &self.text {
            text.clone().into_bytes()
        } else if let Some(b64) = &self.base64 {
            base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default()
        } else {
            Vec::new()
        }
    }
}

/// The request as a cassette keeps it: what replay compares.
fn recorded_request(request: &Prepared, redactor: &Redactor) -> RecordedRequest {
    let headers = request
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), redactor.header(n, v)))
        .collect::<BTreeMap<_, _>>();
    let (body, body_base64) = if request.body.is_empty() {
        (None, None)
    } else {
        match std::str::from_utf8(&request.body) {
            Ok(text) => match serde_json::from_str::<Value>(text) {
                Ok(mut json) if text.trim_start().starts_with(['{', '[']) => {
                    redactor.json(&mut json);
                    (Some(serde_json::to_string(&json).unwrap_or_default()), None)
                }
                _ => (Some(redactor.text(text)), None),
            },
            Err(_) => (None, Some(base64::engine::general_purpose::STANDARD.encode(&request.body))),
        }
    };
    RecordedRequest { method: request.method.clone(), url: redactor.url(&request.url), headers, body, body_base64 }
}

fn recorded_response(answer: &Answer, redactor: &Redactor) -> RecordedResponse {
    let headers = answer.headers.iter().map(|(n, v)| (n.clone(), redactor.header(n, v))).collect::<BTreeMap<_, _>>();
    let mut response = RecordedResponse { status: answer.status, headers, json: None, text: None, base64: None };
    match std::str::from_utf8(&answer.body) {
        Ok("") => {}
        Ok(text) => match serde_json::from_str::<Value>(text) {
            Ok(mut json) if text.trim_start().starts_with(['{', '[']) => {
                redactor.json(&mut json);
                response.json = Some(json);
            }
            _ => response.text = Some(redactor.text(text)),
        },
        Err(_) => response.base64 = Some(base64::engine::general_purpose::STANDARD.encode(&answer.body)),
    }
    response
}

/// Sends requests the way the spec's `http` mode says.
pub(crate) struct Transport {
    mode: Mode,
    redactor: Rc<Redactor>,
    client: Option<reqwest::Client>,
    /// The largest response body a request may read, in bytes: the run's memory limit.
    max_body: usize,
}

enum Mode {
    Live,
    Record { path: PathBuf, interactions: Rc<RefCell<Vec<Interaction>>> },
    Replay { path: PathBuf, cassette: Cassette, used: Vec<bool> },
}

impl Transport {
    /// Reads the cassette in replay mode; fails with `invalid_spec` when it is missing or malformed.
    pub(crate) fn new(http: &Http, redactor: Redactor, max_body: usize) -> Result<Self, RunError> {
        let mode = match http {
            Http::Live => Mode::Live,
            Http::Record { cassette } => {
                Mode::Record { path: cassette.clone(), interactions: Rc::new(RefCell::new(Vec::new())) }
            }
            Http::Replay { cassette } => {
                let cassette_data = read_cassette(cassette)?;
                let used = vec![false; cassette_data.interactions.len()];
                Mode::Replay { path: cassette.clone(), cassette: cassette_data, used }
            }
        };
        Ok(Transport { mode, redactor: Rc::new(redactor), client: None, max_body })
    }

    /// The redactor for reports.
    pub(crate) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Starts a request; the future resolves with the answer and the time it took.
    pub(crate) fn start(&mut self, request: Prepared) -> AnswerFuture {
        match &mut self.mode {
            Mode::Replay { path, cassette, used } => {
                let wanted = recorded_request(&request, &self.redactor);
                let result = replay(path, cassette, used, &wanted);
                Box::pin(async move { (result, Duration::ZERO) })
            }
            Mode::Live | Mode::Record { .. } => {
                let client = match self.client() {
                    Ok(client) => client,
                    Err(message) => {
                        return Box::pin(async move { (Err(Failure { message, replay_miss: false }), Duration::ZERO) });
                    }
                };
                let max_body = self.max_body;
                let redactor = self.redactor.clone();
                let record = match &self.mode {
                    Mode::Record { interactions, .. } => Some(interactions.clone()),
                    _ => None,
                };
                Box::pin(async move {
                    let started = Instant::now();
                    let result = send(&client, &request, max_body, &redactor).await;
                    if let (Ok(answer), Some(interactions)) = (&result, record) {
                        interactions.borrow_mut().push(Interaction {
                            request: recorded_request(&request, &redactor),
                            response: recorded_response(answer, &redactor),
                        });
                    }
                    (result, started.elapsed())
                })
            }
        }
    }

    /// Writes the cassette in record mode, making its folder if needed (also after a failed run, so what was
    /// recorded is kept).
    pub(crate) fn finish(&self) -> Result<(), RunError> {
        if let Mode::Record { path, interactions } = &self.mode {
            let cassette = Cassette {
                note: "Recorded by langdock-sandbox. Secrets are redacted; replay matches method, url and body."
                    .to_owned(),
                interactions: interactions.borrow().clone(),
            };
            let mut text = serde_json::to_string_pretty(&cassette).unwrap_or_default();
            text.push('\n');
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                // A test's cassettes folder is often new: making it is what the user asked for by recording.
                let _ = std::fs::create_dir_all(parent);
            }
            std::fs::write(path, text).map_err(|e| {
                RunError::new(ErrorKind::InvalidSpec, format!("cannot write the cassette {}: {e}", path.display()))
            })?;
        }
        Ok(())
    }

    fn client(&mut self) -> Result<reqwest::Client, String> {
        if let Some(client) = &self.client {
            return Ok(client.clone());
        }
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            .user_agent(concat!("langdock-sandbox/", env!("CARGO_PKG_VERSION")));
        let client =
            langdock::http_client::add_trust_roots(builder, Vec::new(), langdock::http_client::ca_bundle_from_env())
                .map_err(|e| format!("ld.request: {e}"))?
                .build()
                .map_err(|e| format!("ld.request: cannot build the HTTP client: {e}"))?;
        self.client = Some(client.clone());
        Ok(client)
    }
}

/// Reads and parses a cassette file.
pub(crate) fn read_cassette(path: &Path) -> Result<Cassette, RunError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        RunError::new(ErrorKind::InvalidSpec, format!("cannot read the cassette {}: {e}", path.display()))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        RunError::new(ErrorKind::InvalidSpec, format!("the cassette {} is not a valid cassette: {e}", path.display()))
    })
}

/// The first unused interaction with the same method, URL and body; once all such are used, the last of them
/// again (polling code asks the same thing repeatedly).
fn replay(path: &Path, cassette: &Cassette, used: &mut [bool], wanted: &RecordedRequest) -> Result<Answer, Failure> {
    let matches = |i: &Interaction| {
        i.request.method == wanted.method
            && i.request.url == wanted.url
            && i.request.body == wanted.body
            && i.request.body_base64 == wanted.body_base64
    };
    let candidates: Vec<usize> =
        cassette.interactions.iter().enumerate().filter(|(_, i)| matches(i)).map(|(n, _)| n).collect();
    let Some(&index) = candidates.iter().find(|&&n| !used[n]).or(candidates.last()) else {
        let same_url =
            cassette.interactions.iter().any(|i| i.request.method == wanted.method && i.request.url == wanted.url);
        let hint = if same_url { " (it has this method and URL with another body)" } else { "" };
        return Err(Failure {
            message: format!(
                "replay miss: the cassette {} has no answer for {} {}{}{hint}; record it again with the http mode \"record\"",
                path.display(),
                wanted.method,
                wanted.url,
                wanted.body.as_deref().map(|b| format!(" with body {b}")).unwrap_or_default(),
            ),
            replay_miss: true,
        });
    };
    used[index] = true;
    let response = &cassette.interactions[index].response;
    Ok(Answer { status: response.status, headers: response.headers.clone(), body: response.body_bytes() })
}

async fn send(
    client: &reqwest::Client,
    request: &Prepared,
    max_body: usize,
    redactor: &Redactor,
) -> Result<Answer, Failure> {
    // The message reaches the code, its logs and the user's terminal: the URL and the error text lose every
    // secret, like the request summary and the cassette.
    let fail = |message: String| Failure { message: redactor.text(&message), replay_miss: false };
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|e| fail(format!("ld.request: invalid method {:?}: {e}", request.method)))?;
    let mut builder = client.request(method, request.url.clone());
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if !request.body.is_empty() {
        builder = builder.body(request.body.clone());
    }
    if let Some(timeout) = request.timeout {
        builder = builder.timeout(timeout);
    }
    let what = format!("{} {}", request.method, redactor.url(&request.url));
    let describe = |e: reqwest::Error| {
        // reqwest's own text repeats the URL unredacted.
        let e = e.without_url();
        if e.is_timeout() {
            format!("ld.request {what} timed out after {} ms", request.timeout.map(|t| t.as_millis()).unwrap_or(0))
        } else if e.is_connect() {
            format!("ld.request {what} failed: cannot connect ({})", source_chain(&e))
        } else {
            format!("ld.request {what} failed: {}", source_chain(&e))
        }
    };
    let response = builder.send().await.map_err(|e| fail(describe(e)))?;
    let status = response.status().as_u16();
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in response.headers() {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        headers
            .entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    // Read with a cap: the body becomes a JavaScript string or ArrayBuffer, so one larger than the run's memory
    // limit could never be held, and reading it whole first would put that memory outside the limit.
    let mut response = response;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| fail(describe(e)))? {
        if body.len() + chunk.len() > max_body {
            return Err(fail(format!(
                "ld.request {what}: the response body is larger than the run's memory limit ({} MB)",
                max_body / (1024 * 1024)
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, headers, body })
}

fn source_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = e.source();
    }
    text
}
