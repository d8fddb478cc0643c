//! Options from JavaScript: durations in milliseconds become `Duration`s, counts become `u32`s; a value that is
//! not a number of the right kind is a `ConfigurationError` naming the option.

use std::collections::HashMap;
use std::time::Duration;

use napi_derive::napi;

use crate::errors::Rejection;

/// The options of `new Langdock(...)`. Absent options are read from the environment by the core, then
/// defaulted by it.
#[napi(object)]
#[derive(Default)]
pub struct ClientOptions {
    /// The API key (else `LANGDOCK_API_KEY`).
    pub api_key: Option<String>,
    /// The base URL (else `LANGDOCK_BASE_URL`, else the cloud).
    pub base_url: Option<String>,
    /// The address of a dedicated deployment; `/api/public` is added.
    pub deployment_url: Option<String>,
    /// Milliseconds one attempt may take.
    pub timeout: Option<f64>,
    /// Milliseconds to establish a connection.
    pub connect_timeout: Option<f64>,
    /// Milliseconds the whole call may take, all attempts and waits included.
    pub deadline: Option<f64>,
    /// Retries after the first attempt (else `LANGDOCK_MAX_RETRIES`).
    pub max_retries: Option<f64>,
    /// The longest `Retry-After` (milliseconds) the client waits for.
    pub retry_after_cap: Option<f64>,
    /// The computed wait before the first retry and its cap.
    pub backoff: Option<Backoff>,
    /// Extra headers for every request.
    pub headers: Option<HashMap<String, String>>,
    /// A proxy URL for every request.
    pub proxy: Option<String>,
    /// Ignore proxy settings from the environment.
    pub no_proxy: Option<bool>,
    /// A PEM file with extra CA certificates (else `LANGDOCK_CA_BUNDLE`).
    pub ca_bundle: Option<String>,
    /// Extra CA certificates as PEM text.
    pub ca_pem: Option<Vec<String>>,
    /// Allow plain `http://` to hosts other than loopback.
    pub allow_insecure_http: Option<bool>,
    /// Client-side validation on or off.
    pub validation: Option<bool>,
    /// Adaptive pacing on 429 on or off.
    pub adaptive_pacing: Option<bool>,
}

/// The backoff of the retry policy, in milliseconds.
#[napi(object)]
pub struct Backoff {
    /// The wait before the first retry.
    pub initial: f64,
    /// The longest computed wait.
    pub max: f64,
}

/// The per-call options (the `signal` stays in JavaScript and reaches the native side as a cancel).
#[napi(object)]
#[derive(Default)]
pub struct CallOptions {
    /// Milliseconds one attempt of this call may take.
    pub timeout: Option<f64>,
    /// Milliseconds this whole call may take.
    pub deadline: Option<f64>,
    /// Retries after the first attempt, for this call.
    pub max_retries: Option<f64>,
}

/// A builder for the core client, from the JavaScript options.
pub(crate) fn builder(options: ClientOptions) -> Result<langdock::ClientBuilder, Rejection> {
    let mut builder = langdock::Client::builder().user_agent(format!("langdock-node/{}", env!("CARGO_PKG_VERSION")));
    if let Some(key) = options.api_key {
        builder = builder.api_key(key);
    }
    if let Some(url) = options.base_url {
        builder = builder.base_url(url);
    }
    if let Some(url) = options.deployment_url {
        builder = builder.deployment_url(&url);
    }
    if let Some(ms) = options.timeout {
        builder = builder.timeout(millis("timeout", ms)?);
    }
    if let Some(ms) = options.connect_timeout {
        builder = builder.connect_timeout(millis("connectTimeout", ms)?);
    }
    if let Some(ms) = options.deadline {
        builder = builder.deadline(millis("deadline", ms)?);
    }
    if let Some(n) = options.max_retries {
        builder = builder.max_retries(count("maxRetries", n)?);
    }
    if let Some(ms) = options.retry_after_cap {
        builder = builder.retry_after_cap(millis("retryAfterCap", ms)?);
    }
    if let Some(backoff) = options.backoff {
        builder = builder.backoff(millis("backoff.initial", backoff.initial)?, millis("backoff.max", backoff.max)?);
    }
    for (name, value) in options.headers.unwrap_or_default() {
        builder = builder.header(name, value);
    }
    if let Some(proxy) = options.proxy {
        builder = builder.proxy(proxy);
    }
    if options.no_proxy == Some(true) {
        builder = builder.no_proxy();
    }
    if let Some(path) = options.ca_bundle {
        builder = builder.ca_bundle(path);
    }
    for pem in options.ca_pem.unwrap_or_default() {
        builder = builder.add_ca_pem(pem);
    }
    if let Some(allow) = options.allow_insecure_http {
        builder = builder.allow_insecure_http(allow);
    }
    if let Some(enabled) = options.validation {
        builder = builder.validation(enabled);
    }
    if let Some(enabled) = options.adaptive_pacing {
        builder = builder.adaptive_pacing(enabled);
    }
    Ok(builder)
}

/// The core's per-call options, from the JavaScript ones.
pub(crate) fn request_options(options: Option<CallOptions>) -> Result<langdock::RequestOptions, Rejection> {
    let options = options.unwrap_or_default();
    let mut request = langdock::RequestOptions::new();
    if let Some(ms) = options.timeout {
        request = request.timeout(millis("timeout", ms)?);
    }
    if let Some(ms) = options.deadline {
        request = request.deadline(millis("deadline", ms)?);
    }
    if let Some(n) = options.max_retries {
        request = request.max_retries(count("maxRetries", n)?);
    }
    Ok(request)
}

/// Milliseconds as a duration.
fn millis(name: &str, ms: f64) -> Result<Duration, Rejection> {
    Duration::try_from_secs_f64(ms / 1000.0)
        .map_err(|_| Rejection::configuration(format!("{name} must be a number of milliseconds >= 0, got {ms}")))
}

/// A whole number as a count.
fn count(name: &str, n: f64) -> Result<u32, Rejection> {
    if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
        Ok(n as u32)
    } else {
        Err(Rejection::configuration(format!("{name} must be a whole number >= 0, got {n}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_and_counts_convert_or_name_the_option() {
        assert_eq!(millis("timeout", 1500.0).unwrap(), Duration::from_millis(1500));
        assert!(millis("timeout", -1.0).unwrap_err().message.contains("timeout"));
        assert!(millis("timeout", f64::NAN).is_err());
        assert_eq!(count("maxRetries", 3.0).unwrap(), 3);
        assert!(count("maxRetries", -1.0).is_err());
        assert!(count("maxRetries", 1.5).is_err());
    }
}
