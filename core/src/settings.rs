//! Client settings, decided once for every face (Rust, Python, Node, the CLI).
//!
//! A face hands over what its user gave as a [`SettingsInput`] (serde data: a Python dict, a JS object, the
//! CLI's flags, the Rust builder's calls). [`Settings::resolve`] alone decides precedence (explicit value >
//! `LANGDOCK_*` environment variable > default), conflicts, bad values and the user agent, and
//! [`Settings::describe`] shows the outcome in one JSON shape for every language, the key redacted.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tracing::level_filters::LevelFilter;

use crate::binding::{DEFAULT_LOG_LEVEL, parse_log_level};
use crate::client::{
    ApiKey, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_TIMEOUT, VERSION, deployment_base_url,
    env, parse_base_url,
};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;

/// The most retries a client may be told to make: more would keep one call busy for many minutes.
pub const MAX_RETRIES_LIMIT: u32 = 20;

/// Where a user makes API keys: the workspace's API settings page (Workspace settings → Products → API).
pub const API_KEYS_PAGE: &str = "https://app.langdock.com/settings/workspace/products/api";

/// Field names whose values are secrets: never shown in a `repr`, a description or a log.
pub const SECRET_FIELDS: &[&str] = &["api_key", "client_secret"];

/// Header names whose values are never shown in a description (they carry credentials).
const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "x-api-key"];

/// Whether a field (snake_case or camelCase) holds a secret.
///
/// ```
/// assert!(langdock::is_secret_field("clientSecret") && langdock::is_secret_field("api_key"));
/// assert!(!langdock::is_secret_field("client_id"));
/// ```
pub fn is_secret_field(name: &str) -> bool {
    let snake: String = name
        .chars()
        .flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] })
        .collect();
    SECRET_FIELDS.contains(&snake.as_str())
}

/// The surface a client is made from: it names the `User-Agent` product and the unit of durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Face {
    /// The Rust crate (and the CLI, which adds its own suffix): durations in seconds.
    Rust,
    /// The Python package: durations in seconds.
    Python,
    /// The Node package: durations in milliseconds, as JavaScript timers count.
    Node,
}

impl Face {
    /// The `User-Agent` product of this face, e.g. `langdock-python/0.1.0`.
    pub fn user_agent(self) -> String {
        let name = match self {
            Face::Rust => "rust",
            Face::Python => "python",
            Face::Node => "node",
        };
        format!("langdock-{name}/{VERSION}")
    }

    /// Units per second of the durations this face's users give (a divisor, so that `2500` ms is exactly 2.5 s).
    fn units_per_second(self) -> f64 {
        if self == Face::Node { 1000.0 } else { 1.0 }
    }
}

/// A number as a face hands it over. Non-finite values stay representable (JSON has no NaN), so the
/// core, not the face, is the one that refuses them: `"NaN"`, `"Infinity"` and `"-Infinity"` are read as
/// those floats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Number, D::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Number, E> {
                Ok(Number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Number, E> {
                match v {
                    "NaN" => Ok(Number(f64::NAN)),
                    "Infinity" => Ok(Number(f64::INFINITY)),
                    "-Infinity" => Ok(Number(f64::NEG_INFINITY)),
                    _ => Err(E::invalid_type(de::Unexpected::Str(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

impl From<Duration> for Number {
    fn from(duration: Duration) -> Number {
        Number(duration.as_secs_f64())
    }
}

/// The computed wait before the first retry and its cap, in the face's unit: `{"initial": .., "max": ..}`
/// or a pair `[initial, max]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BackoffInput {
    /// The wait before the first retry.
    pub initial: Number,
    /// The longest computed wait.
    pub max: Number,
}

impl<'de> Deserialize<'de> for BackoffInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<BackoffInput, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Pair(Number, Number),
            Named { initial: Number, max: Number },
        }
        Ok(match Shape::deserialize(deserializer)? {
            Shape::Pair(initial, max) | Shape::Named { initial, max } => BackoffInput { initial, max },
        })
    }
}

/// What the user gave a client, every field optional, as each face hands it over. Keys are snake_case,
/// camelCase is accepted too; durations are in the face's unit (see [`Face`]); an unknown key is a
/// `ConfigurationError`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SettingsInput {
    /// The API key.
    #[serde(alias = "apiKey")]
    pub api_key: Option<String>,
    /// The base URL.
    #[serde(alias = "baseUrl")]
    pub base_url: Option<String>,
    /// A dedicated deployment's address (`/api/public` is added); conflicts with `base_url`.
    #[serde(alias = "deploymentUrl")]
    pub deployment_url: Option<String>,
    /// The time one attempt may take.
    pub timeout: Option<Number>,
    /// The time to establish a connection.
    #[serde(alias = "connectTimeout")]
    pub connect_timeout: Option<Number>,
    /// The time a whole call may take.
    pub deadline: Option<Number>,
    /// Retries after the first attempt (a number, so that a fraction or a negative is refused by the core).
    #[serde(alias = "maxRetries")]
    pub max_retries: Option<Number>,
    /// The longest `Retry-After` the client sleeps.
    #[serde(alias = "retryAfterCap")]
    pub retry_after_cap: Option<Number>,
    /// The backoff.
    pub backoff: Option<BackoffInput>,
    /// Extra headers, in order.
    #[serde(deserialize_with = "pairs", serialize_with = "pairs_as_map")]
    pub headers: Vec<(String, String)>,
    /// Appended to the face's `User-Agent`.
    #[serde(alias = "userAgentSuffix")]
    pub user_agent_suffix: Option<String>,
    /// A proxy URL for every request.
    pub proxy: Option<String>,
    /// Ignore proxy settings from the environment.
    #[serde(alias = "noProxy")]
    pub no_proxy: Option<bool>,
    /// A PEM file of extra CA certificates.
    #[serde(alias = "caBundle")]
    pub ca_bundle: Option<String>,
    /// Extra CA certificates as PEM text (one text or a list).
    #[serde(alias = "caPem", deserialize_with = "one_or_many")]
    pub ca_pem: Vec<String>,
    /// Allow plain `http://` to hosts other than loopback.
    #[serde(alias = "allowInsecureHttp")]
    pub allow_insecure_http: Option<bool>,
    /// Client-side validation on or off.
    pub validation: Option<bool>,
    /// Adaptive pacing on 429 on or off.
    #[serde(alias = "adaptivePacing")]
    pub adaptive_pacing: Option<bool>,
}

impl SettingsInput {
    /// Reads what a face was given (a dict, a JS object); a wrong key or type is a `ConfigurationError`.
    pub fn from_json(value: Value) -> Result<SettingsInput> {
        let value = match value {
            // Absent options and explicit `None`/`undefined` fields mean "not given".
            Value::Null => return Ok(SettingsInput::default()),
            Value::Object(map) => {
                let docs = setting_docs();
                if let Some(unknown) = map.keys().find(|key| !docs.iter().any(|d| d.name == *key || d.js_name == *key))
                {
                    let names: Vec<&str> = docs.iter().map(|d| d.name).collect();
                    return Err(Error::configuration(format!(
                        "unknown setting {unknown:?}; the settings are {}",
                        names.join(", ")
                    )));
                }
                Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
            }
            other => other,
        };
        serde_json::from_value(value).map_err(|e| Error::configuration(format!("invalid client settings: {e}")))
    }
}

/// Any serde data (a JavaScript object read by napi, say) as JSON for [`SettingsInput::from_json`], with
/// NaN and the infinities kept as the names [`Number`] reads, where plain JSON would lose them.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsData(pub Value);

impl<'de> Deserialize<'de> for SettingsData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<SettingsData, D::Error> {
        struct DataVisitor;
        impl<'de> Visitor<'de> for DataVisitor {
            type Value = SettingsData;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("settings data")
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<SettingsData, E> {
                Ok(SettingsData(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<SettingsData, E> {
                Ok(SettingsData(Value::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<SettingsData, D::Error> {
                SettingsData::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<SettingsData, E> {
                Ok(SettingsData(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<SettingsData, E> {
                Ok(SettingsData(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<SettingsData, E> {
                Ok(SettingsData(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<SettingsData, E> {
                Ok(SettingsData(match serde_json::Number::from_f64(v) {
                    Some(n) => Value::Number(n),
                    None => Value::String(show(v)),
                }))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<SettingsData, E> {
                Ok(SettingsData(Value::String(v.to_owned())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<SettingsData, A::Error> {
                let mut items = Vec::new();
                while let Some(SettingsData(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(SettingsData(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<SettingsData, A::Error> {
                let mut out = serde_json::Map::new();
                while let Some((key, SettingsData(value))) = map.next_entry::<String, SettingsData>()? {
                    out.insert(key, value);
                }
                Ok(SettingsData(Value::Object(out)))
            }
        }
        deserializer.deserialize_any(DataVisitor)
    }
}

fn pairs<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<(String, String)>, D::Error> {
    struct PairsVisitor;
    impl<'de> Visitor<'de> for PairsVisitor {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of header names to values")
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = map.next_entry()? {
                out.push(entry);
            }
            Ok(out)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = seq.next_element()? {
                out.push(entry);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_any(PairsVisitor)
}

fn pairs_as_map<S: serde::Serializer>(
    pairs: &[(String, String)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<Shape>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(Shape::One(one)) => vec![one],
        Some(Shape::Many(many)) => many,
    })
}

/// A client's effective settings: what [`Settings::resolve`] decided.
#[derive(Clone, PartialEq)]
pub struct Settings {
    pub(crate) face: Face,
    pub(crate) api_key: ApiKey,
    pub(crate) base_url: Url,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) user_agent: String,
    pub(crate) proxy: Option<String>,
    pub(crate) no_proxy: bool,
    pub(crate) ca_bundle: Option<PathBuf>,
    pub(crate) ca_pem: Vec<Vec<u8>>,
    pub(crate) allow_insecure_http: bool,
    pub(crate) validation: bool,
    pub(crate) adaptive_pacing: bool,
    pub(crate) log_level: LevelFilter,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Settings({})", self.describe())
    }
}

/// An environment variable's value, or `None` when it is unset or blank (an empty variable counts as unset).
fn var(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|value| !value.trim().is_empty()).map(|value| value.trim().to_owned())
}

fn given(value: &Option<String>) -> Option<String> {
    value.as_ref().filter(|v| !v.trim().is_empty()).map(|v| v.trim().to_owned())
}

/// A duration given in the face's unit: finite and not negative (`positive` also refuses zero). The message
/// names no unit and no scaled number, so that it reads the same from every face.
pub(crate) fn duration(name: &str, value: Option<Number>, face: Face, positive: bool) -> Result<Option<Duration>> {
    let Some(Number(n)) = value else { return Ok(None) };
    let problem = if !n.is_finite() {
        show(n)
    } else if n < 0.0 {
        "a negative value".to_owned()
    } else if positive && n == 0.0 {
        "0".to_owned()
    } else {
        match Duration::try_from_secs_f64(n / face.units_per_second()) {
            Ok(duration) => return Ok(Some(duration)),
            Err(_) => "a value too large".to_owned(),
        }
    };
    let wanted = if positive { "a finite, positive duration" } else { "a finite duration of 0 or more" };
    Err(Error::configuration(format!("{name} must be {wanted}, got {problem}")))
}

/// A number as JavaScript and Python would print it, so messages read the same in every language.
fn show(n: f64) -> String {
    if let Some(name) = crate::binding::non_finite_name(n) {
        name.into()
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub(crate) fn retries(what: &str, n: f64) -> Result<u32> {
    if n.is_finite() && n.fract() == 0.0 && (0.0..=f64::from(MAX_RETRIES_LIMIT)).contains(&n) {
        Ok(n as u32)
    } else {
        Err(Error::configuration(format!(
            "{what} must be a whole number from 0 to {MAX_RETRIES_LIMIT}, got {}",
            show(n)
        )))
    }
}

impl Settings {
    /// Decides a client's settings from what the user gave and the environment (`env` looks a variable
    /// up; pass `|name| std::env::var(name).ok()` for the process's). An explicit value beats the
    /// environment, which beats the default; an empty variable counts as unset.
    ///
    /// ```
    /// use langdock::{Face, Settings, SettingsInput};
    /// let input = SettingsInput { api_key: Some("sk-ld-1".into()), ..Default::default() };
    /// let settings = Settings::resolve(&input, Face::Rust, |_| None).unwrap();
    /// assert_eq!(settings.describe()["base_url"], "https://api.langdock.com/");
    /// assert_eq!(settings.describe()["api_key"], "sk-ld-…[redacted]");
    /// ```
    pub fn resolve(input: &SettingsInput, face: Face, env: impl Fn(&str) -> Option<String>) -> Result<Settings> {
        let env: &dyn Fn(&str) -> Option<String> = &env;
        let api_key = given(&input.api_key).or_else(|| var(env, env::API_KEY)).ok_or_else(|| {
            Error::configuration(format!(
                "no API key: give the client one or set {} (a key with the INTEGRATION_API scope; listing \
                 integrations also works with ASSISTANT_API). Keys are made in the workspace settings under \
                 Products → API: {API_KEYS_PAGE}",
                env::API_KEY
            ))
        })?;
        let base_url = match (given(&input.base_url), given(&input.deployment_url)) {
            (Some(_), Some(_)) => {
                return Err(Error::configuration(
                    "base_url and deployment_url were both given: give one (deployment_url is a dedicated \
                     deployment's address, base_url the API's own URL)",
                ));
            }
            (Some(url), None) => url,
            (None, Some(deployment)) => deployment_base_url(&deployment),
            (None, None) => var(env, env::BASE_URL).unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let allow_insecure_http = input.allow_insecure_http.unwrap_or(false);
        let base_url = parse_base_url(&base_url, allow_insecure_http)?;

        let defaults = RetryPolicy::default();
        let max_retries = match input.max_retries {
            Some(Number(n)) => retries("max_retries", n)?,
            None => match var(env, env::MAX_RETRIES) {
                Some(value) => match value.parse::<f64>() {
                    Ok(n) if n.is_finite() => retries(env::MAX_RETRIES, n)?,
                    _ => {
                        return Err(Error::configuration(format!(
                            "{} must be a whole number from 0 to {MAX_RETRIES_LIMIT}, got {value:?}",
                            env::MAX_RETRIES
                        )));
                    }
                },
                None => defaults.max_retries,
            },
        };
        let (initial_backoff, max_backoff) = match input.backoff {
            Some(backoff) => {
                let initial = duration("backoff.initial", Some(backoff.initial), face, false)?.unwrap_or_default();
                let max = duration("backoff.max", Some(backoff.max), face, false)?.unwrap_or_default();
                (initial, max.max(initial))
            }
            None => (defaults.initial_backoff, defaults.max_backoff),
        };
        let retry = RetryPolicy {
            max_retries,
            initial_backoff,
            max_backoff,
            retry_after_cap: duration("retry_after_cap", input.retry_after_cap, face, false)?
                .unwrap_or(defaults.retry_after_cap),
        };

        let suffix = given(&input.user_agent_suffix);
        let user_agent = match suffix {
            Some(suffix) => format!("{} {suffix}", face.user_agent()),
            None => face.user_agent(),
        };
        if reqwest::header::HeaderValue::from_str(&user_agent).is_err() {
            return Err(Error::configuration(format!(
                "user_agent_suffix {:?} has characters a header cannot carry",
                input.user_agent_suffix.as_deref().unwrap_or_default()
            )));
        }
        for (name, _) in &input.headers {
            if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("user-agent") {
                return Err(Error::configuration(format!(
                    "the header {name:?} is set by the client: give api_key or user_agent_suffix instead"
                )));
            }
        }

        Ok(Settings {
            face,
            api_key: ApiKey::new(api_key),
            base_url,
            connect_timeout: duration("connect_timeout", input.connect_timeout, face, true)?
                .unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            timeout: duration("timeout", input.timeout, face, true)?.unwrap_or(DEFAULT_TIMEOUT),
            deadline: duration("deadline", input.deadline, face, true)?.unwrap_or(DEFAULT_DEADLINE),
            retry,
            headers: input.headers.clone(),
            user_agent,
            proxy: given(&input.proxy),
            no_proxy: input.no_proxy.unwrap_or(false),
            ca_bundle: given(&input.ca_bundle).or_else(|| var(env, env::CA_BUNDLE)).map(PathBuf::from),
            ca_pem: input.ca_pem.iter().map(|pem| pem.as_bytes().to_vec()).collect(),
            allow_insecure_http,
            validation: input.validation.unwrap_or(true),
            adaptive_pacing: input.adaptive_pacing.unwrap_or(true),
            log_level: var(env, env::LOG).as_deref().and_then(parse_log_level).unwrap_or(DEFAULT_LOG_LEVEL),
        })
    }

    /// The settings as JSON, the same shape in every language: snake_case keys, durations in seconds, the
    /// key and credential headers redacted.
    pub fn describe(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                    "[redacted]".to_owned()
                } else {
                    value.clone()
                };
                (name.clone(), Value::String(shown))
            })
            .collect();
        json!({
            "api_key": self.api_key.to_string(),
            "base_url": self.base_url.as_str(),
            "connect_timeout": self.connect_timeout.as_secs_f64(),
            "timeout": self.timeout.as_secs_f64(),
            "deadline": self.deadline.as_secs_f64(),
            "max_retries": self.retry.max_retries,
            "retry_after_cap": self.retry.retry_after_cap.as_secs_f64(),
            "backoff": {"initial": self.retry.initial_backoff.as_secs_f64(), "max": self.retry.max_backoff.as_secs_f64()},
            "headers": headers,
            "user_agent": self.user_agent,
            "proxy": self.proxy,
            "no_proxy": self.no_proxy,
            "ca_bundle": self.ca_bundle.as_ref().map(|path| path.display().to_string()),
            "ca_pem_count": self.ca_pem.len(),
            "allow_insecure_http": self.allow_insecure_http,
            "validation": self.validation,
            "adaptive_pacing": self.adaptive_pacing,
            "log_level": crate::binding::log_level_name(self.log_level),
        })
    }

    /// The face these settings were made for.
    pub fn face(&self) -> Face {
        self.face
    }

    /// The log level `LANGDOCK_LOG` asked for when these settings were decided (default `warn`).
    pub fn log_level(&self) -> LevelFilter {
        self.log_level
    }
}

/// One client setting as the generated documentation of the Python and Node faces shows it: the
/// defaults quoted there come from the constants above, never from copies.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingDoc {
    /// The snake_case name (Python, Rust, the description).
    pub name: &'static str,
    /// The camelCase name (Node).
    pub js_name: &'static str,
    /// What kind of value it takes.
    pub kind: SettingKind,
    /// What it does, one sentence.
    pub doc: String,
    /// The environment variable read when it is not given.
    pub env: Option<&'static str>,
    /// The default in words, for settings that are not durations.
    pub default: Option<String>,
    /// A duration's default in seconds, shown in each face's unit (the backoff's: see
    /// [`default_backoff_seconds`]).
    pub default_seconds: Option<f64>,
}

/// The kinds of value a setting takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    /// Text.
    Text,
    /// A duration in the face's unit.
    Duration,
    /// A whole number.
    Count,
    /// On or off.
    Flag,
    /// The backoff pair.
    Backoff,
    /// Header names to values.
    Headers,
    /// PEM text.
    Pem,
}

/// Every setting a client takes, in the order the faces list them.
pub fn setting_docs() -> Vec<SettingDoc> {
    use SettingKind::*;
    let retry = RetryPolicy::default();
    let doc = |name, js_name, kind, doc: &str, env, default: Option<String>, default_seconds| SettingDoc {
        name,
        js_name,
        kind,
        doc: doc.to_owned(),
        env,
        default,
        default_seconds,
    };
    vec![
        doc(
            "api_key",
            "apiKey",
            Text,
            "The API key, never logged or shown; it needs the `INTEGRATION_API` scope.",
            Some(env::API_KEY),
            None,
            None,
        ),
        doc(
            "base_url",
            "baseUrl",
            Text,
            "The API's base URL.",
            Some(env::BASE_URL),
            Some(format!("`{DEFAULT_BASE_URL}`")),
            None,
        ),
        doc(
            "deployment_url",
            "deploymentUrl",
            Text,
            "A dedicated deployment's address, e.g. `https://langdock.acme.com` (`/api/public` is added); not together with the base URL.",
            None,
            None,
            None,
        ),
        doc(
            "timeout",
            "timeout",
            Duration,
            "The time one attempt may take.",
            None,
            None,
            Some(DEFAULT_TIMEOUT.as_secs_f64()),
        ),
        doc(
            "connect_timeout",
            "connectTimeout",
            Duration,
            "The time to establish a connection.",
            None,
            None,
            Some(DEFAULT_CONNECT_TIMEOUT.as_secs_f64()),
        ),
        doc(
            "deadline",
            "deadline",
            Duration,
            "The time a whole call may take, all attempts and waits included.",
            None,
            None,
            Some(DEFAULT_DEADLINE.as_secs_f64()),
        ),
        doc(
            "max_retries",
            "maxRetries",
            Count,
            &format!("Retries after the first attempt, 0 to {MAX_RETRIES_LIMIT}."),
            Some(env::MAX_RETRIES),
            Some(retry.max_retries.to_string()),
            None,
        ),
        doc(
            "retry_after_cap",
            "retryAfterCap",
            Duration,
            "The longest `Retry-After` the client waits; a longer one fails the call at once with `retry_after` set.",
            None,
            None,
            Some(retry.retry_after_cap.as_secs_f64()),
        ),
        doc("backoff", "backoff", Backoff, "The computed wait before the first retry, and its cap.", None, None, None),
        doc("headers", "headers", Headers, "Extra headers sent with every request.", None, None, None),
        doc("user_agent_suffix", "userAgentSuffix", Text, "Appended to the `User-Agent`.", None, None, None),
        doc(
            "proxy",
            "proxy",
            Text,
            "Send every request through this proxy (else `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`).",
            None,
            None,
            None,
        ),
        doc("no_proxy", "noProxy", Flag, "Ignore proxy settings from the environment.", None, Some("off".into()), None),
        doc(
            "ca_bundle",
            "caBundle",
            Text,
            "A PEM file of extra CA certificates to trust.",
            Some(env::CA_BUNDLE),
            None,
            None,
        ),
        doc("ca_pem", "caPem", Pem, "Extra CA certificates to trust, as PEM text.", None, None, None),
        doc(
            "allow_insecure_http",
            "allowInsecureHttp",
            Flag,
            "Allow plain `http://` to hosts other than loopback (the key then travels in clear text).",
            None,
            Some("off".into()),
            None,
        ),
        doc(
            "validation",
            "validation",
            Flag,
            "Client-side validation of every documented limit.",
            None,
            Some("on".into()),
            None,
        ),
        doc(
            "adaptive_pacing",
            "adaptivePacing",
            Flag,
            "Slow the whole client down when the service answers 429, and ease a new client in (at most 4 requests in flight at its first send, doubling every 0.1 s for 0.6 s).",
            None,
            Some("on".into()),
            None,
        ),
    ]
}

/// The default backoff (initial wait, cap) in seconds, for the generated docs.
pub fn default_backoff_seconds() -> (f64, f64) {
    let retry = RetryPolicy::default();
    (retry.initial_backoff.as_secs_f64(), retry.max_backoff.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn input(value: Value) -> SettingsInput {
        SettingsInput::from_json(value).unwrap()
    }

    #[test]
    fn node_durations_are_milliseconds_and_others_seconds() {
        let given = input(json!({"api_key": "k", "timeout": 1500}));
        let node = Settings::resolve(&given, Face::Node, |_| None).unwrap();
        assert_eq!(node.timeout, Duration::from_millis(1500));
        let python =
            Settings::resolve(&input(json!({"api_key": "k", "timeout": 1.5})), Face::Python, |_| None).unwrap();
        assert_eq!(python.timeout, Duration::from_millis(1500));
    }

    #[test]
    fn camel_case_keys_and_non_finite_numbers_are_read() {
        let given = input(json!({"apiKey": "k", "maxRetries": 3, "connectTimeout": "NaN", "caPem": "x"}));
        assert_eq!(given.api_key.as_deref(), Some("k"));
        assert!(given.connect_timeout.unwrap().0.is_nan());
        assert_eq!(given.ca_pem, vec!["x".to_owned()]);
        let error = SettingsInput::from_json(json!({"api_kee": "k"})).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration);
        assert!(error.message().contains("api_kee"), "{error}");
    }

    #[test]
    fn secret_fields_are_known_in_both_spellings() {
        assert!(is_secret_field("client_secret") && is_secret_field("apiKey"));
        assert!(!is_secret_field("label"));
    }
}
