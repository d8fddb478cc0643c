//! `langdock run` and `langdock test`: integration code run locally against a real HTTP server on 127.0.0.1,
//! the documentation's example patterns, limits, exit codes, record and replay, test cases, and the parse check
//! of plan and apply.

use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use langdock_emulator::{Config, DEFAULT_API_KEY, Emulator};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request the local API received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A small third-party API in the shapes of the documentation's examples, on a free port.
struct Api {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// The bytes of the "report" `/files/report.bin` serves (not UTF-8, so it must travel as binary).
const REPORT: &[u8] = &[0x25, 0x50, 0x44, 0x46, 0xff, 0x00, 0x01, 0x80];
const REPORT_BASE64: &str = "JVBERv8AAYA=";

impl Api {
    async fn start() -> Api {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                tokio::spawn(async move { serve(stream, log).await });
            }
        });
        Api { base, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

/// Answers one request per connection (`Connection: close`), by method and path.
async fn serve(mut stream: tokio::net::TcpStream, log: Arc<Mutex<Vec<Seen>>>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (method, target) = (first.next().unwrap_or_default().to_owned(), first.next().unwrap_or_default().to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':').map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let seen = Seen { method, target, headers, body: String::from_utf8_lossy(&body).into_owned() };
    log.lock().unwrap().push(seen.clone());
    let (status, content_type, payload) = answer(&seen);
    let reply = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        payload.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.write_all(&payload).await;
    let _ = stream.shutdown().await;
}

fn answer(seen: &Seen) -> (u16, &'static str, Vec<u8>) {
    let json = |status, value: Value| (status, "application/json", value.to_string().into_bytes());
    let path = seen.target.split('?').next().unwrap_or_default();
    let authorized = seen.header("authorization") == Some("Bearer k-123") || seen.target.contains("key=k-123");
    match (seen.method.as_str(), path) {
        (_, _) if !authorized => json(401, json!({"message": "bad key"})),
        ("GET", "/forecast") => json(200, json!({"city": "Berlin", "days": [{"high": 4}, {"high": 6}]})),
        ("GET", "/me") => json(200, json!({"email": "ada@example.com"})),
        ("POST", "/tickets") => {
            let body: Value = serde_json::from_str(&seen.body).unwrap_or(Value::Null);
            json(201, json!({"id": 42, "title": body["title"]}))
        }
        ("GET", "/files/report.bin") => (200, "application/pdf", REPORT.to_vec()),
        ("GET", "/alerts") => json(
            200,
            json!({"alerts": [{"id": "a1", "at": "2026-11-30T06:00:00Z"}, {"id": "a2", "at": "2026-11-30T07:00:00Z"}]}),
        ),
        _ => json(404, json!({"message": "no such thing"})),
    }
}

/// Runs `langdock ARGS` in `dir`, with `env` set.
async fn langdock(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_langdock"));
    command.args(args).env_remove("HTTPS_PROXY").env_remove("HTTP_PROXY").env_remove("LANGDOCK_API_KEY");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().await.expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The JSON a successful `run` printed on stdout.
fn result(output: &Output) -> Value {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

fn write(dir: &Path, relative: &str, text: &str) -> String {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The documentation's example patterns (SANDBOX-RUNTIME.md 4.1, 7-9), each with the kind it runs as.
const PATTERNS: &[(&str, &str, &str)] = &[
    (
        "get_with_bearer.js",
        "action",
        "const response = await ld.request({\n  method: 'GET',\n  url: `${data.input.base}/forecast`,\n  \
         headers: { Authorization: `Bearer ${data.auth.apiKey}` },\n});\nreturn response.json;\n",
    ),
    (
        "post_object_body.js",
        "action",
        "const response = await ld.request({\n  method: 'POST',\n  url: `${data.input.base}/tickets`,\n  \
         headers: { Authorization: `Bearer ${data.auth.apiKey}` },\n  body: { title: data.input.title },\n});\n\
         if (response.status !== 201) throw new Error(`status ${response.status}`);\n\
         return { success: true, ticketId: response.json.id };\n",
    ),
    (
        "download_as_file.js",
        "action",
        "const response = await ld.request({\n  url: `${data.input.base}/files/report.bin`,\n  \
         headers: { Authorization: `Bearer ${data.auth.apiKey}` },\n  responseType: 'binary',\n});\n\
         const base64 = Buffer.from(response.buffer).toString('base64');\n\
         return { files: { fileName: 'report.pdf', mimeType: 'application/pdf', base64 } };\n",
    ),
    (
        "trigger_events.js",
        "trigger",
        "const response = await ld.request({\n  url: `${data.input.base}/alerts`,\n  \
         headers: { Authorization: `Bearer ${data.auth.apiKey}` },\n});\n\
         return response.json.alerts.map((a) => ({ id: a.id, timestamp: a.at, data: a }));\n",
    ),
    (
        "api_key_auth_test.js",
        "auth",
        "const response = await ld.request({\n  url: `${data.input.base}/me`,\n  params: { key: data.auth.apiKey },\n});\n\
         if (response.status !== 200) throw new Error('invalid API key');\nreturn { useremail: response.json.email };\n",
    ),
];

fn expected_pattern_result(name: &str) -> Value {
    match name {
        "get_with_bearer.js" => json!({"city": "Berlin", "days": [{"high": 4}, {"high": 6}]}),
        "post_object_body.js" => json!({"success": true, "ticketId": 42}),
        "download_as_file.js" => json!({"files": {"fileName": "report.pdf", "mimeType": "application/pdf",
            "base64": REPORT_BASE64}}),
        "trigger_events.js" => json!([
            {"id": "a1", "timestamp": "2026-11-30T06:00:00Z", "data": {"id": "a1", "at": "2026-11-30T06:00:00Z"}},
            {"id": "a2", "timestamp": "2026-11-30T07:00:00Z", "data": {"id": "a2", "at": "2026-11-30T07:00:00Z"}},
        ]),
        "api_key_auth_test.js" => json!({"useremail": "ada@example.com"}),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn the_documented_example_patterns_give_the_documented_shapes_live_and_then_offline_from_a_cassette() {
    let api = Api::start().await;
    let dir = tempfile::tempdir().unwrap();
    let base = format!("base={}", api.base);
    for (name, kind, code) in PATTERNS {
        let file = write(dir.path(), name, code);
        let cassette = dir.path().join(format!("{name}.cassette.json"));
        let cassette = cassette.to_str().unwrap();
        let common = ["run", &file, "--kind", kind, "--input", &base, "--input", "title=Broken printer"];
        let live = langdock(&[&common[..], &["--auth", "apiKey=k-123", "--record", cassette]].concat(), &[]).await;
        assert_eq!(result(&live), expected_pattern_result(name), "{name} live");
        assert!(!std::fs::read_to_string(cassette).unwrap().contains("k-123"), "{name}: the key is redacted");

        api.clear();
        let offline = langdock(&[&common[..], &["--auth", "apiKey=k-123", "--replay", cassette]].concat(), &[]).await;
        assert_eq!(result(&offline), expected_pattern_result(name), "{name} replayed");
        assert!(api.seen().is_empty(), "{name}: replay sends nothing");
    }
}

#[tokio::test]
async fn an_object_body_is_sent_as_json_and_the_request_summary_redacts_the_key() {
    let api = Api::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (name, _, code) = PATTERNS[1];
    let file = write(dir.path(), name, code);
    let base = format!("base={}", api.base);
    let output =
        langdock(&["run", &file, "--input", &base, "--input", "title=Printer", "--auth", "apiKey=k-123"], &[]).await;
    assert_eq!(result(&output), json!({"success": true, "ticketId": 42}));
    let sent = &api.seen()[0];
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(serde_json::from_str::<Value>(&sent.body).unwrap(), json!({"title": "Printer"}));
    let text = stderr(&output);
    assert!(text.contains(&format!("request: POST {}/tickets -> 201 (", api.base)), "{text}");

    let (name, kind, code) = PATTERNS[4];
    let file = write(dir.path(), name, code);
    let output = langdock(&["run", &file, "--kind", kind, "--input", &base, "--auth", "apiKey=k-123"], &[]).await;
    assert_eq!(result(&output), json!({"useremail": "ada@example.com"}));
    let text = stderr(&output);
    assert!(text.contains("request: GET ") && text.contains("-> 200"), "{text}");
    assert!(!text.contains("k-123"), "the key in the URL is redacted: {text}");
}

#[tokio::test]
async fn logs_and_warnings_go_to_stderr_and_only_the_result_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "b.js", "ld.log('step', 1);\nif (false) { fetch('x'); }\nreturn 'done';\n");
    let output = langdock(&["run", &file], &[]).await;
    assert_eq!(result(&output), json!("done"));
    let text = stderr(&output);
    assert!(text.contains("log: step 1"), "{text}");
    assert!(text.contains(&format!("warning: {file}:2:")) && text.contains("ld.request"), "{text}");
}

#[tokio::test]
async fn exit_codes_say_returned_failed_or_misused() {
    let dir = tempfile::tempdir().unwrap();
    let thrown = write(dir.path(), "thrown.js", "const a = 1;\nthrow new Error('no forecast');\n");
    let output = langdock(&["run", &thrown], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains(&format!("error: {thrown}:2:")) && stderr(&output).contains("no forecast"));
    assert!(output.stdout.is_empty());

    let broken = write(dir.path(), "broken.js", "const a = 1;\nreturn a +;\n");
    let output = langdock(&["run", &broken], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains(&format!("error: {broken}:2:")), "{}", stderr(&output));

    let fine = write(dir.path(), "fine.js", "return 1;");
    for args in [
        vec!["run", &fine, "--input", "novalue"],
        vec!["run", &fine, "--kind", "workflow"],
        vec!["run", &fine, "--record", "a.json", "--replay", "b.json"],
        vec!["run", &fine, "--replay", "/no/such/cassette.json"],
        vec!["run", &fine, "--action", "Get forecast"],
        vec!["run", "/no/such/file.js"],
    ] {
        let output = langdock(&args, &[]).await;
        assert_eq!(output.status.code(), Some(64), "{args:?}: {}", stderr(&output));
    }
    let output = langdock(&["--json", "run", &fine], &[]).await;
    let outcome: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((outcome["ok"].clone(), outcome["result"].clone()), (json!(true), json!(1)), "{outcome}");
}

#[tokio::test]
async fn an_endless_loop_stops_at_the_time_limit_and_a_runaway_allocation_at_the_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let endless = write(dir.path(), "endless.js", "while (true) {}\n");
    let output = langdock(&["--timeout", "0.5", "run", &endless], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let error: Value = {
        let output = langdock(&["--json", "--timeout", "0.5", "run", &endless], &[]).await;
        serde_json::from_slice::<Value>(&output.stdout).unwrap()["error"].clone()
    };
    assert_eq!(error["kind"], "timeout", "{error}");

    let hungry =
        write(dir.path(), "hungry.js", "const all = [];\nwhile (true) all.push(new Array(100000).fill('x'));\n");
    let output = langdock(&["--json", "run", &hungry, "--memory", "16"], &[]).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let outcome: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(outcome["error"]["kind"], "memory", "{outcome}");
}

#[tokio::test]
async fn eval_require_and_process_are_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "globals.js", "return [typeof eval, typeof require, typeof process];\n");
    assert_eq!(result(&langdock(&["run", &file], &[]).await), json!(["undefined", "undefined", "undefined"]));
    for call in ["eval('1')", "require('fs')", "process.exit(1)"] {
        let file = write(dir.path(), "call.js", &format!("return {call};\n"));
        let output = langdock(&["run", &file], &[]).await;
        assert_eq!(output.status.code(), Some(1), "{call}: {}", stdout(&output));
    }
}

#[tokio::test]
async fn a_trigger_result_the_platform_would_refuse_is_reported_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "t.js", "return [{ id: 'a', data: {} }, { id: 'a', timestamp: 'x', data: {} }];\n");
    let output = langdock(&["run", &file, "--kind", "trigger"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("violation: "), "{}", stderr(&output));
}

#[tokio::test]
async fn file_inputs_arrive_in_the_platform_shape() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write(dir.path(), "report.pdf", "%PDF-1.4");
    let file = write(
        dir.path(),
        "f.js",
        "const f = data.input.doc;\nreturn [f.fileName, f.mimeType, f.size, Buffer.from(f.base64, 'base64').toString('utf8')];\n",
    );
    let doc = format!("doc=@{pdf}");
    assert_eq!(
        result(&langdock(&["run", &file, "--input", &doc], &[]).await),
        json!(["report.pdf", "application/pdf", 8, "%PDF-1.4"])
    );
}

const MANIFEST: &str = "\
name: Weather
auth:
  type: API_KEY
  testCodeFile: auth/test.js
  fields:
    - slug: apiKey
      label: API key
      type: PASSWORD
actions:
  - name: Get forecast
    file: actions/get_forecast.js
    inputFields:
      - label: Base
      - label: Days
        type: NUMBER
triggers:
  - name: Storm warning
    file: triggers/storm.js
";

/// A directory as `export` writes it, pointing at `api`.
fn integration_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "integration.yaml", MANIFEST);
    write(
        dir.path(),
        "actions/get_forecast.js",
        "const r = await ld.request({ url: `${data.input.base}/forecast`,\n  headers: { Authorization: `Bearer ${data.auth.apiKey}` } });\n\
         if (r.status !== 200) throw new Error(`status ${r.status}`);\nreturn { ...r.json, days: r.json.days.slice(0, data.input.days) };\n",
    );
    write(dir.path(), "triggers/storm.js", "return [{ id: 's1', timestamp: lastPollTime, data: {} }];\n");
    write(dir.path(), "auth/test.js", "return data.auth.apiKey.length;\n");
    dir
}

#[tokio::test]
async fn a_directory_runs_its_action_trigger_and_auth_test_by_name_with_typed_inputs_and_auth_from_the_environment() {
    let api = Api::start().await;
    let dir = integration_dir();
    let path = dir.path().to_str().unwrap();
    let base = format!("base={}", api.base);
    let output = langdock(
        &["run", path, "--action", "get forecast", "--input", &base, "--input", "Days=1", "--auth-env", "WEATHER_"],
        &[("WEATHER_API_KEY", "k-123")],
    )
    .await;
    assert_eq!(result(&output), json!({"city": "Berlin", "days": [{"high": 4}]}), "Days=1 is a number");
    let output =
        langdock(&["run", path, "--trigger", "Storm warning", "--last-poll-time", "2026-11-30T00:00:00Z"], &[]).await;
    assert_eq!(result(&output), json!([{"id": "s1", "timestamp": "2026-11-30T00:00:00Z", "data": {}}]));
    let output = langdock(&["run", path, "--auth-test", "--auth", "apiKey=abcd"], &[]).await;
    assert_eq!(result(&output), json!(4));

    let output = langdock(&["run", path], &[]).await;
    assert_eq!(output.status.code(), Some(64));
    assert!(
        stderr(&output).contains("--action NAME") && stderr(&output).contains("Get forecast"),
        "{}",
        stderr(&output)
    );
    let output = langdock(&["run", path, "--action", "Nope"], &[]).await;
    assert_eq!(output.status.code(), Some(64));
    assert!(stderr(&output).contains("no action named \"Nope\""), "{}", stderr(&output));
}

#[tokio::test]
async fn test_runs_every_case_prints_a_table_and_exits_1_when_one_fails() {
    let api = Api::start().await;
    let dir = integration_dir();
    let path = dir.path().to_str().unwrap();
    let case = |days: u32, result: &str| {
        format!(
            "action: Get forecast\ninput: {{ base: \"{}\", days: {days} }}\nauth: {{ apiKey: \"${{TEST_KEY:-k-123}}\" }}\n\
             cassette: cassettes/forecast.json\nexpect:\n  match: subset\n  result: {result}\n",
            api.base
        )
    };
    write(dir.path(), "tests/forecast.yaml", &case(1, "{ days: [{ high: 4 }] }"));
    write(
        dir.path(),
        "tests/storm.yaml",
        "trigger: Storm warning\nlastPollTime: '2026-11-30T00:00:00Z'\nexpect:\n  result: [{ id: s1, timestamp: '2026-11-30T00:00:00Z', data: {} }]\n",
    );
    write(
        dir.path(),
        "tests/bad_key.yaml",
        &format!(
            "action: Get forecast\ninput: {{ base: \"{}\", days: 1 }}\nauth: {{ apiKey: wrong }}\nexpect:\n  error: status 401\n",
            api.base
        ),
    );

    let output = langdock(&["test", path], &[]).await;
    assert_eq!(output.status.code(), Some(1), "no cassette yet: {}", stdout(&output));
    assert!(stdout(&output).contains("no cassette"), "{}", stdout(&output));

    let recorded = langdock(&["test", path, "--record"], &[]).await;
    assert_eq!(recorded.status.code(), Some(0), "{}", stdout(&recorded));
    assert!(dir.path().join("tests/cassettes/forecast.json").is_file());

    api.clear();
    let output = langdock(&["test", path], &[]).await;
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{table}");
    assert!(table.starts_with("TEST") && table.contains("3 passed, 0 failed"), "{table}");
    let row = table.lines().find(|line| line.starts_with("forecast ")).unwrap_or_default();
    assert!(row.contains("action \"Get forecast\"") && row.contains(" ok "), "{table}");
    assert_eq!(api.seen().len(), 1, "only bad_key.yaml, which has no cassette, went to the network");

    write(dir.path(), "tests/forecast.yaml", &case(1, "{ days: [{ high: 5 }] }"));
    let output = langdock(&["--json", "test", path], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let rows: Value = serde_json::from_slice(&output.stdout).unwrap();
    let failed: Vec<&Value> = rows.as_array().unwrap().iter().filter(|r| r["passed"] == false).collect();
    assert_eq!(failed.len(), 1, "{rows}");
    assert_eq!(failed[0]["detail"], "$.days[0].high: expected 5, got 4", "{rows}");
}

#[tokio::test]
async fn the_weather_example_passes_its_tests_offline() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/integration/weather");
    let output = langdock(&["test", example], &[("HTTPS_PROXY", "http://127.0.0.1:9")]).await;
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("4 passed, 0 failed"), "{}", stdout(&output));
}

#[tokio::test]
async fn export_writes_a_starter_test_per_action_that_test_reads() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let env = [("LANGDOCK_BASE_URL", emulator.base_url()), ("LANGDOCK_API_KEY", DEFAULT_API_KEY.to_owned())];
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let dir = integration_dir();
    let output = langdock(&["apply", dir.path().to_str().unwrap()], &env).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let id =
        std::fs::read_to_string(dir.path().join("integration.yaml")).unwrap().lines().next().unwrap()[4..].to_owned();

    let exported = tempfile::tempdir().unwrap();
    let output = langdock(&["export", &id, exported.path().to_str().unwrap()], &env).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let starter = std::fs::read_to_string(exported.path().join("tests/get_forecast.yaml")).unwrap();
    assert!(starter.contains("action: Get forecast") && starter.contains("apiKey: ${WEATHER_API_KEY}"), "{starter}");
    assert!(starter.contains("days: 1"), "a NUMBER field gets a number: {starter}");

    // Without the variable the case cannot run, and the table says why.
    let output = langdock(&["test", exported.path().to_str().unwrap()], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("WEATHER_API_KEY is not set"), "{}", stdout(&output));
    // A test written by hand is never overwritten.
    write(exported.path(), "tests/get_forecast.yaml", "# mine\n");
    langdock(&["export", &id, exported.path().to_str().unwrap()], &env).await;
    assert_eq!(std::fs::read_to_string(exported.path().join("tests/get_forecast.yaml")).unwrap(), "# mine\n");
}

#[tokio::test]
async fn plan_and_apply_refuse_code_that_does_not_parse_with_file_line_and_column() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let env = [("LANGDOCK_BASE_URL", emulator.base_url()), ("LANGDOCK_API_KEY", DEFAULT_API_KEY.to_owned())];
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let dir = integration_dir();
    let broken = write(dir.path(), "triggers/storm.js", "return [\n  { id: 1 ,, };\n");
    for command in ["plan", "apply"] {
        let output = langdock(&[command, dir.path().to_str().unwrap()], &env).await;
        assert_eq!(output.status.code(), Some(64), "{command}: {}", stderr(&output));
        let text = stderr(&output);
        assert!(text.contains("do not parse (nothing was sent)") && text.contains(&format!("{broken}:2:")), "{text}");
    }
    assert!(emulator.journal().is_empty(), "nothing was sent");
}
