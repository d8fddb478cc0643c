//! Failures are reported where the user's file has them, warnings name the documented equivalent, and results
//! that break the platform's expectations are listed as violations.

mod common;

use langdock_sandbox::{ErrorKind, Kind, Outcome, RunSpec, check_syntax, run_blocking};
use serde_json::json;

fn run_code(code: &str, configure: impl FnOnce(&mut RunSpec)) -> Outcome {
    let mut spec = RunSpec::new(code);
    configure(&mut spec);
    run_blocking(spec)
}

#[test]
fn a_syntax_error_is_located_in_the_users_file_not_the_wrapper() {
    let outcome =
        run_code("const a = 1;\nconst b = 2;\nreturn a +;\n", |s| s.file_name = "actions/get_forecast.js".into());
    let error = outcome.error.expect("a syntax error");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert_eq!(error.file.as_deref(), Some("actions/get_forecast.js"));
    assert_eq!((error.line, error.column), (Some(3), Some(11)), "{error:?}");
    assert_eq!(error.to_string(), format!("actions/get_forecast.js:3:11: {}", error.message));
}

#[test]
fn a_syntax_error_on_the_first_line_has_the_files_column() {
    let error = check_syntax("retur x;", "code.js").unwrap_err();
    assert_eq!(
        (error.line, error.column),
        (Some(1), Some(7)),
        "column of `x`, the wrapper's prefix removed: {error:?}"
    );
}

#[test]
fn a_syntax_error_at_the_end_of_input_points_at_the_codes_end() {
    let error = check_syntax("const a = 1;\nreturn {", "end.js").unwrap_err();
    assert_eq!(
        (error.line, error.column),
        (Some(2), Some(9)),
        "just past `return {{`, not the wrapper's line: {error:?}"
    );
}

#[test]
fn code_that_closes_its_wrapper_early_is_a_syntax_error() {
    for code in ["return 1; })(); (function () {", "}); (async () => {"] {
        let error = check_syntax(code, "escape.js").unwrap_err();
        assert_eq!(error.kind, ErrorKind::Syntax, "{code}");
        assert!(error.message.contains("unbalanced braces"), "{code}: {}", error.message);
        let outcome = run_code(code, |_| {});
        assert_eq!(outcome.error.map(|e| e.kind), Some(ErrorKind::Syntax), "{code}");
    }
}

#[test]
fn check_syntax_accepts_top_level_await_and_return() {
    check_syntax("const r = await ld.request({ url: 'https://example.com' });\nreturn r.json;", "a.js").unwrap();
}

#[test]
fn check_syntax_does_not_run_the_code() {
    check_syntax("while (true) {}", "loop.js").expect("parses, and returns without running the loop");
}

#[test]
fn a_thrown_error_has_its_message_and_line() {
    let outcome = run_code("const x = 1;\n\nif (x) {\n  throw new Error('API returned status 500');\n}", |_| {});
    assert!(!outcome.ok);
    let error = outcome.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Thrown);
    assert_eq!(error.message, "API returned status 500");
    assert_eq!((error.file.as_deref(), error.line), (Some("code.js"), Some(4)));
}

#[test]
fn an_error_thrown_after_an_await_keeps_its_line() {
    let outcome = run_code("await ld.wait(1);\nnull.field;", |_| {});
    let error = outcome.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Thrown);
    assert!(error.message.starts_with("TypeError: "), "{}", error.message);
    assert_eq!(error.line, Some(2));
}

#[test]
fn throwing_a_non_error_value_is_reported_with_the_value() {
    let outcome = run_code("throw { code: 42 };", |_| {});
    assert_eq!(outcome.error.unwrap().message, "the code threw a non-Error value: {\"code\":42}");
    let outcome = run_code("throw 'plain text';", |_| {});
    assert_eq!(outcome.error.unwrap().message, "the code threw a non-Error value: plain text");
}

#[test]
fn a_connection_failure_rejects_and_is_located_at_the_call() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let code = format!("const a = 1;\nconst r = await ld.request({{ url: 'http://127.0.0.1:{port}/x' }});\nreturn r;");
    let outcome = run_code(&code, |_| {});
    let error = outcome.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Thrown);
    assert!(error.message.contains("cannot connect"), "{}", error.message);
    assert_eq!(error.line, Some(2), "the ld.request call's line");
    assert_eq!(outcome.requests.len(), 1);
    assert_eq!(outcome.requests[0].status, None);
}

#[test]
fn a_promise_that_never_settles_is_reported_not_waited_for() {
    let outcome = run_code("await new Promise(() => {});", |s| s.time_limit_seconds = 60.0);
    let error = outcome.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Thrown);
    assert!(error.message.contains("never finished"), "{}", error.message);
}

#[test]
fn logs_are_kept_when_the_code_fails() {
    let outcome =
        run_code("ld.log('step', 1, { a: true });\nconsole.log('from console');\nthrow new Error('late');", |_| {});
    let logs: Vec<&str> = outcome.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(logs, ["step 1 {\"a\":true}", "from console"]);
}

#[test]
fn c6_names_get_warnings_that_name_the_documented_equivalent() {
    let code = "const r = await fetch(`https://api.example.com/items?q=${inputs.query}`, {\n  headers: { Authorization: `Bearer ${secrets.API_KEY}` },\n});\nreturn r;";
    let outcome = run_code(code, |_| {});
    let warnings: Vec<(u32, u32, &str)> =
        outcome.warnings.iter().map(|w| (w.line, w.column, w.message.as_str())).collect();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert_eq!((warnings[0].0, warnings[0].1), (1, 17));
    assert!(warnings[0].2.contains("ld.request"));
    assert_eq!((warnings[1].0, warnings[1].1), (1, 58));
    assert!(warnings[1].2.contains("data.input.x"));
    assert_eq!((warnings[2].0, warnings[2].1), (2, 39));
    assert!(warnings[2].2.contains("data.auth.X"));
    assert_eq!(outcome.error.unwrap().message, "ReferenceError: fetch is not defined");
}

#[test]
fn documented_names_get_no_warnings() {
    let code = "// fetch(x) in a comment\nconst inputs = data.input;\nconst r = { fetch: 1 };\nreturn r.fetch + data.input.x + inputs.y;";
    assert_eq!(run_code(code, |_| {}).warnings.len(), 1, "only the local `inputs.y` use is flagged");
}

#[test]
fn an_action_result_that_json_cannot_hold_is_a_violation() {
    let outcome = run_code(
        "const o = { n: NaN, f() {}, m: new Map(), big: 10n, p: Promise.resolve(1) };\no.self = o;\nreturn o;",
        |_| {},
    );
    assert!(outcome.ok);
    let v = outcome.violations.join("\n");
    for expected in [
        "result.n is NaN",
        "result.f is a function",
        "result.m is a Map",
        "result.big is a BigInt",
        "result.p is a Promise",
        "result.self refers back to itself",
    ] {
        assert!(v.contains(expected), "missing {expected:?} in:\n{v}");
    }
}

#[test]
fn an_action_returning_nothing_is_a_violation_but_auth_code_may() {
    let action = run_code("ld.log('no return');", |_| {});
    assert!(action.ok);
    assert_eq!(action.result, None);
    assert_eq!(action.violations.len(), 1, "{:?}", action.violations);
    assert!(action.violations[0].contains("returned nothing"));
    let auth = run_code("ld.log('no return');", |s| s.kind = Kind::Auth);
    assert!(auth.violations.is_empty());
}

#[test]
fn malformed_files_in_an_action_result_are_violations() {
    let outcome = run_code(
        "return { files: [ { fileName: 'a.txt', mimeType: 'text/plain', text: 'hi' }, { fileName: 'b.bin', base64: 'AAA=', text: 'x' }, { mimeType: 'x/y', base64: 'not base64!' } ] };",
        |_| {},
    );
    assert_eq!(
        outcome.violations,
        [
            "result.files[1].mimeType is missing: a returned file needs a non-empty mimeType string",
            "result.files[1] has both text and base64: a file carries exactly one",
            "result.files[2].fileName is missing: a returned file needs a non-empty fileName string",
            "result.files[2].base64 is not valid base64",
        ]
    );
}

#[test]
fn a_trigger_must_return_unique_well_formed_events() {
    let outcome = run_code(
        "return [ { id: 'a', timestamp: '2024-05-01T10:00:00Z', data: {} }, { id: 'a', timestamp: 'yesterday', data: {} }, { timestamp: '2024-05-01', data: { files: { fileName: 'x' , mimeType: 'text/plain' } } }, { id: 'c', timestamp: '2024-05-01' } ];",
        |s| s.kind = Kind::Trigger,
    );
    assert_eq!(
        outcome.violations,
        [
            "result[1].id \"a\" repeats an earlier event's id: ids must be unique",
            "result[1].timestamp must be an ISO-8601 date string, not \"yesterday\"",
            "result[2].id is missing: each event needs a unique id (string)",
            "result[2].data.files has neither text nor base64: a file carries exactly one",
            "result[3].data is missing: it is the payload the workflow receives",
        ]
    );
    let not_array = run_code("return { id: 1 };", |s| s.kind = Kind::Trigger);
    assert_eq!(
        not_array.violations,
        ["a trigger must return an array of events { id, timestamp, data }, not an object"]
    );
}

#[test]
fn binary_values_in_the_result_become_base64() {
    let outcome = run_code(
        "return { b: Buffer.from('hi'), u: new Uint8Array([1, 2]), a: new Uint8Array([255]).buffer };",
        |_| {},
    );
    assert_eq!(outcome.result, Some(json!({ "b": "aGk=", "u": "AQI=", "a": "/w==" })));
    assert!(outcome.violations.is_empty());
}

#[test]
fn the_spec_deserialises_from_camel_case_json_with_defaults() {
    let spec: RunSpec = serde_json::from_value(json!({
        "code": "return data.input.city + (lastPollTime || '') + env.CLIENT_ID;",
        "kind": "trigger",
        "input": { "city": "Berlin" },
        "env": { "CLIENT_ID": "-id" },
        "lastPollTime": "-t",
        "http": { "mode": "live" }
    }))
    .unwrap();
    assert_eq!((spec.file_name.as_str(), spec.time_limit_seconds, spec.memory_limit_mb), ("code.js", 120.0, 128));
    let outcome = run_blocking(spec);
    assert_eq!(outcome.result, Some(json!("Berlin-t-id")));
    let as_json = serde_json::to_value(&outcome).unwrap();
    assert!(as_json.get("violations").is_some() && as_json.get("requests").is_some());
    let err: Result<RunSpec, _> = serde_json::from_value(json!({ "code": "", "timeLimit": 3 }));
    assert!(err.is_err(), "a misspelt field is an error, not silently ignored");
}
