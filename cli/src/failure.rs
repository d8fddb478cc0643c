//! How a failed command is reported: one clear line, the details under it, and a hint of what to do.

use langdock::ErrorKind;

/// A command's failure, printed to stderr with exit code 1.
#[derive(Debug)]
pub struct Failure {
    message: String,
    details: Vec<String>,
    hint: Option<String>,
}

impl Failure {
    /// A mistake in how the command was called.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), details: Vec::new(), hint: None }
    }

    /// A problem with a file, e.g. an invalid manifest.
    pub fn file(path: &std::path::Path, message: impl std::fmt::Display) -> Failure {
        Failure::usage(format!("{}: {message}", path.display()))
    }

    /// Adds a line under the message.
    pub fn detail(mut self, line: impl Into<String>) -> Failure {
        self.details.push(line.into());
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    /// Prints the failure to stderr.
    pub fn print(&self) {
        eprintln!("error: {}", self.message);
        for line in &self.details {
            eprintln!("  {line}");
        }
        if let Some(hint) = &self.hint {
            eprintln!("hint: {hint}");
        }
    }
}

impl From<langdock::Error> for Failure {
    fn from(error: langdock::Error) -> Failure {
        let mut failure = if error.kind() == ErrorKind::Validation {
            let mut failure =
                Failure::usage(format!("invalid request ({} problems, nothing was sent)", error.violations().len()));
            for violation in error.violations() {
                failure = failure.detail(violation.to_string());
            }
            failure
        } else {
            Failure::usage(error.to_string())
        };
        failure.hint = Some(hint(&error));
        failure
    }
}

/// What to do about an error of the core, by kind.
fn hint(error: &langdock::Error) -> String {
    let request = error.request_id().map(|id| format!(" (request id {id})")).unwrap_or_default();
    if error.maybe_created() {
        return "run `langdock integrations list` to check whether it exists before creating it again".into();
    }
    match error.kind() {
        ErrorKind::Authentication => {
            "check the API key (--api-key or LANGDOCK_API_KEY): it is missing, mistyped or revoked".into()
        }
        ErrorKind::PermissionDenied => {
            "the key needs the INTEGRATION_API scope, and integrations built by Langdock cannot be changed".into()
        }
        ErrorKind::NotFound => {
            "check the id: `langdock integrations list` and `langdock integrations get ID` show them".into()
        }
        ErrorKind::Conflict => {
            "an action or trigger with this name exists: choose another name, or update that one".into()
        }
        ErrorKind::RateLimit => match error.retry_after() {
            Some(wait) => format!("the service is rate limiting: try again in {} s", wait.as_secs().max(1)),
            None => "the service is rate limiting: try again in a minute".into(),
        },
        ErrorKind::InternalServer => format!("the service failed; try again later{request}"),
        ErrorKind::BadRequest => "the service refused the request: check the fields named above".into(),
        ErrorKind::Connection => {
            "check the base URL (--base-url, LANGDOCK_BASE_URL), your network and proxy settings".into()
        }
        ErrorKind::Timeout => "the service is slow: raise --timeout, or try again".into(),
        ErrorKind::Validation => "fix the fields listed above (--no-validate skips the client's checks)".into(),
        ErrorKind::Configuration => "see the message above; `langdock --help` lists the flags and variables".into(),
        _ => format!("unexpected answer{request}"),
    }
}
