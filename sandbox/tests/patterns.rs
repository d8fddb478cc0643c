//! The documentation's example patterns, run live against a local server, then recorded and replayed offline:
//! each gives the documented shape both ways.

mod common;

use base64::Engine as _;
use common::{GOOD_KEY, GOOD_TOKEN, PDF_BYTES, Server, expect_ok, spec, temp_dir};
use langdock_sandbox::{Http, Kind, Outcome, RunSpec, run_blocking};
use serde_json::{Value, json};

const GET_WITH_BEARER: &str = r#"
const response = await ld.request({
  method: 'GET',
  url: 'BASE/me',
  headers: { Authorization: `Bearer ${data.auth.access_token}` },
});
if (response.status !== 200) throw new Error(`API returned status ${response.status}`);
return response.json;
"#;

const POST_OBJECT_BODY: &str = r#"
const response = await ld.request({
  method: 'POST',
  url: 'BASE/tickets',
  headers: { Authorization: `Bearer ${data.auth.apiKey}` },
  body: { title: data.input.title, priority: 'high' },
});
return { success: response.status === 201, ticketId: response.json.id, contentType: response.json.contentType };
"#;

const BINARY_DOWNLOAD: &str = r#"
const response = await ld.request({ method: 'GET', url: 'BASE/files/report.pdf', responseType: 'binary' });
if (!response.success) throw new Error('download failed with status ' + response.status);
const bytes = new Uint8Array(response.buffer);
return {
  files: { fileName: 'report.pdf', mimeType: response.headers['content-type'], base64: Buffer.from(response.buffer).toString('base64') },
  size: bytes.length,
};
"#;

const TRIGGER_EVENTS: &str = r#"
const response = await ld.request({ method: 'GET', url: 'BASE/events', params: { since: lastPollTime } });
return response.json.messages.map((m) => ({ id: m.id, timestamp: m.received, data: { subject: m.subject } }));
"#;

const API_KEY_TEST: &str = r#"
const response = await ld.request({ method: 'GET', url: 'BASE/apikey/check', headers: { 'x-api-key': data.auth.apiKey } });
if (response.status !== 200) throw new Error('Invalid API key: ' + response.json.error);
return response.json;
"#;

fn get_with_bearer(server: &Server) -> RunSpec {
    let mut s = spec(server, GET_WITH_BEARER);
    s.auth.insert("access_token".into(), GOOD_TOKEN.into());
    s
}

fn post_object_body(server: &Server) -> RunSpec {
    let mut s = spec(server, POST_OBJECT_BODY);
    s.auth.insert("apiKey".into(), GOOD_KEY.into());
    s.input.insert("title".into(), "Printer on fire".into());
    s
}

fn binary_download(server: &Server) -> RunSpec {
    spec(server, BINARY_DOWNLOAD)
}

fn trigger_events(server: &Server) -> RunSpec {
    let mut s = spec(server, TRIGGER_EVENTS);
    s.kind = Kind::Trigger;
    s.last_poll_time = Some("2024-05-01T09:00:00Z".into());
    s
}

fn api_key_test(server: &Server, key: &str) -> RunSpec {
    let mut s = spec(server, API_KEY_TEST);
    s.kind = Kind::Auth;
    s.auth.insert("apiKey".into(), key.into());
    s
}

fn assert_bearer_shape(outcome: &Outcome) {
    assert_eq!(expect_ok(outcome), &json!({ "id": "u1", "email": "ada@example.com", "name": "Ada" }));
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    assert_eq!(outcome.requests.len(), 1);
    assert_eq!((outcome.requests[0].method.as_str(), outcome.requests[0].status), ("GET", Some(200)));
}

fn assert_post_shape(outcome: &Outcome) {
    assert_eq!(
        expect_ok(outcome),
        &json!({ "success": true, "ticketId": "T-1", "contentType": "application/json" }),
        "an object body is sent as JSON with Content-Type application/json"
    );
}

fn assert_download_shape(outcome: &Outcome) {
    let result = expect_ok(outcome);
    let file = &result["files"];
    assert_eq!(file["fileName"], "report.pdf");
    assert_eq!(file["mimeType"], "application/pdf");
    let bytes = base64::engine::general_purpose::STANDARD.decode(file["base64"].as_str().unwrap()).unwrap();
    assert_eq!(bytes, PDF_BYTES, "the binary body arrives byte for byte");
    assert_eq!(result["size"], PDF_BYTES.len());
    assert!(outcome.violations.is_empty(), "a well-formed file has no violations: {:?}", outcome.violations);
}

fn assert_trigger_shape(outcome: &Outcome) {
    assert_eq!(
        expect_ok(outcome),
        &json!([
            { "id": "m1", "timestamp": "2024-05-01T10:00:00Z", "data": { "subject": "Hello" } },
            { "id": "m2", "timestamp": "2024-05-01T11:00:00Z", "data": { "subject": "Again" } }
        ])
    );
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
}

fn assert_api_key_shape(outcome: &Outcome) {
    assert_eq!(expect_ok(outcome), &json!({ "account": "acme", "plan": "pro" }));
}

#[test]
fn get_with_a_bearer_header_returns_the_apis_json() {
    let server = Server::start();
    let outcome = run_blocking(get_with_bearer(&server));
    assert_bearer_shape(&outcome);
    assert_eq!(server.seen()[0].header("authorization"), Some(format!("Bearer {GOOD_TOKEN}").as_str()));
    assert!(!outcome.requests[0].url.contains(GOOD_TOKEN));
}

#[test]
fn post_with_an_object_body_sends_json() {
    let server = Server::start();
    let outcome = run_blocking(post_object_body(&server));
    assert_post_shape(&outcome);
    let seen = &server.seen()[0];
    let body: Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(body, json!({ "title": "Printer on fire", "priority": "high" }));
}

#[test]
fn binary_download_is_returned_as_a_file() {
    let server = Server::start();
    assert_download_shape(&run_blocking(binary_download(&server)));
}

#[test]
fn trigger_returns_events_and_sees_last_poll_time() {
    let server = Server::start();
    let outcome = run_blocking(trigger_events(&server));
    assert_trigger_shape(&outcome);
    assert_eq!(server.seen()[0].path_and_query, "/events?since=2024-05-01T09%3A00%3A00Z");
}

#[test]
fn api_key_auth_test_returns_the_account_and_fails_on_a_bad_key() {
    let server = Server::start();
    assert_api_key_shape(&run_blocking(api_key_test(&server, GOOD_KEY)));
    let bad = run_blocking(api_key_test(&server, "wrong-key-999"));
    assert!(!bad.ok);
    let error = bad.error.unwrap();
    assert_eq!(error.message, "Invalid API key: bad api key");
    assert_eq!((error.file.as_deref(), error.line), (Some("code.js"), Some(3)), "the throw's line in the user's file");
}

/// Records `make(server)` to a cassette, then replays it with the server idle: same shape, no new traffic.
fn record_then_replay(name: &str, make: impl Fn(&Server) -> RunSpec, check: impl Fn(&Outcome)) {
    let server = Server::start();
    let cassette = temp_dir(name).join("cassette.json");
    let mut recording = make(&server);
    recording.http = Http::Record { cassette: cassette.clone() };
    let recorded = run_blocking(recording);
    check(&recorded);
    let before = server.seen().len();

    let text = std::fs::read_to_string(&cassette).unwrap();
    assert!(text.contains("\n  \"interactions\""), "the cassette is pretty-printed JSON:\n{text}");
    for secret in [GOOD_TOKEN, GOOD_KEY] {
        assert!(!text.contains(secret), "the cassette holds the secret {secret}:\n{text}");
    }

    let mut replaying = make(&server);
    replaying.http = Http::Replay { cassette };
    let replayed = run_blocking(replaying);
    check(&replayed);
    assert_eq!(replayed.result, recorded.result, "replay gives what the live run gave");
    assert_eq!(server.seen().len(), before, "replay sends nothing");
}

#[test]
fn get_with_a_bearer_header_replays_offline() {
    record_then_replay("bearer", get_with_bearer, assert_bearer_shape);
}

#[test]
fn post_with_an_object_body_replays_offline() {
    record_then_replay("post", post_object_body, assert_post_shape);
}

#[test]
fn binary_download_replays_offline() {
    record_then_replay("download", binary_download, assert_download_shape);
}

#[test]
fn trigger_replays_offline() {
    record_then_replay("trigger", trigger_events, assert_trigger_shape);
}

#[test]
fn api_key_auth_test_replays_offline() {
    record_then_replay("apikey", |s| api_key_test(s, GOOD_KEY), assert_api_key_shape);
}
