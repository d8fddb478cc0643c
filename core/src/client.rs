//! The client, its builder and its configuration.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use std::collections::HashMap;

pub use crate::api_key::ApiKey;
use crate::error::{Error, Result};
use crate::settings::{BackoffInput, Face, Number, Settings, SettingsInput};
use crate::transport::{CallSettings, Transport};

/// The base URL of Langdock's cloud.
pub const DEFAULT_BASE_URL: &str = "https://api.langdock.com";
/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time one attempt may take, from connecting to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default time a whole call may take: every attempt and every wait between them.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(180);
/// The crate version, sent in the `User-Agent`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The environment variables the client reads when a setting is not given.
pub mod env {
    /// The API key.
    pub const API_KEY: &str = "LANGDOCK_API_KEY";
    /// The base URL.
    pub const BASE_URL: &str = "LANGDOCK_BASE_URL";
    /// The default number of retries.
    pub const MAX_RETRIES: &str = "LANGDOCK_MAX_RETRIES";
    /// A PEM file with extra CA certificates to trust.
    pub const CA_BUNDLE: &str = "LANGDOCK_CA_BUNDLE";
    /// The log level: off, error, warn, info, debug.
    pub const LOG: &str = "LANGDOCK_LOG";
}

/// The base URL of a dedicated deployment, from its address: `https://langdock.acme.com` gives
/// `https://langdock.acme.com/api/public`. An address that already ends in `/api/public` is kept.
///
/// ```
/// assert_eq!(
///     langdock::deployment_base_url("https://langdock.acme.com/"),
///     "https://langdock.acme.com/api/public"
/// );
/// ```
pub fn deployment_base_url(deployment_url: &str) -> String {
    let trimmed = deployment_url.trim().trim_end_matches('/');
    if trimmed.ends_with("/api/public") { trimmed.to_owned() } else { format!("{trimmed}/api/public") }
}

/// Settings that can change per call: see [`Client::with_options`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    /// The time one attempt may take.
    pub timeout: Option<Duration>,
    /// The time the whole call may take, all attempts and waits included.
    pub deadline: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> RequestOptions {
        RequestOptions::default()
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> RequestOptions {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the whole-call deadline.
    pub fn deadline(mut self, deadline: Duration) -> RequestOptions {
        self.deadline = Some(deadline);
        self
    }

    /// Sets the number of retries.
    pub fn max_retries(mut self, max_retries: u32) -> RequestOptions {
        self.max_retries = Some(max_retries);
        self
    }
}

/// A client of the Langdock Integrations API. Cheap to clone; clones share connections, the
/// retry budget and the adaptive pacing.
///
/// ```no_run
/// # async fn run() -> langdock::Result<()> {
/// let client = langdock::Client::from_env()?; // LANGDOCK_API_KEY, LANGDOCK_BASE_URL
/// for integration in client.integrations().list().await?.iter() {
///     println!("{} {}", integration.id, integration.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) transport: Arc<Transport>,
    pub(crate) settings: CallSettings,
    /// The settings the client was made with, to describe them.
    decided: Arc<Settings>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.transport.base_url().as_str())
            .field("api_key", &self.transport.api_key())
            .field("timeout", &self.settings.timeout)
            .field("deadline", &self.settings.deadline)
            .field("max_retries", &self.settings.retry.max_retries)
            .finish()
    }
}

impl Client {
    /// A client configured from the environment (`LANGDOCK_API_KEY`, `LANGDOCK_BASE_URL`,
    /// `LANGDOCK_MAX_RETRIES`, `LANGDOCK_CA_BUNDLE`, proxy variables) and the defaults.
    pub fn from_env() -> Result<Client> {
        Client::builder().build()
    }

    /// A builder; what it is not told, it reads from the environment, then the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A copy of this client whose calls use these options (connections, budget and pacing are
    /// shared with the original).
    ///
    /// ```no_run
    /// # async fn run(client: langdock::Client) -> langdock::Result<()> {
    /// use std::time::Duration;
    /// let patient = client.with_options(langdock::RequestOptions::new().max_retries(5).timeout(Duration::from_secs(5)));
    /// patient.integrations().list().await?;
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Client {
        let mut client = self.clone();
        if let Some(timeout) = options.timeout {
            client.settings.timeout = timeout;
        }
        if let Some(deadline) = options.deadline {
            client.settings.deadline = deadline;
        }
        if let Some(max_retries) = options.max_retries {
            client.settings.retry.max_retries = max_retries;
        }
        client
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &Url {
        self.transport.base_url()
    }

    /// The tokens left in the client-wide retry budget (500 when full).
    pub fn retry_budget(&self) -> u32 {
        self.transport.budget().available()
    }

    /// The send rate (requests per second) adaptive pacing currently allows, or `None` while the
    /// service has not rate-limited this client.
    pub fn paced_rate(&self) -> Option<f64> {
        self.transport.pacer_rate()
    }
}

/// Builds a [`Client`]. Every setting is optional; what is not given is decided by
/// [`Settings::resolve`] from the environment, then the defaults.
pub struct ClientBuilder {
    input: SettingsInput,
    face: Face,
    environment: Option<HashMap<String, String>>,
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder { input: SettingsInput::default(), face: Face::Rust, environment: None }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.input.api_key.as_ref().map(|key| ApiKey::new(key.clone())))
            .field("base_url", &self.input.base_url)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder from what a face was given (the Python and Node bindings and the CLI hand their
    /// settings over this way); the face names the `User-Agent` and the unit of durations.
    pub fn from_input(input: SettingsInput, face: Face) -> ClientBuilder {
        ClientBuilder { input, face, environment: None }
    }

    /// Reads `LANGDOCK_*` settings from these variables instead of the process environment (e.g. a
    /// configuration file's, or a test's).
    pub fn environment<K: Into<String>, V: Into<String>>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self {
        self.environment = Some(vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect());
        self
    }

    /// The API key (else `LANGDOCK_API_KEY`). It needs the `INTEGRATION_API` scope.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.input.api_key = Some(key.into());
        self
    }

    /// The base URL (else `LANGDOCK_BASE_URL`, else `https://api.langdock.com`). For a dedicated
    /// deployment, see [`ClientBuilder::deployment_url`]; giving both is a configuration error.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.input.base_url = Some(url.into());
        self
    }

    /// The address of a dedicated deployment (`/api/public` is added); giving a base URL too is a
    /// configuration error.
    pub fn deployment_url(mut self, url: impl Into<String>) -> Self {
        self.input.deployment_url = Some(url.into());
        self
    }

    /// The time to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.input.connect_timeout = Some(timeout.into());
        self
    }

    /// The time one attempt may take (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.input.timeout = Some(timeout.into());
        self
    }

    /// The time a whole call may take, all attempts and waits included (default 180 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.input.deadline = Some(deadline.into());
        self
    }

    /// Retries after the first attempt, at most [`crate::MAX_RETRIES_LIMIT`] (else `LANGDOCK_MAX_RETRIES`, else 2).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.input.max_retries = Some(Number(f64::from(max_retries)));
        self
    }

    /// The longest `Retry-After` the client sleeps (default 60 s); a longer one fails the call at
    /// once with a rate-limit error that carries `retry_after`.
    pub fn retry_after_cap(mut self, cap: Duration) -> Self {
        self.input.retry_after_cap = Some(cap.into());
        self
    }

    /// The computed wait before the first retry and its cap (default 0.5 s doubling up to 8 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.input.backoff = Some(BackoffInput { initial: initial.into(), max: max.into() });
        self
    }

    /// An extra header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.input.headers.push((name.into(), value.into()));
        self
    }

    /// Appended to the `User-Agent` (`langdock-rust/<version> <suffix>`), e.g. your application's name.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.input.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Sends every request through this proxy (else `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.input.proxy = Some(url.into());
        self
    }

    /// Ignores proxy settings from the environment.
    pub fn no_proxy(mut self) -> Self {
        self.input.no_proxy = Some(true);
        self
    }

    /// A PEM file of extra CA certificates to trust besides the system's roots and the bundled Mozilla
    /// (webpki) roots (else `LANGDOCK_CA_BUNDLE`): dedicated deployments often use an internal CA.
    pub fn ca_bundle(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.input.ca_bundle = Some(path.into().to_string_lossy().into_owned());
        self
    }

    /// Extra CA certificates to trust, as PEM text (besides the system's, the bundled and the bundle's).
    pub fn add_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.input.ca_pem.push(String::from_utf8_lossy(&pem.into()).into_owned());
        self
    }

    /// Allows plain `http://` to hosts other than loopback. The key then travels in clear text:
    /// only for networks you trust completely.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.input.allow_insecure_http = Some(allow);
        self
    }

    /// Turns client-side validation on or off (default on): off for when the service's limits
    /// change before this client does.
    pub fn validation(mut self, enabled: bool) -> Self {
        self.input.validation = Some(enabled);
        self
    }

    /// Turns adaptive pacing on or off (default on): the send rate slows on 429s, and a new client
    /// eases in (at most 4 requests in flight at its first send, doubling every 0.1 s for 0.6 s).
    pub fn adaptive_pacing(mut self, enabled: bool) -> Self {
        self.input.adaptive_pacing = Some(enabled);
        self
    }

    /// The settings this builder would give a client, decided but not yet used (nothing is read from disk).
    pub fn settings(&self) -> Result<Settings> {
        match &self.environment {
            Some(vars) => Settings::resolve(&self.input, self.face, |name| vars.get(name).cloned()),
            None => Settings::resolve(&self.input, self.face, |name| std::env::var(name).ok()),
        }
    }

    /// Builds the client, or explains what is missing or wrong.
    pub fn build(self) -> Result<Client> {
        Client::from_settings(self.settings()?)
    }
}

impl Client {
    /// A client with these decided settings (see [`Settings::resolve`]); reads the CA files they name.
    pub fn from_settings(settings: Settings) -> Result<Client> {
        let mut http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .tcp_keepalive(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none());
        if settings.no_proxy {
            http = http.no_proxy();
        }
        if let Some(proxy) = &settings.proxy {
            let proxy = reqwest::Proxy::all(proxy)
                .map_err(|e| Error::configuration(format!("invalid proxy URL {proxy:?}: {e}")).with_source(e))?;
            http = http.proxy(proxy);
        }
        let http = crate::http_client::add_trust_roots(http, settings.ca_pem.clone(), settings.ca_bundle.clone())?;
        let http = http
            .build()
            .map_err(|e| Error::configuration(format!("cannot build the HTTP client: {e}")).with_source(e))?;

        let transport = Transport::new(
            http,
            settings.base_url.clone(),
            settings.api_key.clone(),
            settings.user_agent.clone(),
            settings.headers.clone(),
            settings.adaptive_pacing,
        )?;
        Ok(Client {
            transport: Arc::new(transport),
            settings: CallSettings {
                timeout: settings.timeout,
                deadline: settings.deadline,
                retry: settings.retry.clone(),
                validate: settings.validation,
            },
            decided: Arc::new(settings),
        })
    }

    /// This client's effective settings, per-call options from [`Client::with_options`] included;
    /// [`Settings::describe`] shows them with the key redacted.
    pub fn settings(&self) -> Settings {
        let mut settings = (*self.decided).clone();
        settings.timeout = self.settings.timeout;
        settings.deadline = self.settings.deadline;
        settings.retry = self.settings.retry.clone();
        settings.validation = self.settings.validate;
        settings
    }
}

/// Parses and checks a base URL: http(s) only, and plain http only to loopback unless allowed.
pub(crate) fn parse_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url> {
    let url = Url::parse(raw.trim()).map_err(|e| {
        Error::configuration(format!("invalid base URL {raw:?}: {e} (expected e.g. {DEFAULT_BASE_URL})"))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::configuration(format!(
                "refusing plain http:// to {}: the API key would travel in clear text; use https://, \
                 or allow_insecure_http for a network you trust",
                url.host_str().unwrap_or("?")
            )));
        }
        other => {
            return Err(Error::configuration(format!("invalid base URL {raw:?}: scheme {other:?} is not http(s)")));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::configuration(format!("invalid base URL {raw:?}: no query or fragment allowed")));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_urls_get_the_public_api_path_once() {
        assert_eq!(deployment_base_url("https://ld.acme.com"), "https://ld.acme.com/api/public");
        assert_eq!(deployment_base_url("https://ld.acme.com/"), "https://ld.acme.com/api/public");
        assert_eq!(deployment_base_url("https://ld.acme.com/api/public/"), "https://ld.acme.com/api/public");
    }

    #[test]
    fn plain_http_is_refused_except_to_loopback() {
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "https://api.langdock.com"] {
            assert!(parse_base_url(ok, false).is_ok(), "{ok}");
        }
        let error = parse_base_url("http://api.example.com", false).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Configuration);
        assert!(error.to_string().contains("clear text"));
        assert!(parse_base_url("http://api.example.com", true).is_ok());
        assert!(parse_base_url("ftp://x", false).is_err());
        assert!(parse_base_url("not a url", false).is_err());
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let client = Client::builder().api_key("sk-ld-very-secret").base_url("http://127.0.0.1:1").build().unwrap();
        let shown = format!("{client:?} {:?}", Client::builder().api_key("sk-ld-very-secret"));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn missing_key_names_the_variable_and_scope() {
        let no_vars: [(&str, &str); 0] = [];
        let error =
            Client::builder().api_key("  ").base_url("http://127.0.0.1:1").environment(no_vars).build().unwrap_err();
        assert!(error.to_string().contains("LANGDOCK_API_KEY"));
        assert!(error.to_string().contains("INTEGRATION_API"));
        assert!(error.to_string().contains(crate::settings::API_KEYS_PAGE));
    }

    #[test]
    fn the_bundled_roots_include_well_known_public_roots() {
        let roots: Vec<&[u8]> = webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().map(|der| der.as_ref()).collect();
        assert_eq!(
            crate::http_client::bundled_roots().count(),
            roots.len(),
            "every bundled root is handed to the TLS stack"
        );
        assert!(roots.len() > 100, "{} roots", roots.len());
        // Subject names as they appear in the DER: Let's Encrypt's root and a widely used commercial one.
        for name in ["ISRG Root X1", "DigiCert Global Root G2"] {
            assert!(
                roots.iter().any(|der| der.windows(name.len()).any(|window| window == name.as_bytes())),
                "{name} is bundled"
            );
        }
    }

    #[test]
    fn per_call_options_override_only_what_they_name() {
        let client = Client::builder().api_key("k").base_url("http://127.0.0.1:1").max_retries(4).build().unwrap();
        let changed = client.with_options(RequestOptions::new().timeout(Duration::from_secs(1)));
        assert_eq!(changed.settings.timeout, Duration::from_secs(1));
        assert_eq!(changed.settings.retry.max_retries, 4);
        assert_eq!(changed.settings.deadline, DEFAULT_DEADLINE);
    }
}
