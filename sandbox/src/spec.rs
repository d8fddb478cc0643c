//! What a run is given ([`RunSpec`]) and what it reports ([`Outcome`]): plain serde data with camelCase JSON, so
//! the CLI and the Python and Node bindings pass JSON through and decide nothing themselves.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The platform's default time limit for one run, in seconds (research section 2.2).
pub const DEFAULT_TIME_LIMIT_SECONDS: f64 = 120.0;
/// The platform's default memory limit for one run, in MiB (research section 2.2).
pub const DEFAULT_MEMORY_LIMIT_MB: u64 = 128;

/// Which kind of integration code runs: it decides which globals are set and how the result is checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An action's `code`: returns any JSON-serialisable value, optionally with `files`.
    #[default]
    Action,
    /// A trigger's `pollingCode`: returns an array of `{id, timestamp, data}` events; gets `lastPollTime`.
    Trigger,
    /// Authentication code (API-key test request, OAuth URL/token/test code): gets `env`.
    Auth,
}

/// Where `ld.request` traffic goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
pub enum Http {
    /// Real requests, nothing written.
    #[default]
    Live,
    /// Real requests, each written (secrets redacted) to the cassette at this path when the run ends.
    Record {
        /// The cassette file to write (pretty-printed JSON).
        cassette: PathBuf,
    },
    /// No network: every request is answered from the cassette at this path, or fails with `replay_miss`.
    Replay {
        /// The cassette file to read.
        cassette: PathBuf,
    },
}

/// One run of integration code: the code, what it is given, and its limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunSpec {
    /// The code: the body of an async function (top-level `await` and `return` allowed).
    pub code: String,
    /// The file name used in error locations (`file:line:column`).
    #[serde(default = "default_file_name")]
    pub file_name: String,
    /// Action, trigger or auth code.
    #[serde(default)]
    pub kind: Kind,
    /// `data.input`: the input fields' values, keyed by field id.
    #[serde(default)]
    pub input: Map<String, Value>,
    /// `data.auth`: the connection's auth fields (incl. `access_token` for OAuth); redacted from every record.
    #[serde(default)]
    pub auth: Map<String, Value>,
    /// `env` for OAuth code (`CLIENT_ID`, `CLIENT_SECRET`); redacted from every record.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// `lastPollTime` for trigger code (the platform's type is unknown; passed as given).
    #[serde(default)]
    pub last_poll_time: Option<String>,
    /// Wall-clock limit of the whole run, in seconds.
    #[serde(default = "default_time_limit")]
    pub time_limit_seconds: f64,
    /// Heap limit of the JavaScript engine, in MiB.
    #[serde(default = "default_memory_limit")]
    pub memory_limit_mb: u64,
    /// Live, record or replay.
    #[serde(default)]
    pub http: Http,
}

fn default_file_name() -> String {
    "code.js".to_owned()
}
fn default_time_limit() -> f64 {
    DEFAULT_TIME_LIMIT_SECONDS
}
fn default_memory_limit() -> u64 {
    DEFAULT_MEMORY_LIMIT_MB
}

impl RunSpec {
    /// An action run of `code` with every other field at its default.
    pub fn new(code: impl Into<String>) -> Self {
        RunSpec {
            code: code.into(),
            file_name: default_file_name(),
            kind: Kind::default(),
            input: Map::new(),
            auth: Map::new(),
            env: BTreeMap::new(),
            last_poll_time: None,
            time_limit_seconds: DEFAULT_TIME_LIMIT_SECONDS,
            memory_limit_mb: DEFAULT_MEMORY_LIMIT_MB,
            http: Http::Live,
        }
    }
}

/// Why a run failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The code does not parse.
    Syntax,
    /// The code threw (or its promise rejected).
    Thrown,
    /// The run passed its time limit.
    Timeout,
    /// The run passed its memory limit.
    Memory,
    /// The code called something the platform documents but this sandbox does not emulate (Parquet/Arrow).
    Unsupported,
    /// Replay mode: the cassette has no answer for a request the code made.
    ReplayMiss,
    /// The spec itself is unusable (bad limits, unreadable cassette).
    InvalidSpec,
}

/// A failure, located in the user's file where that is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What happened, in words.
    pub message: String,
    /// The user's file name, when the failure has a location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line in the user's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in the user's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl RunError {
    /// A failure without a location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        RunError { kind, message: message.into(), file: None, line: None, column: None }
    }
}

impl std::fmt::Display for RunError {
    /// `file:line:column: message` when located, else the message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(column)) => write!(f, "{file}:{line}:{column}: {}", self.message),
            (Some(file), Some(line), None) => write!(f, "{file}:{line}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for RunError {}

/// One `ld.log` / `console.log` call, its arguments joined by spaces (objects as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    /// The logged text.
    pub message: String,
}

/// One `ld.request` / `ld.awsRequest` the code made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Full URL with query parameters, auth values redacted.
    pub url: String,
    /// Response status; `None` when no response came (connection error, timeout, replay miss).
    pub status: Option<u16>,
    /// Time until the response (or the failure), in milliseconds.
    pub duration_ms: u64,
}

/// Something that probably works differently on the platform, with its location in the user's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// What was found and what to use instead.
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// True when the code returned (even if the result has violations).
    pub ok: bool,
    /// The returned value as JSON (`Buffer`/`ArrayBuffer`/typed arrays as base64 strings, as in a file's `base64`).
    pub result: Option<Value>,
    /// Why the run failed, when `ok` is false.
    pub error: Option<RunError>,
    /// `ld.log` and `console.log` lines, in order.
    pub logs: Vec<LogLine>,
    /// Every `ld.request`, in the order they were made.
    pub requests: Vec<RequestRecord>,
    /// Names the platform probably lacks (conflict C6), with the documented equivalent.
    pub warnings: Vec<Warning>,
    /// Ways the result breaks what the platform expects of this kind of code (research sections 7 to 9).
    pub violations: Vec<String>,
}

impl Outcome {
    /// A failed outcome with nothing else to report.
    pub(crate) fn failed(error: RunError) -> Self {
        Outcome {
            ok: false,
            result: None,
            error: Some(error),
            logs: Vec::new(),
            requests: Vec::new(),
            warnings: Vec::new(),
            violations: Vec::new(),
        }
    }
}
