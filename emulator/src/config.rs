//! Start-up configuration: API keys with their scopes, the optional rate limit, persistence and seeding.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The key every emulator accepts unless told otherwise; it holds both scopes.
///
/// Documented so that examples, the README and the bindings can talk to a fresh emulator without setup.
pub const DEFAULT_API_KEY: &str = "sk-ld-emulator-local";

/// The service's documented rate limit (API.md, "Rate limits"): what `--rate-limit` without a number means.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 500;

/// Default limit for JSON request bodies (1 MiB): far above every field limit of the API together.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How the emulator starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// Accepted API keys. Default: one key, [`DEFAULT_API_KEY`], with every scope.
    pub keys: Vec<ApiKey>,
    /// Requests per minute and key; `None` (the default) disables rate limiting.
    pub rate_limit_per_minute: Option<u32>,
    /// When set, the state (integrations, uploaded icons, keys added at run time) is loaded from this file at
    /// start and written back after every change, before the change is answered, and at shutdown. Each write
    /// is atomic and durable (temp file, fsync, rename, fsync of the directory): a crash, even `SIGKILL`, leaves
    /// the last complete state, holding every acknowledged change.
    pub state_file: Option<PathBuf>,
    /// Seed two Langdock-built integrations (default `true`); also what [`crate::Emulator::reset`] returns to.
    pub seed: bool,
    /// Largest accepted JSON request body in bytes (default [`DEFAULT_MAX_BODY_BYTES`]). Icon uploads have their
    /// own limit: 20 MiB of image plus multipart overhead.
    pub max_body_bytes: usize,
    /// Serve HTTPS instead of HTTP (default `false`), with a certificate authority generated at start and a
    /// certificate for `127.0.0.1`, `localhost` and `::1` signed by it. A client must trust that CA: see
    /// [`crate::Emulator::ca_pem`] and [`Config::ca_out`].
    pub tls: bool,
    /// With [`Config::tls`], where to write the CA certificate (PEM) at start, before
    /// [`crate::Emulator::start`] returns, for clients in other processes (`LANGDOCK_CA_BUNDLE`). Ignored
    /// without TLS.
    pub ca_out: Option<PathBuf>,
    /// Faults queued at start, in order, as if posted to `/_emulator/faults` (default none).
    pub faults: Vec<crate::faults::Fault>,
    /// Chaos from the start, as if posted to `/_emulator/chaos` (default off).
    pub chaos: Option<crate::faults::Chaos>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            keys: vec![ApiKey::full(DEFAULT_API_KEY)],
            rate_limit_per_minute: None,
            state_file: None,
            seed: true,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            tls: false,
            ca_out: None,
            faults: Vec::new(),
            chaos: None,
        }
    }
}

/// A permission an API key can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// `INTEGRATION_API`: every endpoint.
    #[serde(rename = "INTEGRATION_API")]
    IntegrationApi,
    /// `ASSISTANT_API`: only the list endpoint of this API.
    #[serde(rename = "ASSISTANT_API")]
    AssistantApi,
}

impl Scope {
    /// Every scope, in wire order.
    pub const ALL: [Scope; 2] = [Scope::IntegrationApi, Scope::AssistantApi];

    /// The wire name (`INTEGRATION_API` / `ASSISTANT_API`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::IntegrationApi => "INTEGRATION_API",
            Scope::AssistantApi => "ASSISTANT_API",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = String;

    /// Parses a wire name; case is ignored because people type these on a command line.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "INTEGRATION_API" => Ok(Scope::IntegrationApi),
            "ASSISTANT_API" => Ok(Scope::AssistantApi),
            other => Err(format!("unknown scope {other:?}: use INTEGRATION_API or ASSISTANT_API")),
        }
    }
}

/// An API key the emulator accepts, with the scopes it grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The secret sent as `Authorization: Bearer <key>`.
    pub key: String,
    /// What the key may call.
    pub scopes: Vec<Scope>,
}

impl ApiKey {
    /// A key holding every scope.
    pub fn full(key: impl Into<String>) -> Self {
        ApiKey { key: key.into(), scopes: Scope::ALL.to_vec() }
    }

    /// A key holding exactly `scopes` (possibly none, to test 403 answers).
    pub fn new(key: impl Into<String>, scopes: impl IntoIterator<Item = Scope>) -> Self {
        ApiKey { key: key.into(), scopes: scopes.into_iter().collect() }
    }

    /// Whether the key holds `scope`.
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

impl FromStr for ApiKey {
    type Err = String;

    /// `KEY` (every scope) or `KEY:SCOPE1,SCOPE2`. `KEY:` gives a key without scopes. The split is at the last
    /// `:` so that a key may itself contain colons.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (key, scopes) = match s.rsplit_once(':') {
            None => return non_empty_key(s).map(ApiKey::full),
            Some((key, scopes)) => (non_empty_key(key)?, scopes),
        };
        let scopes = scopes
            .split(',')
            .filter(|part| !part.trim().is_empty())
            .map(Scope::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ApiKey::new(key, scopes))
    }
}

fn non_empty_key(key: &str) -> Result<&str, String> {
    if key.trim().is_empty() { Err("empty API key: use KEY or KEY:SCOPE1,SCOPE2".to_owned()) } else { Ok(key) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_without_colon_gets_every_scope() {
        let key: ApiKey = "sk-ld-x".parse().unwrap();
        assert_eq!(key, ApiKey::full("sk-ld-x"));
    }

    #[test]
    fn key_with_scopes_parses_them_case_insensitively() {
        let key: ApiKey = "k:assistant_api".parse().unwrap();
        assert_eq!(key.scopes, vec![Scope::AssistantApi]);
        let key: ApiKey = "k:INTEGRATION_API,ASSISTANT_API".parse().unwrap();
        assert_eq!(key.scopes, Scope::ALL.to_vec());
    }

    #[test]
    fn key_with_empty_scope_list_has_no_scope_and_bad_scope_is_an_error() {
        assert!("k:".parse::<ApiKey>().unwrap().scopes.is_empty());
        assert!("k:ADMIN".parse::<ApiKey>().is_err());
        assert!(":INTEGRATION_API".parse::<ApiKey>().is_err());
    }
}
