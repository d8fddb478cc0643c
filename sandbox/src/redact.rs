//! Keeps secrets out of everything a run reports or writes: request summaries, logs and cassettes.
//!
//! Two rules: a value the code was given as a secret (`data.auth`, `env`) is replaced wherever it appears, and
//! a header, query parameter or JSON key whose name says it carries a credential is replaced whole.

use serde_json::{Map, Value};
use url::Url;

/// What stands in for a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Name fragments (lower case) that mark a header or query parameter as carrying a credential.
const SENSITIVE_NAME_PARTS: &[&str] =
    &["auth", "key", "token", "secret", "password", "passwd", "signature", "cookie", "credential", "session"];

/// JSON keys (lower case, without `_` and `-`) whose values are credentials. Narrower than the header rule: a
/// response's `key` or `nextPageToken` is data the code reads, not a secret.
const SECRET_JSON_KEYS: &[&str] = &[
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "token",
    "clientsecret",
    "secret",
    "password",
    "apikey",
    "privatekey",
    "secretaccesskey",
    "sessiontoken",
];

/// True when a JSON value under this key is a credential.
pub fn is_secret_json_key(key: &str) -> bool {
    let normal: String = key.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
    SECRET_JSON_KEYS.contains(&normal.as_str())
}

/// True when a header or query parameter of this name carries a credential.
pub fn is_sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SENSITIVE_NAME_PARTS.iter().any(|part| lower.contains(part)) || lower == "sig"
}

/// Replaces secrets in text, URLs, headers and JSON.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Secret values, longest first so a secret containing another is replaced whole.
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for the string values of `auth` (at any depth) and `env`. Values shorter than 4 characters and
    /// URLs (a connection's base URL is not a secret, and redacting it would make cassettes unreadable) are kept.
    pub fn new<'a>(auth: &Map<String, Value>, env: impl IntoIterator<Item = &'a String>) -> Self {
        let mut secrets = Vec::new();
        fn collect(value: &Value, out: &mut Vec<String>) {
            match value {
                Value::String(s) => out.push(s.clone()),
                Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
                Value::Object(map) => map.values().for_each(|v| collect(v, out)),
                _ => {}
            }
        }
        auth.values().for_each(|v| collect(v, &mut secrets));
        secrets.extend(env.into_iter().cloned());
        let mut all = Vec::new();
        for secret in secrets {
            let trimmed = secret.trim();
            if trimmed.chars().count() < 4 || trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                continue;
            }
            let encoded =
                percent_encoding::utf8_percent_encode(trimmed, percent_encoding::NON_ALPHANUMERIC).to_string();
            let form: String = url::form_urlencoded::byte_serialize(trimmed.as_bytes()).collect();
            all.push(trimmed.to_owned());
            all.push(encoded);
            all.push(form);
        }
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        all.dedup();
        Redactor { secrets: all }
    }

    /// `text` with every secret value replaced.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// A header's value as it may be shown: whole for credential headers, else with secrets replaced.
    pub fn header(&self, name: &str, value: &str) -> String {
        if is_sensitive_name(name) { REDACTED.to_owned() } else { self.text(value) }
    }

    /// The URL as it may be shown: credential query parameters replaced whole, secrets replaced anywhere.
    pub fn url(&self, url: &Url) -> String {
        let mut shown = url.clone();
        if url.query().is_some() {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if is_sensitive_name(&k) { REDACTED.to_owned() } else { v.into_owned() };
                    (k.into_owned(), v)
                })
                .collect();
            shown.query_pairs_mut().clear().extend_pairs(pairs);
        }
        if !shown.username().is_empty() {
            let _ = shown.set_username(REDACTED);
        }
        if shown.password().is_some() {
            let _ = shown.set_password(Some(REDACTED));
        }
        self.text(shown.as_str())
    }

    /// Redacts JSON in place: credential keys replaced whole, secrets replaced inside strings.
    pub fn json(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if is_secret_json_key(key) && !matches!(v, Value::Null) {
                        *v = Value::String(REDACTED.to_owned());
                    } else {
                        self.json(v);
                    }
                }
            }
            _ => {}
        }
    }
}
