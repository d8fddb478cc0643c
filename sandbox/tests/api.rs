//! The surface the CLI and the bindings use: JSON in and out, file inputs, length limits.

use langdock_sandbox::{
    ErrorKind, Kind, Outcome, RunSpec, code_length_limit, file_input, run_blocking, run_json, run_json_blocking,
};
use serde_json::{Value, json};

#[test]
fn run_json_takes_a_spec_and_answers_an_outcome() {
    let answer = run_json_blocking(r#"{"code": "ld.log('x'); return data.input.a * 2;", "input": {"a": 21}}"#);
    let outcome: Outcome = serde_json::from_str(&answer).unwrap();
    assert_eq!(outcome.result, Some(json!(42)));
    let raw: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(raw["logs"], json!([{ "message": "x" }]), "camelCase JSON, as the bindings pass it on");
}

#[test]
fn run_json_reports_a_bad_spec_as_invalid_spec() {
    for bad in [
        "not json",
        r#"{"input": {}}"#,
        r#"{"code": "", "kind": "webhook"}"#,
        r#"{"code": "", "http": {"mode": "replay"}}"#,
    ] {
        let outcome: Outcome = serde_json::from_str(&run_json_blocking(bad)).unwrap();
        let error = outcome.error.expect(bad);
        assert_eq!(error.kind, ErrorKind::InvalidSpec, "{bad}");
        assert!(error.message.starts_with("invalid run spec: "), "{}", error.message);
    }
}

#[test]
fn run_json_async_answers_the_same() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let answer = runtime.block_on(run_json(r#"{"code": "return 'ok';"}"#.to_owned()));
    let outcome: Outcome = serde_json::from_str(&answer).unwrap();
    assert_eq!(outcome.result, Some(json!("ok")));
}

#[test]
fn a_file_input_has_the_documented_file_data_shape() {
    let dir = std::env::temp_dir().join(format!("langdock-sandbox-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.pdf");
    std::fs::write(&path, b"%PDF-1.4 tiny").unwrap();
    let file = file_input(&path).unwrap();
    assert_eq!(file["fileName"], "report.pdf");
    assert_eq!(file["mimeType"], "application/pdf");
    assert_eq!(file["size"], 13);
    assert_eq!(file["base64"], "JVBERi0xLjQgdGlueQ==");
    let modified = file["lastModified"].as_str().unwrap();
    assert!(modified.len() == 24 && modified.ends_with('Z'), "{modified}");

    let mut spec = RunSpec::new(
        "const doc = data.input.document;\nreturn { name: doc.fileName, text: Buffer.from(doc.base64, 'base64').toString() };",
    );
    spec.input.insert("document".into(), file);
    assert_eq!(run_blocking(spec).result, Some(json!({ "name": "report.pdf", "text": "%PDF-1.4 tiny" })));

    let unknown = dir.join("data.zzz");
    std::fs::write(&unknown, b"x").unwrap();
    assert_eq!(file_input(&unknown).unwrap()["mimeType"], "application/octet-stream");
    let missing = file_input(&dir.join("missing.pdf")).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::InvalidSpec);
    assert!(missing.message.contains("cannot read the file"), "{}", missing.message);
}

#[test]
fn code_longer_than_the_api_stores_gets_a_located_warning() {
    assert_eq!(
        (code_length_limit(Kind::Action), code_length_limit(Kind::Trigger), code_length_limit(Kind::Auth)),
        (40_000, 1_000, 1_000)
    );
    let long_line = format!("// {}\n", "x".repeat(597));
    let code = format!("{long_line}{long_line}return [];");
    let mut spec = RunSpec::new(code.clone());
    spec.kind = Kind::Trigger;
    let outcome = run_blocking(spec);
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    let warning = &outcome.warnings[0];
    assert!(warning.message.contains("at most 1000 for a trigger's pollingCode"), "{}", warning.message);
    assert_eq!(
        (warning.line, warning.column),
        (2, 400),
        "the 1,001st character: 601 on line 1, 399 before it on line 2"
    );
    assert!(run_blocking(RunSpec::new(code)).warnings.is_empty(), "an action may be that long");
}
