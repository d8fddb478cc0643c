//! The shared settings table (`tests/settings/cases.json`), run against the Rust face: each case's arguments
//! handed to `ClientBuilder` as data, its environment given explicitly (so nothing leaks between cases or into
//! other tests), and the built client's described settings or the error compared with the table. The Python
//! and Node runners run the same table against their faces.

use std::collections::HashMap;

use serde_json::Value;

fn cases() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/settings/cases.json");
    let table: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("the table")).expect("JSON");
    table["cases"].as_array().expect("cases").clone()
}

/// Whether `actual` has every key of `expected` with an equal value (numbers compared as numbers).
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        (Value::Object(e), Value::Object(a)) => {
            e.iter().all(|(key, value)| a.get(key).is_some_and(|actual| matches(value, actual)))
                && (e.is_empty() == a.is_empty())
        }
        _ => expected == actual,
    }
}

fn face_user_agent(expected: &mut Value) {
    if let Some(agent) = expected.get_mut("user_agent") {
        let ua = format!("langdock-rust/{}", langdock::VERSION);
        *agent = Value::String(agent.as_str().unwrap().replace("{ua}", &ua));
    }
}

/// One case against the Rust face: the described settings, or the error's class and message.
fn run(case: &Value) -> Result<Value, (String, String)> {
    let env: HashMap<String, String> = serde_json::from_value(case["env"].clone()).unwrap();
    let fail = |e: langdock::Error| (e.kind().class_name().to_owned(), e.message().to_owned());
    let input = langdock::SettingsInput::from_json(case["args"].clone()).map_err(fail)?;
    let client =
        langdock::ClientBuilder::from_input(input, langdock::Face::Rust).environment(env).build().map_err(fail)?;
    Ok(client.settings().describe())
}

#[test]
fn the_table_has_at_least_thirty_cases_with_unique_names() {
    let cases = cases();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|case| case["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names are unique");
}

#[test]
fn every_settings_case_gives_the_tables_outcome_in_rust() {
    let mut failures = Vec::new();
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let outcome = run(&case);
        let expect = &case["expect"];
        match (&expect["settings"], &expect["error"], outcome) {
            (Value::Object(_), _, Ok(described)) => {
                let mut expected = expect["settings"].clone();
                face_user_agent(&mut expected);
                if !matches(&expected, &described) {
                    failures.push(format!("{name}: expected settings {expected}, described {described}"));
                }
            }
            (_, Value::Object(error), Err((class, message))) => {
                if error["class"] != class.as_str() || error["message"] != message.as_str() {
                    failures.push(format!("{name}: expected {error:?}, got {class}: {message}"));
                }
            }
            (_, _, outcome) => failures.push(format!("{name}: expected {expect}, got {outcome:?}")),
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_builders_own_methods_decide_like_the_table() {
    // The typed builder reaches the same decisions as the data path the table takes.
    let no_vars: [(&str, &str); 0] = [];
    let error = langdock::Client::builder()
        .api_key("sk-ld-test")
        .base_url("https://a.example.com")
        .deployment_url("https://ld.acme.com")
        .environment(no_vars)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), langdock::ErrorKind::Configuration);
    assert!(error.message().contains("base_url and deployment_url"), "{error}");
    let client = langdock::Client::builder()
        .api_key("sk-ld-test")
        .user_agent_suffix("my-app/1.0")
        .environment([("LANGDOCK_MAX_RETRIES", "7")])
        .build()
        .unwrap();
    let described = client.settings().describe();
    assert_eq!(described["user_agent"], format!("langdock-rust/{} my-app/1.0", langdock::VERSION));
    assert_eq!(described["max_retries"], 7);
    let patient = client.with_options(langdock::RequestOptions::new().max_retries(1));
    assert_eq!(patient.settings().describe()["max_retries"], 1, "per-client options show in the description");
}
