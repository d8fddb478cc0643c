//! Record and replay: a readable cassette without secrets, and a replay that fails clearly on a request the
//! cassette lacks.

mod common;

use common::{GOOD_KEY, GOOD_TOKEN, Server, expect_ok, spec, temp_dir};
use langdock_sandbox::{Cassette, ErrorKind, Http, RunSpec, run_blocking};
use serde_json::json;

fn record(server: &Server, code: &str, name: &str, configure: impl Fn(&mut RunSpec)) -> (std::path::PathBuf, String) {
    let cassette = temp_dir(name).join("cassette.json");
    let mut s = spec(server, code);
    configure(&mut s);
    s.http = Http::Record { cassette: cassette.clone() };
    let outcome = run_blocking(s);
    assert!(outcome.ok, "{outcome:#?}");
    let text = std::fs::read_to_string(&cassette).unwrap();
    (cassette, text)
}

fn replay(
    server: &Server,
    code: &str,
    cassette: &std::path::Path,
    configure: impl Fn(&mut RunSpec),
) -> langdock_sandbox::Outcome {
    let mut s = spec(server, code);
    configure(&mut s);
    s.http = Http::Replay { cassette: cassette.to_owned() };
    run_blocking(s)
}

const SECRET_TRAFFIC: &str = r#"
const me = await ld.request({ url: 'BASE/me', headers: { Authorization: `Bearer ${data.auth.access_token}` } });
const key = await ld.request({ url: 'BASE/apikey/check', params: { api_key: data.auth.apiKey } });
const posted = await ld.request({ method: 'POST', url: 'BASE/echo', headers: { 'X-Api-Key': data.auth.apiKey },
  body: { client_secret: env.CLIENT_SECRET, note: `token is ${data.auth.access_token}` } });
return { me: me.json.id, plan: key.json.plan, echoed: posted.json.json.note };
"#;

fn secrets(s: &mut RunSpec) {
    s.auth.insert("access_token".into(), GOOD_TOKEN.into());
    s.auth.insert("apiKey".into(), GOOD_KEY.into());
    s.auth.insert("baseUrl".into(), "https://api.example.com".into());
    s.env.insert("CLIENT_SECRET".into(), "client-secret-value".into());
}

#[test]
fn a_recorded_cassette_is_readable_json_without_secrets() {
    let server = Server::start();
    let (_, text) = record(&server, SECRET_TRAFFIC, "redact", secrets);
    for secret in [GOOD_TOKEN, GOOD_KEY, "client-secret-value"] {
        assert!(!text.contains(secret), "the cassette holds {secret}:\n{text}");
    }
    let cassette: Cassette = serde_json::from_str(&text).unwrap();
    assert_eq!(cassette.interactions.len(), 3);
    let me = &cassette.interactions[0];
    assert_eq!(me.request.headers["authorization"], "[REDACTED]");
    assert_eq!(me.response.status, 200);
    assert_eq!(
        me.response.json,
        Some(json!({ "id": "u1", "email": "ada@example.com", "name": "Ada" })),
        "JSON bodies stay JSON"
    );
    assert!(cassette.interactions[1].request.url.ends_with("/apikey/check?api_key=%5BREDACTED%5D"));
    let posted = &cassette.interactions[2];
    assert_eq!(posted.request.headers["x-api-key"], "[REDACTED]");
    assert_eq!(posted.request.body.as_deref(), Some(r#"{"client_secret":"[REDACTED]","note":"token is [REDACTED]"}"#));
    assert!(text.starts_with("{\n  \"note\": "), "pretty-printed:\n{text}");
}

#[test]
fn a_cassette_replays_with_other_secret_values() {
    let server = Server::start();
    let (cassette, _) = record(&server, SECRET_TRAFFIC, "other-secrets", secrets);
    let before = server.seen().len();
    // CI has no real credentials: replay with placeholders still matches the redacted requests.
    let outcome = replay(&server, SECRET_TRAFFIC, &cassette, |s| {
        s.auth.insert("access_token".into(), "placeholder-token".into());
        s.auth.insert("apiKey".into(), "placeholder-key".into());
        s.env.insert("CLIENT_SECRET".into(), "placeholder-secret".into());
    });
    assert_eq!(expect_ok(&outcome), &json!({ "me": "u1", "plan": "pro", "echoed": "token is [REDACTED]" }));
    assert_eq!(server.seen().len(), before);
    assert!(outcome.requests.iter().all(|r| r.status == Some(200)), "{:?}", outcome.requests);
}

#[test]
fn a_replay_miss_names_the_request_the_cassette_lacks() {
    let server = Server::start();
    let (cassette, _) = record(&server, "return (await ld.request({ url: 'BASE/text' })).text;", "miss", |_| {});
    let outcome = replay(
        &server,
        "await ld.request({ url: 'BASE/text' });\nreturn (await ld.request({ url: 'BASE/forecast', params: { city: 'Paris' } })).json;",
        &cassette,
        |_| {},
    );
    let error = outcome.error.expect("a replay miss");
    assert_eq!(error.kind, ErrorKind::ReplayMiss);
    assert!(
        error.message.contains(&format!("has no answer for GET {}/forecast?city=Paris", server.url())),
        "{}",
        error.message
    );
    assert!(error.message.contains(&cassette.display().to_string()));
    assert_eq!(error.line, Some(2), "located at the request's line");
}

#[test]
fn a_replay_miss_fails_the_run_even_when_the_code_catches_it() {
    let server = Server::start();
    let (cassette, _) = record(&server, "return 1;", "caught", |_| {});
    let outcome = replay(
        &server,
        "try { await ld.request({ url: 'BASE/text' }); } catch (e) { return 'fell back'; }",
        &cassette,
        |_| {},
    );
    assert_eq!(outcome.error.map(|e| e.kind), Some(ErrorKind::ReplayMiss));
}

#[test]
fn a_body_that_differs_from_the_recording_is_a_miss() {
    let server = Server::start();
    let code = "return (await ld.request({ method: 'POST', url: 'BASE/echo', body: { n: data.input.n } })).json.json;";
    let (cassette, _) = record(&server, code, "body", |s| {
        s.input.insert("n".into(), 1.into());
    });
    let same = replay(&server, code, &cassette, |s| {
        s.input.insert("n".into(), 1.into());
    });
    assert_eq!(expect_ok(&same), &json!({ "n": 1 }));
    let other = replay(&server, code, &cassette, |s| {
        s.input.insert("n".into(), 2.into());
    });
    let error = other.error.unwrap();
    assert_eq!(error.kind, ErrorKind::ReplayMiss);
    assert!(error.message.contains("another body"), "{}", error.message);
}

#[test]
fn repeated_requests_replay_in_order_then_repeat_the_last_answer() {
    let server = Server::start();
    let code = "const a = await ld.request({ url: 'BASE/forecast', params: { city: 'Rome' } });\nreturn a.json.city;";
    let (cassette, _) = record(&server, code, "repeat", |_| {});
    let twice = "const r = []; for (let i = 0; i < 3; i++) r.push((await ld.request({ url: 'BASE/forecast', params: { city: 'Rome' } })).json.city); return r;";
    let outcome = replay(&server, twice, &cassette, |_| {});
    assert_eq!(expect_ok(&outcome), &json!(["Rome", "Rome", "Rome"]));
}

#[test]
fn a_binary_answer_is_kept_as_base64_and_replays_byte_for_byte() {
    let server = Server::start();
    let code = "const r = await ld.request({ url: 'BASE/files/report.pdf', responseType: 'stream' }); return Buffer.from(r.buffer).toString('hex');";
    let (cassette, text) = record(&server, code, "binary", |_| {});
    assert!(text.contains("\"base64\": "), "{text}");
    let live_hex: String = common::PDF_BYTES.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(expect_ok(&replay(&server, code, &cassette, |_| {})), &json!(live_hex));
}

#[test]
fn a_missing_or_malformed_cassette_is_an_invalid_spec() {
    let server = Server::start();
    let dir = temp_dir("invalid");
    let outcome = replay(&server, "return 1;", &dir.join("none.json"), |_| {});
    let error = outcome.error.unwrap();
    assert_eq!(error.kind, ErrorKind::InvalidSpec);
    assert!(error.message.contains("cannot read the cassette"), "{}", error.message);
    std::fs::write(dir.join("bad.json"), "{ not json").unwrap();
    let outcome = replay(&server, "return 1;", &dir.join("bad.json"), |_| {});
    assert!(outcome.error.unwrap().message.contains("is not a valid cassette"));
}

#[test]
fn recording_keeps_what_was_recorded_when_the_code_fails_in_a_new_folder() {
    let server = Server::start();
    let cassette = temp_dir("failing").join("new-folder").join("cassette.json");
    let mut s = spec(&server, "await ld.request({ url: 'BASE/text' });\nthrow new Error('after the request');");
    s.http = Http::Record { cassette: cassette.clone() };
    let outcome = run_blocking(s);
    assert_eq!(outcome.error.unwrap().message, "after the request");
    let kept: Cassette = serde_json::from_str(&std::fs::read_to_string(&cassette).unwrap()).unwrap();
    assert_eq!(kept.interactions.len(), 1);
    assert_eq!(kept.interactions[0].response.text.as_deref(), Some("plain words"));
}
