//! The one error type of the crate, with a [`ErrorKind`] a caller can match on.
//!
//! The kinds follow the taxonomy that all three surfaces share (SDK.md section 3):
//!
//! ```text
//! LangdockError
//! ├── APIError (any other status)
//! │   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
//! │   ├── NotFoundError 404, ConflictError 409, RateLimitError 429, InternalServerError >= 500
//! ├── APIConnectionError
//! │   └── APITimeoutError
//! ├── ValidationError   (client side, before anything is sent)
//! ├── ConfigurationError (no key, bad base URL, insecure URL)
//! └── InternalError     (a bug: native code panicked; Python and Node only)
//! ```

use std::fmt;
use std::time::Duration;

/// Result alias used by every fallible call of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, as a value to match on. The bindings map each kind to one exception class.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> langdock::Result<()> {
/// # let emulator = langdock_emulator::Emulator::start(Default::default()).await.unwrap();
/// # let client = langdock::Client::builder()
/// #     .api_key(langdock_emulator::DEFAULT_API_KEY)
/// #     .base_url(emulator.base_url())
/// #     .build()?;
/// use langdock::ErrorKind;
///
/// let unknown = "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11";
/// match client.integrations().get(unknown).await {
///     Ok(integration) => println!("{}", integration.name),
///     Err(e) if e.kind() == ErrorKind::NotFound => println!("no such integration"),
///     Err(e) if e.kind() == ErrorKind::RateLimit => println!("slow down: retry after {:?}", e.retry_after()),
///     Err(e) if e.kind() == ErrorKind::Validation => println!("nothing sent: {:?}", e.violations()),
///     Err(e) => return Err(e),
/// }
/// # emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400: the server refused the request body or an id.
    BadRequest,
    /// 401: the API key is missing, unknown or revoked.
    Authentication,
    /// 403: the key lacks the scope, or the integration is not writable (built by Langdock).
    PermissionDenied,
    /// 404: no such integration, action or trigger.
    NotFound,
    /// 409: an action or trigger with this name already exists in the integration.
    Conflict,
    /// 429: rate limited, and retrying did not help (or the server asked for too long a wait).
    RateLimit,
    /// 500 and above.
    InternalServer,
    /// Any other HTTP status, or a success status whose body could not be read as the expected JSON.
    Api,
    /// The request could not be completed: DNS, refused or reset connection, TLS, truncated body.
    Connection,
    /// An attempt timed out, or the whole-call deadline passed.
    Timeout,
    /// Client-side validation failed; nothing was sent. See [`Error::violations`].
    Validation,
    /// The client is misconfigured: no API key, a bad or insecure base URL, an unreadable CA bundle.
    Configuration,
    /// A bug in langdock: its native code panicked. The Python and Node surfaces report a caught panic as
    /// this kind (see [`crate::binding::panic_error`]); in Rust a panic stays a panic.
    Internal,
}

/// Which kind each status maps to; the statuses not listed here map to [`ErrorKind::Api`] (or
/// [`ErrorKind::InternalServer`] from 500 on).
const STATUS_KINDS: &[(u16, ErrorKind)] = &[
    (400, ErrorKind::BadRequest),
    (401, ErrorKind::Authentication),
    (403, ErrorKind::PermissionDenied),
    (404, ErrorKind::NotFound),
    (409, ErrorKind::Conflict),
    (429, ErrorKind::RateLimit),
];

impl ErrorKind {
    /// The kind of an HTTP error status.
    pub fn from_status(status: u16) -> ErrorKind {
        STATUS_KINDS.iter().find(|(s, _)| *s == status).map(|(_, kind)| *kind).unwrap_or(if status >= 500 {
            ErrorKind::InternalServer
        } else {
            ErrorKind::Api
        })
    }

    /// The class name the Python and Node surfaces use for this kind, e.g. `"RateLimitError"`.
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "BadRequestError",
            ErrorKind::Authentication => "AuthenticationError",
            ErrorKind::PermissionDenied => "PermissionDeniedError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Conflict => "ConflictError",
            ErrorKind::RateLimit => "RateLimitError",
            ErrorKind::InternalServer => "InternalServerError",
            ErrorKind::Api => "APIError",
            ErrorKind::Connection => "APIConnectionError",
            ErrorKind::Timeout => "APITimeoutError",
            ErrorKind::Validation => "ValidationError",
            ErrorKind::Configuration => "ConfigurationError",
            ErrorKind::Internal => "InternalError",
        }
    }

    /// A stable machine-readable code, e.g. `"rate_limit"` (the `code` property in Node).
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Authentication => "authentication",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::RateLimit => "rate_limit",
            ErrorKind::InternalServer => "internal_server",
            ErrorKind::Api => "api_error",
            ErrorKind::Connection => "connection",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Validation => "validation",
            ErrorKind::Configuration => "configuration",
            ErrorKind::Internal => "internal",
        }
    }

    /// True for the kinds that carry an HTTP status from the server (the `APIError` family).
    pub fn is_api(self) -> bool {
        matches!(
            self,
            ErrorKind::BadRequest
                | ErrorKind::Authentication
                | ErrorKind::PermissionDenied
                | ErrorKind::NotFound
                | ErrorKind::Conflict
                | ErrorKind::RateLimit
                | ErrorKind::InternalServer
                | ErrorKind::Api
        )
    }

    /// True for [`ErrorKind::Connection`] and [`ErrorKind::Timeout`] (the `APIConnectionError` family).
    pub fn is_connection(self) -> bool {
        matches!(self, ErrorKind::Connection | ErrorKind::Timeout)
    }
}

/// One problem found by client-side validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, in the request's JSON names: `name`, `inputFields[2].label`, `integrationId`.
    pub path: String,
    /// What is wrong, e.g. `must be at most 40 characters (UTF-16 code units), got 41`.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error of every call: a [`kind`](Error::kind) plus everything known about the failure.
///
/// It never contains the API key: not in its message, its `Debug` output, or its headers.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> langdock::Result<()> {
/// # let emulator = langdock_emulator::Emulator::start(Default::default()).await.unwrap();
/// # let client = langdock::Client::builder()
/// #     .api_key(langdock_emulator::DEFAULT_API_KEY)
/// #     .base_url(emulator.base_url())
/// #     .build()?;
/// use langdock::{CreateIntegration, ErrorKind};
///
/// // Validation runs before anything is sent: every violation is reported at once.
/// let too_long = CreateIntegration::new("x".repeat(41));
/// let error = client.integrations().create(&too_long).await.unwrap_err();
/// assert_eq!(error.kind(), ErrorKind::Validation);
/// assert_eq!(error.attempts(), 0);
/// for violation in error.violations() {
///     println!("{violation}"); // name: must be at most 40 characters ...
/// }
/// # emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    body: Option<String>,
    headers: Vec<(String, String)>,
    request_id: Option<String>,
    attempts: u32,
    retry_after: Option<Duration>,
    maybe_created: bool,
    after_ambiguous_attempt: bool,
    untrusted_certificate: bool,
    violations: Vec<Violation>,
    source: Option<Source>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            status: None,
            body: None,
            headers: Vec::new(),
            request_id: None,
            attempts: 0,
            retry_after: None,
            maybe_created: false,
            after_ambiguous_attempt: false,
            untrusted_certificate: false,
            violations: Vec::new(),
            source: None,
        }))
    }

    pub(crate) fn configuration(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Configuration, message)
    }

    pub(crate) fn validation(violations: Vec<Violation>) -> Error {
        let listed: Vec<String> = violations.iter().map(Violation::to_string).collect();
        let noun = if violations.len() == 1 { "problem" } else { "problems" };
        let mut error = Error::new(
            ErrorKind::Validation,
            format!("invalid request ({} {noun}, nothing was sent): {}", violations.len(), listed.join("; ")),
        );
        error.0.violations = violations;
        error
    }

    pub(crate) fn with_status(mut self, status: u16) -> Error {
        self.0.status = Some(status);
        self
    }

    pub(crate) fn with_body(mut self, body: Option<String>) -> Error {
        self.0.body = body;
        self
    }

    pub(crate) fn with_headers(mut self, headers: Vec<(String, String)>) -> Error {
        self.0.headers = headers;
        self
    }

    pub(crate) fn with_request_id(mut self, request_id: Option<String>) -> Error {
        self.0.request_id = request_id;
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Error {
        self.0.attempts = attempts;
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Error {
        self.0.retry_after = retry_after;
        self
    }

    pub(crate) fn with_maybe_created(mut self, maybe_created: bool) -> Error {
        self.0.maybe_created = maybe_created;
        self
    }

    pub(crate) fn with_untrusted_certificate(mut self) -> Error {
        self.0.untrusted_certificate = true;
        self
    }

    pub(crate) fn with_after_ambiguous_attempt(mut self, ambiguous: bool) -> Error {
        self.0.after_ambiguous_attempt = ambiguous;
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<Source>) -> Error {
        self.0.source = Some(source.into());
        self
    }

    pub(crate) fn append_message(mut self, extra: &str) -> Error {
        self.0.message.push_str(extra);
        self
    }

    /// What went wrong, as a value to match on.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The human-readable message (also what `Display` prints).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The HTTP status the server answered with, for the `APIError` family.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The raw response body (the first 64 KiB of it), when the server sent one.
    pub fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }

    /// The response headers, lower-case names, in the order received.
    pub fn headers(&self) -> &[(String, String)] {
        &self.0.headers
    }

    /// The request id: the server's `x-request-id`, else the one this client sent.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// How many HTTP attempts were made (0 when nothing was sent, e.g. validation errors).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// The wait the server asked for with `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// True when a create may have taken effect although it failed, so creating again could make a
    /// duplicate: an integration create that failed ambiguously (timeout, reset, 5xx after the body
    /// was sent; the client does not retry it because integration names are not unique), or any
    /// create answered 2xx with a body that could not be read (an action or trigger create then
    /// reads the item back and returns it; this is set when it was not found). List or get to check
    /// before creating again. Never set when the answer proves nothing was applied (a redirect, a
    /// 4xx other than 409).
    pub fn maybe_created(&self) -> bool {
        self.0.maybe_created
    }

    /// Whether the connection failed because the server's certificate is not trusted (an unknown CA, another
    /// host's name, expired): trusting the right CA (`ca_pem`, `LANGDOCK_CA_BUNDLE`) is the remedy, not a retry.
    pub fn untrusted_certificate(&self) -> bool {
        self.0.untrusted_certificate
    }

    /// Whether an earlier attempt of this call failed in a way that may have taken effect.
    pub(crate) fn after_ambiguous_attempt(&self) -> bool {
        self.0.after_ambiguous_attempt
    }

    /// Whether the server answered 2xx (it applied the request) but the body could not be read.
    pub(crate) fn is_unreadable_success(&self) -> bool {
        self.0.kind == ErrorKind::Api && self.0.status.is_some_and(|status| (200..300).contains(&status))
    }

    /// Every violation found by client-side validation (empty for other kinds).
    pub fn violations(&self) -> &[Violation] {
        &self.0.violations
    }

    /// The header value for `name` (case-insensitive), if the response had it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.0.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.0;
        let mut debug = f.debug_struct("Error");
        debug
            .field("kind", &inner.kind)
            .field("message", &inner.message)
            .field("status", &inner.status)
            .field("request_id", &inner.request_id)
            .field("attempts", &inner.attempts);
        if let Some(retry_after) = inner.retry_after {
            debug.field("retry_after", &retry_after);
        }
        if inner.maybe_created {
            debug.field("maybe_created", &true);
        }
        if !inner.violations.is_empty() {
            debug.field("violations", &inner.violations);
        }
        if let Some(source) = &inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_shared_taxonomy() {
        assert_eq!(ErrorKind::from_status(400), ErrorKind::BadRequest);
        assert_eq!(ErrorKind::from_status(401), ErrorKind::Authentication);
        assert_eq!(ErrorKind::from_status(403), ErrorKind::PermissionDenied);
        assert_eq!(ErrorKind::from_status(404), ErrorKind::NotFound);
        assert_eq!(ErrorKind::from_status(409), ErrorKind::Conflict);
        assert_eq!(ErrorKind::from_status(429), ErrorKind::RateLimit);
        assert_eq!(ErrorKind::from_status(500), ErrorKind::InternalServer);
        assert_eq!(ErrorKind::from_status(503), ErrorKind::InternalServer);
        assert_eq!(ErrorKind::from_status(413), ErrorKind::Api);
        assert_eq!(ErrorKind::from_status(418), ErrorKind::Api);
    }

    #[test]
    fn families_are_disjoint() {
        for kind in [ErrorKind::Connection, ErrorKind::Timeout] {
            assert!(kind.is_connection() && !kind.is_api());
        }
        for kind in [ErrorKind::Validation, ErrorKind::Configuration, ErrorKind::Internal] {
            assert!(!kind.is_connection() && !kind.is_api());
        }
        assert!(ErrorKind::RateLimit.is_api());
    }

    #[test]
    fn validation_error_lists_every_violation() {
        let error = Error::validation(vec![
            Violation { path: "name".into(), message: "is required".into() },
            Violation { path: "inputFields[0].label".into(), message: "is too long".into() },
        ]);
        assert_eq!(error.kind(), ErrorKind::Validation);
        assert!(error.to_string().contains("name: is required"));
        assert!(error.to_string().contains("inputFields[0].label: is too long"));
        assert_eq!(error.violations().len(), 2);
    }
}
