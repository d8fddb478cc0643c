//! `langdock test DIR`: the test cases kept next to an integration, one per `DIR/tests/*.yaml`.
//!
//! ```yaml
//! # tests/get_forecast.yaml
//! action: Get forecast             # or `trigger: NAME`, or `authTest: true`
//! input: { city: Berlin, days: 2 } # data.input; "@file.pdf" is a local file (relative to tests/)
//! auth:                            # data.auth; ${VAR} and ${VAR:-default} read the environment
//!   apiKey: ${WEATHER_API_KEY:-demo-key}
//! cassette: cassettes/get_forecast.json   # replayed (relative to tests/); `test --record` records it
//! expect:
//!   result: { city: Berlin }       # the returned value ...
//!   match: subset                  # ... exactly (the default) or as a subset
//!   # error: "status 401"          # or: the run fails with a message containing this
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use langdock_sandbox::Http;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::bodies;
use crate::failure::{Exit, Failure};
use crate::inputs;
use crate::manifest::Manifest;
use crate::output::{Output, table};
use crate::run::{self, Setup};
use crate::target::{self, Pick};

/// The folder of a directory that holds its test cases.
pub const TESTS_DIR: &str = "tests";

/// One test case file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Case {
    /// What the table calls it (default: the file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The action to run, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The trigger to run, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    /// Run the auth test code.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auth_test: bool,
    /// `data.input`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub input: Map<String, Value>,
    /// `data.auth`; string values may read environment variables.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub auth: Map<String, Value>,
    /// `env` of OAuth code; values may read environment variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// `lastPollTime`, for triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_poll_time: Option<String>,
    /// The recorded `ld.request` traffic to replay, relative to the tests folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cassette: Option<String>,
    /// Seconds before the code is stopped (default: the platform's 120).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<f64>,
    /// What must happen.
    #[serde(default)]
    pub expect: Expect,
}

/// What a test case expects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    /// The value the code returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// How `result` is compared.
    #[serde(default, rename = "match")]
    pub match_: Match,
    /// Instead of a result: the run fails with a message that contains this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// How an expected result is compared with the returned one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Match {
    /// Equal.
    #[default]
    Exact,
    /// Every key of an expected object is in the returned one with a matching value (arrays: same
    /// length, element by element), so a test does not break when the API adds a field.
    Subset,
}

/// One row of the table.
#[derive(Debug, Serialize)]
pub struct Row {
    /// The test's name.
    pub test: String,
    /// What it ran (`action "Get forecast"`).
    pub code: String,
    /// Whether it passed.
    pub passed: bool,
    /// Milliseconds the run took.
    pub ms: u128,
    /// Why it failed, or what it returned.
    pub detail: String,
}

/// `langdock test DIR`.
pub async fn command(dir: &Path, record: bool, out: &Output) -> Result<ExitCode, Failure> {
    let manifest = target::manifest(dir)?;
    let files = case_files(dir)?;
    let mut rows = Vec::new();
    for path in files {
        rows.push(run_case(dir, &manifest, &path, record).await);
    }
    let failed = rows.iter().filter(|row| !row.passed).count();
    out.show(&rows, || {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                let result = if row.passed { "ok" } else { "FAILED" };
                vec![row.test.clone(), row.code.clone(), result.into(), format!("{} ms", row.ms), row.detail.clone()]
            })
            .collect();
        table(&["TEST", "CODE", "RESULT", "TIME", "DETAIL"], &cells);
        println!("\n{} passed, {failed} failed", rows.len() - failed);
    });
    Ok(if failed == 0 { Exit::Success } else { Exit::Other }.into())
}

/// `DIR/tests/*.yaml` (and `.yml`), by name; none is a usage error.
fn case_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let tests = dir.join(TESTS_DIR);
    let entries = std::fs::read_dir(&tests).map_err(|e| {
        Failure::file(&tests, format!("cannot read it: {e}")).hint("`langdock export` writes a starter test per action")
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::file(&tests, "has no *.yaml test cases"));
    }
    Ok(files)
}

async fn run_case(dir: &Path, manifest: &Manifest, path: &Path, record: bool) -> Row {
    let test = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut row = Row { test, code: String::new(), passed: false, ms: 0, detail: String::new() };
    let case: Case = match bodies::read_text(path).and_then(|text| bodies::parse(path, &text)) {
        Ok(case) => case,
        Err(failure) => {
            row.detail = failure.to_string();
            return row;
        }
    };
    if let Some(name) = &case.name {
        row.test = name.clone();
    }
    let prepared = prepare(dir, manifest, path, &case, record);
    let (target, setup) = match prepared {
        Ok(prepared) => prepared,
        Err(problem) => {
            row.detail = problem;
            return row;
        }
    };
    row.code = target.label.clone();
    let started = Instant::now();
    let outcome = langdock_sandbox::run(run::spec(&target, setup)).await;
    row.ms = started.elapsed().as_millis();
    let verdict = judge(&case.expect, &outcome);
    row.passed = verdict.is_ok();
    row.detail = verdict.unwrap_or_else(|problem| problem);
    row
}

/// The target and setup a case describes, and the values never to print; or why it cannot run.
fn prepare(
    dir: &Path,
    manifest: &Manifest,
    path: &Path,
    case: &Case,
    record: bool,
) -> Result<(target::Target, Setup), String> {
    let pick = match (&case.action, &case.trigger, case.auth_test) {
        (Some(name), None, false) => Pick::Action(name.clone()),
        (None, Some(name), false) => Pick::Trigger(name.clone()),
        (None, None, true) => Pick::AuthTest,
        _ => return Err("name exactly one of action, trigger or authTest".into()),
    };
    if case.expect.result.is_some() == case.expect.error.is_some() {
        return Err("expect needs exactly one of result or error".into());
    }
    let target = target::in_dir(dir, manifest, &pick).map_err(|f| f.to_string())?;
    let tests = path.parent().unwrap_or(dir);
    let mut input = Map::new();
    for (key, value) in &case.input {
        let value = match value.as_str().and_then(|s| s.strip_prefix('@')) {
            Some(file) => inputs::file_data(&tests.join(file)).map_err(|f| f.to_string())?,
            None => value.clone(),
        };
        input.insert(key.clone(), value);
    }
    let mut auth = Map::new();
    for (key, value) in &case.auth {
        let value = match value {
            Value::String(text) => Value::String(expand(text, &|name| std::env::var(name).ok())?),
            other => other.clone(),
        };
        auth.insert(key.clone(), value);
    }
    let env = case
        .env
        .iter()
        .map(|(name, value)| Ok((name.clone(), expand(value, &|name| std::env::var(name).ok())?)))
        .collect::<Result<BTreeMap<_, _>, String>>()?;
    let http = match &case.cassette {
        Some(cassette) if record => Some(Http::Record { cassette: tests.join(cassette) }),
        Some(cassette) => {
            let cassette = tests.join(cassette);
            if !cassette.is_file() {
                return Err(format!("no cassette {}: record it with `langdock test --record`", cassette.display()));
            }
            Some(Http::Replay { cassette })
        }
        None => None,
    };
    let setup = Setup {
        input,
        auth,
        env,
        last_poll_time: case.last_poll_time.clone(),
        time_limit_seconds: case.timeout,
        memory_limit_mb: None,
        http,
    };
    Ok((target, setup))
}

/// `${VAR}` and `${VAR:-default}` replaced by the variable (or the default when it is unset or empty).
fn expand(text: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| format!("unclosed ${{ in {text:?}"))?;
        let (name, default) = match after[..end].split_once(":-") {
            Some((name, default)) => (name, Some(default)),
            None => (&after[..end], None),
        };
        match (var(name).filter(|v| !v.is_empty()), default) {
            (Some(value), _) => out.push_str(&value),
            (None, Some(default)) => out.push_str(default),
            (None, None) => return Err(format!("the environment variable {name} is not set")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `Ok(what it returned)` when the outcome is what the case expects, else `Err(why not)`.
fn judge(expect: &Expect, outcome: &langdock_sandbox::Outcome) -> Result<String, String> {
    let failure = outcome.error.as_ref().map(ToString::to_string);
    if let Some(wanted) = &expect.error {
        return match failure {
            Some(message) if message.contains(wanted.as_str()) => Ok(format!("failed as expected: {message}")),
            Some(message) => Err(format!("failed with {message:?}, expected an error containing {wanted:?}")),
            None => Err(format!("returned instead of failing with {wanted:?}")),
        };
    }
    if let Some(message) = failure {
        return Err(message);
    }
    if let Some(violation) = outcome.violations.first() {
        return Err(format!("the platform would refuse the result: {violation}"));
    }
    let returned = outcome.result.clone().unwrap_or(Value::Null);
    if let Some(expected) = &expect.result
        && let Some(difference) = differ(expected, &returned, expect.match_, "$")
    {
        return Err(difference);
    }
    Ok(short(&returned))
}

/// The first place where `actual` does not match `expected`, as `$.path: expected X, got Y`.
pub fn differ(expected: &Value, actual: &Value, how: Match, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let at = format!("{path}.{key}");
                match got.get(key) {
                    Some(found) => {
                        if let Some(difference) = differ(value, found, how, &at) {
                            return Some(difference);
                        }
                    }
                    None => return Some(format!("{at}: missing, expected {}", short(value))),
                }
            }
            if how == Match::Exact
                && let Some(extra) = got.keys().find(|key| !want.contains_key(*key))
            {
                return Some(format!("{path}.{extra}: not expected (use `match: subset` to allow more keys)"));
            }
            None
        }
        (Value::Array(want), Value::Array(got)) => {
            if want.len() != got.len() {
                return Some(format!("{path}: expected {} items, got {}", want.len(), got.len()));
            }
            want.iter().zip(got).enumerate().find_map(|(i, (w, g))| differ(w, g, how, &format!("{path}[{i}]")))
        }
        // 3 and 3.0 are the same number to a test author.
        (Value::Number(want), Value::Number(got)) if want.as_f64() == got.as_f64() => None,
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {}, got {}", short(expected), short(actual))),
    }
}

/// A value on one line, cut to fit a table cell.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 60 { text } else { format!("{}…", text.chars().take(59).collect::<String>()) }
}

/// The starter test `export` writes for an action: its inputs as placeholders, auth from the environment
/// (`<INTEGRATION>_<FIELD>`), and an expectation to fill in.
pub fn starter(
    integration: &str,
    action: &str,
    input_fields: &[inputs::Field],
    auth_fields: &[inputs::Field],
) -> String {
    let env_prefix: String = integration
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
        .collect::<String>()
        .trim_matches('_')
        .to_owned();
    let mut text = format!(
        "# A starter test for the action {action:?}: fill in the inputs and what it should return, then run\n\
         # `langdock test --record .` once with the real credentials to record a cassette, and plain\n\
         # `langdock test .` from then on (offline, against the cassette).\n\
         action: {}\n",
        yaml_string(action)
    );
    if !input_fields.is_empty() {
        text.push_str("input:\n");
        for field in input_fields {
            let example = match field.kind {
                inputs::FieldKind::Number => "1".to_owned(),
                inputs::FieldKind::Boolean => "true".to_owned(),
                inputs::FieldKind::Json => "{}".to_owned(),
                inputs::FieldKind::Text => yaml_string(&format!("example {}", field.label.to_lowercase())),
            };
            text.push_str(&format!("  {}: {example}\n", field.key));
        }
    }
    if !auth_fields.is_empty() {
        text.push_str("auth:\n");
        for field in auth_fields {
            let variable = format!("{env_prefix}_{}", screaming(&field.key));
            text.push_str(&format!("  {}: ${{{variable}}}\n", field.key));
        }
    }
    let stem = inputs::slug(action);
    text.push_str(&format!("cassette: cassettes/{stem}.json\nexpect:\n  match: subset\n  result: {{}}\n"));
    text
}

/// `apiKey` → `API_KEY`, the usual spelling of an environment variable.
fn screaming(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        out.push(if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' });
    }
    out
}

/// A string as a YAML scalar, quoted when plain style would change its meaning.
fn yaml_string(text: &str) -> String {
    serde_norway::to_string(text).map(|s| s.trim_end().to_owned()).unwrap_or_else(|_| format!("{text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_match_refuses_extra_keys_and_subset_allows_them() {
        let expected = json!({"city": "Berlin", "days": [{"t": 3}]});
        let actual = json!({"city": "Berlin", "days": [{"t": 3.0, "wind": 2}], "units": "C"});
        assert_eq!(differ(&expected, &actual, Match::Subset, "$"), None);
        let exact = differ(&expected, &actual, Match::Exact, "$").unwrap();
        assert!(exact.starts_with("$.days[0].wind: not expected") || exact.starts_with("$.units"), "{exact}");
        let wrong = differ(&json!({"city": "Paris"}), &actual, Match::Subset, "$").unwrap();
        assert_eq!(wrong, "$.city: expected \"Paris\", got \"Berlin\"");
        let short = differ(&json!([1, 2]), &json!([1]), Match::Subset, "$").unwrap();
        assert_eq!(short, "$: expected 2 items, got 1");
    }

    #[test]
    fn environment_references_expand_with_defaults_and_an_unset_one_is_named() {
        let var = |name: &str| (name == "SET").then(|| "value".to_owned());
        assert_eq!(expand("Bearer ${SET}", &var).unwrap(), "Bearer value");
        assert_eq!(expand("${UNSET:-demo}", &var).unwrap(), "demo");
        assert_eq!(expand("plain", &var).unwrap(), "plain");
        assert_eq!(expand("${UNSET}", &var).unwrap_err(), "the environment variable UNSET is not set");
    }

    #[test]
    fn a_case_file_refuses_unknown_keys_and_reads_the_documented_ones() {
        let case: Case = serde_norway::from_str(
            "action: Get forecast\ninput: {city: Berlin}\nauth: {apiKey: '${K:-x}'}\ncassette: c.json\n\
             expect:\n  match: subset\n  result: {city: Berlin}\n",
        )
        .unwrap();
        assert_eq!(case.action.as_deref(), Some("Get forecast"));
        assert_eq!(case.expect.match_, Match::Subset);
        assert!(serde_norway::from_str::<Case>("action: x\nexpected: {}\n").is_err());
    }

    #[test]
    fn the_starter_test_parses_as_a_case_for_its_action() {
        let fields = [
            inputs::Field { key: "city".into(), label: "City".into(), kind: inputs::FieldKind::Text },
            inputs::Field { key: "days".into(), label: "Days".into(), kind: inputs::FieldKind::Number },
        ];
        let auth = [inputs::Field { key: "apiKey".into(), label: "API key".into(), kind: inputs::FieldKind::Text }];
        let text = starter("My Weather", "Get: forecast", &fields, &auth);
        let case: Case = serde_norway::from_str(&text).unwrap();
        assert_eq!(case.action.as_deref(), Some("Get: forecast"));
        assert_eq!(case.input["days"], json!(1));
        assert_eq!(case.auth["apiKey"], json!("${MY_WEATHER_API_KEY}"));
        assert_eq!(case.cassette.as_deref(), Some("cassettes/get_forecast.json"));
    }
}
