//! The Rust runner of the shared conformance scenarios in `tests/conformance/` (see its README).

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use langdock::{ActionInput, Client, CreateIntegration, InputField, InputFieldType, TriggerInput};
use langdock_emulator::{ApiKey, Config, DEFAULT_API_KEY, Emulator, Fault};
use serde_json::{Value, json};

// The dispatch, a call per operation, is generated from the operation table (`make generate`).
#[path = "conformance/dispatch.rs"]
mod dispatch;
use dispatch::call;

const UNKNOWN_ID: &str = "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11";

/// `tests/openapi.yaml`, checking every answer the emulator gave that no fault shaped.
struct OpenApi {
    document: Value,
    validators: std::collections::HashMap<String, jsonschema::Validator>,
    checked: usize,
}

impl OpenApi {
    fn load() -> OpenApi {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/openapi.yaml");
        let document = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).expect("valid YAML");
        OpenApi { document, validators: Default::default(), checked: 0 }
    }

    /// The JSON pointer of the response schema of `operation` for `status`.
    fn pointer(&self, operation: &str, status: u16) -> Option<String> {
        // JSON-pointer escapes, then the URI-fragment escapes of the braces in path templates.
        let escape = |key: &str| key.replace('~', "~0").replace('/', "~1").replace('{', "%7B").replace('}', "%7D");
        let paths = self.document["paths"].as_object()?;
        for (path, item) in paths {
            for (method, spec) in item.as_object()? {
                if spec["operationId"] == operation {
                    let response = &spec["responses"][status.to_string()];
                    let base = match response["$ref"].as_str() {
                        Some(reference) => reference.trim_start_matches('#').to_owned(),
                        None => format!("/paths/{}/{method}/responses/{status}", escape(path)),
                    };
                    return Some(format!("#{base}/content/application~1json/schema"));
                }
            }
        }
        None
    }

    fn check(&mut self, entry: &langdock_emulator::JournalEntry) -> Result<(), String> {
        let (Some(operation), Some(status), None) = (entry.operation, entry.status, entry.fault) else {
            return Ok(()); // a dropped connection, or an answer a fault shaped on purpose
        };
        let what = format!("{} answered {status}", operation.name());
        let pointer = self.pointer(operation.name(), status).ok_or_else(|| format!("{what}: undocumented status"))?;
        let body = entry.response.as_ref().ok_or_else(|| format!("{what}: the body is not JSON"))?;
        if !self.validators.contains_key(&pointer) {
            let mut schema = self.document.clone();
            schema["$ref"] = Value::String(pointer.clone());
            let validator = jsonschema::validator_for(&schema).map_err(|e| format!("{pointer}: {e}"))?;
            self.validators.insert(pointer.clone(), validator);
        }
        let problems: Vec<String> =
            self.validators[&pointer].iter_errors(body).map(|e| format!("{e} at {}", e.instance_path())).collect();
        self.checked += 1;
        if problems.is_empty() { Ok(()) } else { Err(format!("{what} against {pointer}: {}", problems.join("; "))) }
    }
}

struct Ids {
    integration: String,
    action: String,
    trigger: String,
    builtin: String,
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// Expands `$repeat` strings and the fixture's ids.
fn expand(value: &Value, ids: &Ids) -> Value {
    match value {
        Value::String(text) => Value::String(match text.as_str() {
            "$integration" => ids.integration.clone(),
            "$action" => ids.action.clone(),
            "$trigger" => ids.trigger.clone(),
            "$builtin" => ids.builtin.clone(),
            "$unknown" => UNKNOWN_ID.into(),
            _ => text.clone(),
        }),
        Value::Object(map) if map.contains_key("$repeat") => {
            let unit = map["$repeat"].as_str().unwrap_or_default();
            Value::String(unit.repeat(map["times"].as_u64().unwrap_or(0) as usize))
        }
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), expand(v, ids))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(|v| expand(v, ids)).collect()),
        other => other.clone(),
    }
}

/// Whether `actual` matches `expected` as the README defines it; the error names the first difference.
fn matches(expected: &Value, actual: Option<&Value>, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Null, None | Some(Value::Null)) => Ok(()),
        (Value::String(s), Some(Value::String(_))) if s == "$string" => Ok(()),
        (Value::String(s), Some(Value::String(a))) if s == "$uuid" => {
            uuid::Uuid::parse_str(a).map(drop).map_err(|_| format!("{path}: {a:?} is not a UUID"))
        }
        (Value::Object(fields), Some(Value::Object(actual))) => {
            fields.iter().try_for_each(|(key, value)| matches(value, actual.get(key), &format!("{path}.{key}")))
        }
        (Value::Array(items), Some(Value::Array(actual))) if items.len() == actual.len() => items
            .iter()
            .zip(actual)
            .enumerate()
            .try_for_each(|(index, (e, a))| matches(e, Some(a), &format!("{path}[{index}]"))),
        (Value::Number(e), Some(Value::Number(a))) if e.as_f64() == a.as_f64() => Ok(()),
        (e, Some(a)) if e == a => Ok(()),
        (e, a) => Err(format!("{path}: expected {e}, got {}", a.map_or("nothing".into(), Value::to_string))),
    }
}

fn absent(value: &Value, dotted: &str) -> bool {
    let mut current = value;
    for key in dotted.split('.') {
        match current.get(key) {
            Some(next) => current = next,
            None => return true,
        }
    }
    current.is_null()
}

async fn fixture(emulator: &Emulator) -> Ids {
    let client = Client::builder().api_key(DEFAULT_API_KEY).base_url(emulator.base_url()).no_proxy().build().unwrap();
    let integration = client
        .integrations()
        .create(&CreateIntegration::new("Fixture").description("Conformance fixture"))
        .await
        .unwrap()
        .into_inner()
        .id;
    let action =
        ActionInput::new("Existing").code("return 1;").input_fields([InputField::new("City", InputFieldType::Text)]);
    let action = client.actions().create(&integration, &action).await.unwrap().into_inner().id;
    let trigger = TriggerInput::new("Existing trigger").polling_code("return [];");
    let trigger = client.triggers().create(&integration, &trigger).await.unwrap().into_inner().id;
    let list = client.integrations().list().await.unwrap().into_inner();
    let builtin = list.into_iter().find(|i| i.built_by_langdock).unwrap().id;
    Ids { integration, action, trigger, builtin }
}

fn client_for(emulator: &Emulator, options: &Value) -> Client {
    let mut builder = Client::builder()
        .api_key(options["apiKey"].as_str().unwrap_or(DEFAULT_API_KEY))
        .base_url(emulator.base_url())
        .no_proxy()
        .backoff(Duration::from_millis(1), Duration::from_millis(5));
    if let Some(retries) = options["maxRetries"].as_u64() {
        builder = builder.max_retries(retries as u32);
    }
    if let Some(ms) = options["timeoutMs"].as_u64() {
        builder = builder.timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = options["deadlineMs"].as_u64() {
        builder = builder.deadline(Duration::from_millis(ms));
    }
    if let Some(validation) = options["validation"].as_bool() {
        builder = builder.validation(validation);
    }
    builder.build().unwrap()
}

fn body<T: serde::de::DeserializeOwned>(args: &Value) -> T {
    serde_json::from_value(args["body"].clone()).expect("a body of the right shape")
}

/// A response as the API's JSON and the attempts it took.
fn shown<T: serde::Serialize>(response: langdock::Response<T>) -> (Value, u32) {
    (langdock::binding::response_json(response.data()).unwrap(), response.attempts())
}

/// The bytes an argument carries in base64.
fn bytes(args: &Value, key: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(args[key].as_str().unwrap_or_default()).unwrap()
}

fn check_error(expected: &Value, error: &langdock::Error) -> Result<(), String> {
    let class = expected["class"].as_str().unwrap_or_default();
    if error.kind().class_name() != class {
        return Err(format!("expected {class}, got {}: {error}", error.kind().class_name()));
    }
    if let Some(status) = expected.get("status")
        && Some(status.as_u64().unwrap_or(0) as u16) != error.status()
    {
        return Err(format!("expected status {status}, got {:?}", error.status()));
    }
    if let Some(seconds) = expected.get("retryAfter").and_then(Value::as_f64)
        && error.retry_after().map(|d| d.as_secs_f64()) != Some(seconds)
    {
        return Err(format!("expected retryAfter {seconds}, got {:?}", error.retry_after()));
    }
    if let Some(maybe) = expected.get("maybeCreated").and_then(Value::as_bool)
        && maybe != error.maybe_created()
    {
        return Err(format!("expected maybeCreated {maybe}"));
    }
    if let Some(paths) = expected.get("violations") {
        let actual: Vec<&str> = error.violations().iter().map(|v| v.path.as_str()).collect();
        if *paths != json!(actual) {
            return Err(format!("expected violations {paths}, got {actual:?}"));
        }
    }
    if let Some(text) = expected.get("messageContains").and_then(Value::as_str)
        && !error.message().contains(text)
    {
        return Err(format!("expected the message to contain {text:?}: {error}"));
    }
    if let Some(text) = expected.get("messageExcludes").and_then(Value::as_str)
        && error.message().contains(text)
    {
        return Err(format!("expected the message not to contain {text:?}: {error}"));
    }
    Ok(())
}

async fn run(emulator: &Emulator, scenario: &Value, openapi: &mut OpenApi) -> Result<(), String> {
    emulator.reset();
    emulator.set_rate_limit(None);
    for key in scenario["setup"]["keys"].as_array().into_iter().flatten() {
        let scopes = key["scopes"].as_array().into_iter().flatten().map(|s| s.as_str().unwrap().parse().unwrap());
        emulator.add_key(ApiKey::new(key["key"].as_str().unwrap(), scopes.collect::<Vec<_>>()));
    }
    emulator.clear_journal();
    let ids = fixture(emulator).await;
    for entry in emulator.journal() {
        openapi.check(&entry).map_err(|e| format!("fixture: {e}"))?;
    }
    emulator.clear_journal();
    for fault in scenario["faults"].as_array().into_iter().flatten() {
        emulator.inject(serde_json::from_value::<Fault>(fault.clone()).map_err(|e| format!("bad fault: {e}"))?);
    }
    let client = client_for(emulator, &scenario["client"]);
    let call_spec = expand(&scenario["call"], &ids);
    let mut outcome = call(&client, &call_spec).await;
    for _ in 1..scenario["repeat"].as_u64().unwrap_or(1) {
        outcome = call(&client, &call_spec).await;
    }
    let expect = expand(&scenario["expect"], &ids);
    let attempts = match (&outcome, expect.get("ok"), expect.get("error")) {
        (Ok((value, attempts)), Some(expected), None) => {
            matches(expected, Some(value), "result")?;
            for path in expect["absent"].as_array().into_iter().flatten() {
                if !absent(value, path.as_str().unwrap_or_default()) {
                    return Err(format!("{path} should be absent: {value}"));
                }
            }
            *attempts
        }
        (Err(error), None, Some(expected)) => {
            check_error(expected, error)?;
            error.attempts()
        }
        (Ok((value, _)), _, _) => return Err(format!("expected an error, got {value}")),
        (Err(error), _, _) => return Err(format!("expected success, got {}: {error}", error.kind().class_name())),
    };
    if let Some(expected) = expect["attempts"].as_u64()
        && u64::from(attempts) != expected
    {
        return Err(format!("expected {expected} attempts, got {attempts}"));
    }
    for entry in emulator.journal() {
        openapi.check(&entry)?;
    }
    if let Some(expected) = scenario.get("journal") {
        let seen: Vec<Value> = emulator
            .journal()
            .into_iter()
            .map(|entry| json!({"operation": entry.operation.map(|op| op.name()), "status": entry.status}))
            .collect();
        if *expected != Value::Array(seen.clone()) {
            return Err(format!("expected journal {expected}, got {}", Value::Array(seen)));
        }
    }
    Ok(())
}

#[tokio::test]
async fn every_conformance_scenario_passes_through_the_rust_api() {
    let emulator =
        Emulator::start(Config { keys: vec![ApiKey::full(DEFAULT_API_KEY)], ..Config::default() }).await.unwrap();
    emulator.record_responses(true);
    let mut openapi = OpenApi::load();
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), 0);
    let files = scenario_files();
    assert!(files.len() >= 60, "the suite has {} scenarios", files.len());
    for file in files {
        let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let name = scenario["name"].as_str().unwrap_or("?").to_owned();
        if let Some(reason) = scenario["skip"]["rust"].as_str() {
            println!("skip {name}: {reason}");
            skipped += 1;
            continue;
        }
        match run(&emulator, &scenario, &mut openapi).await {
            Ok(()) => passed += 1,
            Err(problem) => failed.push(format!("{name}: {problem}")),
        }
    }
    println!("conformance (rust): {passed} passed, {} failed, {skipped} skipped", failed.len());
    println!("openapi: {} emulator answers validated against tests/openapi.yaml", openapi.checked);
    assert!(failed.is_empty(), "{} scenario(s) failed:\n{}", failed.len(), failed.join("\n"));
    assert!(openapi.checked > 100, "the schema check ran");
}
