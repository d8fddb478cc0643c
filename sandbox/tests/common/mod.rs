//! A tiny HTTP server on 127.0.0.1 (a free port each run) that plays the third-party APIs the documentation's
//! example code calls, and remembers every request it saw.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use langdock_sandbox::{Outcome, RunSpec};
use serde_json::{Value, json};

/// The bearer token `/me` accepts.
pub const GOOD_TOKEN: &str = "tok-good-123456";
/// The API key `/apikey/check` accepts.
pub const GOOD_KEY: &str = "key-good-abcdef";
/// The bytes `/files/report.pdf` serves: not UTF-8, so they only survive as binary.
pub const PDF_BYTES: &[u8] = b"%PDF-1.4\n\xff\xfe\x00\x01binary\x80";

/// A request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The running server; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    pub fn start() -> Server {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown, mut stop) = tokio::sync::oneshot::channel::<()>();
        let seen_for_server = seen.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    tokio::select! {
                        _ = &mut stop => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let seen = seen_for_server.clone();
                            tokio::spawn(async move {
                                let service = service_fn(move |req| handle(seen.clone(), req));
                                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                            });
                        }
                    }
                }
            });
        });
        let addr = addr_rx.recv().unwrap();
        Server { addr, seen, _shutdown: shutdown }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn reply(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    Response::builder().status(status).header("content-type", content_type).body(Full::new(body.into())).unwrap()
}

fn json_reply(status: u16, value: Value) -> Response<Full<Bytes>> {
    reply(status, "application/json", value.to_string())
}

async fn handle(seen: Arc<Mutex<Vec<Seen>>>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().to_string();
    let path_and_query = req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = req.into_body().collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    let request = Seen { method: method.clone(), path_and_query, headers, body: body.clone() };
    seen.lock().unwrap().push(request.clone());

    let params: Value = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect::<serde_json::Map<_, _>>()
        .into();
    if request.header("authorization").is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256")) {
        // Any SigV4-signed request: echo what the signature covers.
        return Ok(json_reply(
            200,
            json!({
                "authorization": request.header("authorization"),
                "amzDate": request.header("x-amz-date"),
                "host": request.header("host"),
                "contentSha256": request.header("x-amz-content-sha256"),
                "securityToken": request.header("x-amz-security-token"),
            }),
        ));
    }
    let response = match (method.as_str(), path.as_str()) {
        ("GET", "/me") => {
            if request.header("authorization") == Some(&format!("Bearer {GOOD_TOKEN}")) {
                json_reply(200, json!({ "id": "u1", "email": "ada@example.com", "name": "Ada" }))
            } else {
                json_reply(401, json!({ "error": "invalid token" }))
            }
        }
        ("GET", "/apikey/check") => {
            let key = request
                .header("x-api-key")
                .map(str::to_owned)
                .or_else(|| params["api_key"].as_str().map(str::to_owned));
            if key.as_deref() == Some(GOOD_KEY) {
                json_reply(200, json!({ "account": "acme", "plan": "pro" }))
            } else {
                json_reply(403, json!({ "error": "bad api key" }))
            }
        }
        ("GET", "/forecast") => {
            json_reply(200, json!({ "city": params["city"], "days": params["days"], "temperatures": [21.5, 19.0] }))
        }
        (_, "/echo") => {
            let text = String::from_utf8_lossy(&body).into_owned();
            json_reply(
                200,
                json!({
                    "method": method,
                    "contentType": request.header("content-type"),
                    "body": text,
                    "json": serde_json::from_slice::<Value>(&body).ok(),
                    "query": params,
                }),
            )
        }
        ("POST", "/tickets") => {
            let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            json_reply(
                201,
                json!({ "id": "T-1", "title": parsed["title"], "contentType": request.header("content-type") }),
            )
        }
        ("GET", "/files/report.pdf") => reply(200, "application/pdf", PDF_BYTES.to_vec()),
        ("GET", "/events") => json_reply(
            200,
            json!({ "messages": [
                { "id": "m1", "subject": "Hello", "received": "2024-05-01T10:00:00Z" },
                { "id": "m2", "subject": "Again", "received": "2024-05-01T11:00:00Z" }
            ], "since": params["since"] }),
        ),
        ("GET", "/text") => reply(200, "text/plain", "plain words"),
        ("GET", "/big") => reply(200, "application/octet-stream", vec![b'x'; 3 * 1024 * 1024]),
        ("GET", "/empty") => Response::builder().status(204).body(Full::new(Bytes::new())).unwrap(),
        ("GET", "/missing") => json_reply(404, json!({ "error": "not found" })),
        ("GET", "/slow") => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            json_reply(200, json!({}))
        }
        _ => json_reply(404, json!({ "error": format!("no route {method} {path}") })),
    };
    Ok(response)
}

/// A spec for `code` with `BASE` in the code replaced by the server's URL.
pub fn spec(server: &Server, code: &str) -> RunSpec {
    RunSpec::new(code.replace("BASE", &server.url()))
}

/// Panics with the whole outcome when the run did not return.
pub fn expect_ok(outcome: &Outcome) -> &Value {
    assert!(outcome.ok, "the run failed: {outcome:#?}");
    outcome.result.as_ref().expect("a result")
}

/// A fresh temporary directory for cassettes.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("langdock-sandbox-{name}-{}-{}", std::process::id(), fastrand_u64()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64);
    h.finish()
}
