//! Checks that need no engine: warnings about names the platform probably lacks (conflict C6 of the research),
//! and what the platform expects of each kind's result (research sections 7 to 9).

use std::collections::HashSet;

use base64::Engine as _;
use serde_json::Value;

use crate::spec::{Kind, Warning};

/// Names that appear only in the API reference's example strings, each with the documented equivalent.
const C6_NAMES: &[(&str, &str)] = &[
    (
        "fetch(",
        "`fetch` is not available in the Langdock sandbox (it appears only in the API reference's examples); use `await ld.request({ method, url, headers, body })`",
    ),
    (
        "inputs.",
        "`inputs.x` appears only in the API reference's examples; the sandbox passes input fields as `data.input.x`",
    ),
    (
        "secrets.",
        "`secrets.X` appears only in the API reference's examples; the connection's auth fields are `data.auth.X`",
    ),
];

/// The Integrations API's length limits on stored code, in characters (research section 2.2).
pub const fn code_length_limit(kind: Kind) -> usize {
    match kind {
        Kind::Action => 40_000,
        Kind::Trigger | Kind::Auth => 1_000,
    }
}

/// Warnings for `code`: C6 names, located by line and column (1-based; text after `//` on a line is skipped), and
/// code longer than the API stores for its kind, located at the first character past the limit.
pub fn warnings(code: &str, kind: Kind) -> Vec<Warning> {
    let mut found = Vec::new();
    let limit = code_length_limit(kind);
    let length = code.chars().count();
    if length > limit {
        let before: String = code.chars().take(limit).collect();
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) as u32 + 1;
        let field = match kind {
            Kind::Action => "an action's code",
            Kind::Trigger => "a trigger's pollingCode",
            Kind::Auth => "auth code (authTestCode, OAuth code)",
        };
        found.push(Warning {
            message: format!(
                "the code has {length} characters; the Integrations API stores at most {limit} for {field}, so plan and apply would be refused"
            ),
            line,
            column,
        });
    }
    for (index, line) in code.lines().enumerate() {
        let visible = match line.find("//") {
            Some(at) if !line[..at].ends_with(':') => &line[..at], // keep `https://` in strings
            _ => line,
        };
        for (name, message) in C6_NAMES {
            let mut from = 0;
            while let Some(offset) = visible[from..].find(name) {
                let at = from + offset;
                from = at + name.len();
                let before = visible[..at].chars().next_back();
                if before.is_some_and(|c| c == '.' || c == '_' || c == '$' || c.is_alphanumeric()) {
                    continue;
                }
                found.push(Warning {
                    message: (*message).to_owned(),
                    line: index as u32 + 1,
                    column: visible[..at].chars().count() as u32 + 1,
                });
            }
        }
    }
    found
}

/// Ways `result` breaks what the platform expects of `kind` (JSON-serialisability is checked while the value is
/// converted, before this).
pub fn violations(kind: Kind, result: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    match kind {
        Kind::Auth => {}
        Kind::Action => match result {
            None => out.push(
                "the action returned nothing (undefined): return a JSON value, e.g. the API's response.json".to_owned(),
            ),
            Some(Value::Object(map)) => {
                if let Some(files) = map.get("files") {
                    check_files("result.files", files, &mut out);
                }
            }
            Some(_) => {}
        },
        Kind::Trigger => check_events(result, &mut out),
    }
    out
}

fn check_events(result: Option<&Value>, out: &mut Vec<String>) {
    let Some(Value::Array(events)) = result else {
        out.push(format!(
            "a trigger must return an array of events {{ id, timestamp, data }}, not {}",
            result.map(type_name).unwrap_or("undefined")
        ));
        return;
    };
    let mut ids = HashSet::new();
    for (i, event) in events.iter().enumerate() {
        let path = format!("result[{i}]");
        let Value::Object(event) = event else {
            out.push(format!("{path} must be an object {{ id, timestamp, data }}, not {}", type_name(event)));
            continue;
        };
        match event.get("id") {
            Some(Value::String(id)) if !id.is_empty() => {
                if !ids.insert(id.clone()) {
                    out.push(format!("{path}.id {id:?} repeats an earlier event's id: ids must be unique"));
                }
            }
            Some(Value::Number(id)) => {
                if !ids.insert(id.to_string()) {
                    out.push(format!("{path}.id {id} repeats an earlier event's id: ids must be unique"));
                }
            }
            _ => out.push(format!("{path}.id is missing: each event needs a unique id (string)")),
        }
        match event.get("timestamp") {
            Some(Value::String(ts)) if looks_iso8601(ts) => {}
            Some(other) => out.push(format!("{path}.timestamp must be an ISO-8601 date string, not {other}")),
            None => out.push(format!("{path}.timestamp is missing: each event needs an ISO-8601 date string")),
        }
        match event.get("data") {
            None => out.push(format!("{path}.data is missing: it is the payload the workflow receives")),
            Some(Value::Object(data)) => {
                if let Some(files) = data.get("files") {
                    check_files(&format!("{path}.data.files"), files, out);
                }
            }
            Some(_) => {}
        }
    }
}

/// A `files` value: one file object or an array of them, each `{fileName, mimeType}` with exactly one of `text`
/// and `base64` (research section 5.2).
fn check_files(path: &str, files: &Value, out: &mut Vec<String>) {
    match files {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_file(&format!("{path}[{i}]"), item, out);
            }
        }
        item => check_file(path, item, out),
    }
}

fn check_file(path: &str, file: &Value, out: &mut Vec<String>) {
    let Value::Object(file) = file else {
        out.push(format!(
            "{path} must be a file object {{ fileName, mimeType, text | base64 }}, not {}",
            type_name(file)
        ));
        return;
    };
    for field in ["fileName", "mimeType"] {
        match file.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => out.push(format!("{path}.{field} is missing: a returned file needs a non-empty {field} string")),
        }
    }
    match (file.get("text"), file.get("base64")) {
        (Some(_), Some(_)) => out.push(format!("{path} has both text and base64: a file carries exactly one")),
        (None, None) => out.push(format!("{path} has neither text nor base64: a file carries exactly one")),
        (Some(text), None) if !text.is_string() => out.push(format!("{path}.text must be a string")),
        (None, Some(Value::String(b64))) if base64::engine::general_purpose::STANDARD.decode(b64.trim()).is_err() => {
            out.push(format!("{path}.base64 is not valid base64"));
        }
        (None, Some(Value::String(_))) => {}
        (None, Some(_)) => out.push(format!("{path}.base64 must be a string")),
        _ => {}
    }
}

/// `YYYY-MM-DD` with an optional `THH:MM...` time: what `new Date().toISOString()` and most APIs give.
fn looks_iso8601(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| range.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let date = b.len() >= 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
    date && (b.len() == 10 || (b.len() >= 16 && (b[10] == b'T' || b[10] == b' ') && digits(11..13) && b[13] == b':'))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_recognised_and_other_text_is_not() {
        assert!(looks_iso8601("2024-05-01T10:00:00.000Z"));
        assert!(looks_iso8601("2024-05-01"));
        assert!(!looks_iso8601("yesterday"));
        assert!(!looks_iso8601("1714557600000"));
    }
}
