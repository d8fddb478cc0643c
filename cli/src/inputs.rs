//! What `run` and `test` hand the code as `data.input` and `data.auth`: built from `key=value` flags,
//! a JSON file, local files (`key=@path`, in the platform's FILE shape) and environment variables.

use std::path::Path;

use serde_json::{Map, Value};

use crate::failure::Failure;

/// How a known field's value is typed: `data.input` gets a number for a NUMBER field, as on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Kept as text.
    Text,
    /// Parsed as a number.
    Number,
    /// Parsed as true/false.
    Boolean,
    /// Parsed as JSON (OBJECT fields).
    Json,
}

/// A field the manifest declares: its key in `data.input`/`data.auth`, and how to type its value.
#[derive(Debug, Clone)]
pub struct Field {
    /// The key the code reads (the field's slug).
    pub key: String,
    /// The label, also accepted on the command line.
    pub label: String,
    /// How a `key=value` text becomes a value.
    pub kind: FieldKind,
}

/// The key of a field whose slug the manifest leaves out: the label made into a slug the way the API does
/// (lower-case letters and digits, every other run of characters one `_`).
pub fn slug(label: &str) -> String {
    let mut slug = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.trim_matches('_').to_owned()
}

/// Letters and digits only, lower-cased: `API_KEY`, `apiKey` and `api-key` compare equal.
fn loose(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The field a command-line key names: by slug, by label, or loosely (`API_KEY` for `apiKey`).
fn find<'a>(fields: &'a [Field], key: &str) -> Option<&'a Field> {
    fields
        .iter()
        .find(|f| f.key == key)
        .or_else(|| fields.iter().find(|f| f.label == key))
        .or_else(|| fields.iter().find(|f| loose(&f.key) == loose(key)))
}

/// Builds an object from `key=value` pairs over `base`.
///
/// `key=value` is text, typed by the field's kind when `fields` knows the key; `key:=json` is raw JSON;
/// `key=@path` is a local file in the platform's FILE shape, and a key given several files gets an array,
/// as a field that allows multiple files does. `flag` names the option in errors (`--input`).
pub fn build(
    base: Map<String, Value>,
    pairs: &[String],
    fields: &[Field],
    flag: &str,
) -> Result<Map<String, Value>, Failure> {
    let mut object = base;
    // Keys given a file by an earlier flag: a second file for one of them makes an array.
    let mut files: Vec<String> = Vec::new();
    for pair in pairs {
        let (key, value, is_file) = parse_pair(pair, fields, flag)?;
        if is_file && files.contains(&key) {
            match object.get_mut(&key) {
                Some(Value::Array(list)) => list.push(value),
                Some(first) => *first = Value::Array(vec![first.take(), value]),
                None => {}
            }
            continue;
        }
        if is_file {
            files.push(key.clone());
        }
        object.insert(key, value);
    }
    Ok(object)
}

/// One `KEY=VALUE`, `KEY:=JSON` or `KEY=@FILE`: the key, the value, and whether it is a file.
fn parse_pair(pair: &str, fields: &[Field], flag: &str) -> Result<(String, Value, bool), Failure> {
    let usage = || Failure::usage(format!("{flag} {pair:?}: expected KEY=VALUE, KEY:=JSON or KEY=@FILE"));
    let (name, raw, value) = match pair.split_once('=') {
        Some((name, value)) if name.ends_with(':') => (name.trim_end_matches(':'), true, value),
        Some((name, value)) => (name, false, value),
        None => return Err(usage()),
    };
    if name.is_empty() {
        return Err(usage());
    }
    let field = find(fields, name);
    let key = field.map_or_else(|| name.to_owned(), |f| f.key.clone());
    if raw {
        let json = serde_json::from_str(value)
            .map_err(|e| Failure::usage(format!("{flag} {pair:?}: the value after := is not JSON: {e}")))?;
        return Ok((key, json, false));
    }
    if let Some(path) = value.strip_prefix('@') {
        return Ok((key, file_data(Path::new(path))?, true));
    }
    let kind = field.map_or(FieldKind::Text, |f| f.kind);
    let typed = match kind {
        FieldKind::Text => Value::String(value.to_owned()),
        // As written when it is a JSON number (3 stays an integer), else as a float (`3.`, `.5`).
        FieldKind::Number => value
            .parse::<f64>()
            .ok()
            .and_then(|n| {
                serde_json::from_str::<serde_json::Number>(value)
                    .ok()
                    .or_else(|| serde_json::Number::from_f64(n))
                    .map(Value::Number)
            })
            .ok_or_else(|| Failure::usage(format!("{flag} {pair:?}: {key} is a NUMBER field, got {value:?}")))?,
        FieldKind::Boolean => match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Value::Bool(true),
            "false" | "no" | "0" => Value::Bool(false),
            _ => return Err(Failure::usage(format!("{flag} {pair:?}: {key} is a BOOLEAN field, got {value:?}"))),
        },
        FieldKind::Json => serde_json::from_str(value).map_err(|e| {
            Failure::usage(format!("{flag} {pair:?}: {key} is an OBJECT field, and this is not JSON: {e}"))
        })?,
    };
    Ok((key, typed, false))
}

/// A JSON object from a file (`--input-json`), or an empty one.
pub fn json_file(path: Option<&Path>) -> Result<Map<String, Value>, Failure> {
    let Some(path) = path else { return Ok(Map::new()) };
    let text = crate::bodies::read_text(path)?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(Failure::file(path, "expected a JSON object of input values")),
        Err(e) => Err(Failure::file(path, format!("not JSON: {e}"))),
    }
}

/// Auth values from every environment variable starting with `prefix`: `WEATHER_API_KEY` with prefix
/// `WEATHER_` gives the auth field `API_KEY` stands for (`apiKey` when the manifest has it), else `apiKey`.
pub fn from_env(prefix: &str, fields: &[Field], vars: impl Iterator<Item = (String, String)>) -> Map<String, Value> {
    let mut object = Map::new();
    for (name, value) in vars {
        let Some(rest) = name.strip_prefix(prefix).filter(|rest| !rest.is_empty()) else { continue };
        let key = find(fields, rest).map_or_else(|| camel_case(rest), |f| f.key.clone());
        object.insert(key, Value::String(value));
    }
    object
}

/// `API_KEY` → `apiKey`.
fn camel_case(name: &str) -> String {
    let mut out = String::new();
    for (index, word) in name.split('_').filter(|w| !w.is_empty()).enumerate() {
        let lower = word.to_ascii_lowercase();
        if index == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        }
    }
    out
}

/// A local file as the platform hands a FILE input to the code (`fileName`, `mimeType`, `size`, `base64`,
/// `lastModified`), built by the engine so that the CLI and the bindings agree; a missing or too large file is
/// a usage error naming it.
pub fn file_data(path: &Path) -> Result<Value, Failure> {
    langdock_sandbox::file_input(path).map_err(|e| Failure::usage(e.message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields() -> Vec<Field> {
        vec![
            Field { key: "city".into(), label: "City".into(), kind: FieldKind::Text },
            Field { key: "days".into(), label: "Days".into(), kind: FieldKind::Number },
            Field { key: "metric".into(), label: "Metric".into(), kind: FieldKind::Boolean },
        ]
    }

    fn strings(pairs: &[&str]) -> Vec<String> {
        pairs.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn key_value_pairs_are_typed_by_the_manifest_field_and_raw_json_after_colon_equals() {
        let built = build(
            Map::new(),
            &strings(&["City=Berlin", "days=3", "metric=yes", "extra:={\"a\":[1]}", "note=3"]),
            &fields(),
            "--input",
        )
        .unwrap();
        assert_eq!(
            Value::Object(built),
            json!({"city": "Berlin", "days": 3, "metric": true, "extra": {"a": [1]}, "note": "3"})
        );
    }

    #[test]
    fn flags_override_the_json_file_and_bad_pairs_are_usage_errors() {
        let base = json!({"city": "Paris", "days": 1}).as_object().unwrap().clone();
        let built = build(base, &strings(&["city=Rome"]), &[], "--input").unwrap();
        assert_eq!(Value::Object(built), json!({"city": "Rome", "days": 1}));
        for bad in ["novalue", "=x", "days=many", "x:=nope"] {
            let failure = build(Map::new(), &strings(&[bad]), &fields(), "--input").unwrap_err();
            assert!(failure.to_string().contains("--input"), "{bad}: {failure}");
        }
    }

    #[test]
    fn a_file_input_has_the_platform_shape_and_two_files_for_one_key_make_an_array() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("report.pdf");
        std::fs::write(&pdf, b"%PDF-1.4").unwrap();
        let pair = format!("doc=@{}", pdf.display());
        let built = build(Map::new(), std::slice::from_ref(&pair), &[], "--input").unwrap();
        let file = &built["doc"];
        assert_eq!(file["fileName"], "report.pdf");
        assert_eq!(file["mimeType"], "application/pdf");
        assert_eq!(file["size"], 8);
        assert_eq!(file["base64"], "JVBERi0xLjQ=");
        assert!(file["lastModified"].as_str().unwrap().ends_with('Z'));
        assert!(file.get("text").is_none(), "inputs carry no text");
        let two = build(Map::new(), &[pair.clone(), pair], &[], "--input").unwrap();
        assert_eq!(two["doc"].as_array().map(Vec::len), Some(2));
        let missing = build(Map::new(), &strings(&["doc=@/no/such/file.pdf"]), &[], "--input").unwrap_err();
        assert!(missing.to_string().contains("/no/such/file.pdf"), "{missing}");
    }

    #[test]
    fn auth_env_takes_every_variable_with_the_prefix_as_the_field_it_names() {
        let auth_fields = vec![Field { key: "apiKey".into(), label: "API key".into(), kind: FieldKind::Text }];
        let vars = [("WEATHER_API_KEY", "k1"), ("WEATHER_BASE_URL", "u"), ("OTHER_API_KEY", "no"), ("WEATHER_", "no")]
            .map(|(n, v)| (n.to_owned(), v.to_owned()));
        let auth = from_env("WEATHER_", &auth_fields, vars.into_iter());
        assert_eq!(Value::Object(auth), json!({"apiKey": "k1", "baseUrl": "u"}));
    }

    #[test]
    fn slugs_follow_the_api() {
        assert_eq!(slug("Send  E-Mail!"), "send_e_mail");
        assert_eq!(slug("City"), "city");
    }
}
