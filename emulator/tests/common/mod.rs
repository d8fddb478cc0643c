//! Helpers shared by the integration tests: a started emulator, a client with the default key, and raw TCP.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use langdock_emulator::{Config, DEFAULT_API_KEY, Emulator};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// First seeded (Langdock-built) integration.
pub const SEEDED: &str = langdock_emulator::SEEDED_INTEGRATION_IDS[0];
/// A well-formed UUID that names nothing.
pub const UNKNOWN: &str = "11111111-2222-4333-8444-555555555555";

/// An answer: status, headers and the body parsed as JSON (`Value::Null` when it is not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    pub fn message(&self) -> String {
        self.json["message"].as_str().unwrap_or_default().to_owned()
    }
}

pub struct Env {
    pub emu: Emulator,
    pub http: reqwest::Client,
}

impl Env {
    pub async fn start() -> Env {
        Env::with(Config::default()).await
    }

    pub async fn with(config: Config) -> Env {
        let emu = Emulator::start(config).await.expect("emulator starts");
        let http = reqwest::Client::builder().no_proxy().build().expect("client");
        Env { emu, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    /// A request with the default key.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(DEFAULT_API_KEY)
    }

    pub async fn get(&self, path: &str) -> Answer {
        send(self.req(Method::GET, path)).await
    }

    pub async fn json(&self, method: Method, path: &str, body: Value) -> Answer {
        send(self.req(method, path).json(&body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        send(self.req(Method::DELETE, path)).await
    }

    /// Creates a custom integration and returns its ID.
    pub async fn integration(&self, name: &str) -> String {
        let answer = self.json(Method::POST, "/integrations/v1/create", json!({ "name": name })).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.json["integration"]["id"].as_str().expect("id").to_owned()
    }

    /// Creates an action and returns it.
    pub async fn action(&self, integration: &str, body: Value) -> Value {
        let path = format!("/integrations/v1/{integration}/actions/create");
        let answer = self.json(Method::POST, &path, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.json["action"].clone()
    }

    /// Creates a trigger and returns it.
    pub async fn trigger(&self, integration: &str, body: Value) -> Value {
        let path = format!("/integrations/v1/{integration}/triggers/create");
        let answer = self.json(Method::POST, &path, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.json["trigger"].clone()
    }

    /// The full integration as GET shows it.
    pub async fn full(&self, integration: &str) -> Value {
        let answer = self.get(&format!("/integrations/v1/{integration}")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.json["integration"].clone()
    }

    /// The stored state from the control API (shows what GET hides).
    pub async fn state(&self) -> Value {
        send(self.http.get(self.url("/_emulator/state"))).await.json
    }
}

pub async fn send(request: RequestBuilder) -> Answer {
    let response = request.send().await.expect("request is answered");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, headers, text, json }
}

/// What a raw connection received: the bytes, and whether it ended (EOF or reset) within the timeout.
pub struct Raw {
    pub bytes: Vec<u8>,
    pub closed: bool,
}

impl Raw {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Writes `request` on a fresh connection and reads until the server closes it (or 3 s pass).
pub async fn raw(addr: SocketAddr, request: &[u8]) -> Raw {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // The server may close before reading everything; a failed write is part of what is observed.
    let _ = stream.write_all(request).await;
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(n)) => bytes.extend_from_slice(&buf[..n]),
            Err(_) => break false,
        }
    };
    Raw { bytes, closed }
}

/// A raw HTTP/1.1 request with the default key and a JSON body.
pub fn raw_request(method: &str, path: &str, body: &str) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {DEFAULT_API_KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A unique path in the temp directory.
pub fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("langdock-emulator-{}-{name}", uuid_like()))
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}
