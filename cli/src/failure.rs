//! How a failed command is reported: one clear line, the details under it, and a hint of what to do;
//! with `--json`, one JSON object on stderr instead. The exit code tells scripts what kind of failure
//! it was, from one table ([`EXIT_CODES`]) that `langdock --help` and the README show.

use std::process::ExitCode;

use langdock::{ErrorKind, Violation};
use serde::Serialize;

/// What an exit code tells a script. [`EXIT_CODES`] gives each its number and its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The command did what it was asked (for `plan --exit-code`: and there is nothing to apply).
    Success,
    /// An API error not listed below (e.g. a 400), a local failure such as an unwritable file, or (`run`,
    /// `test`) code that did not parse, threw, broke a limit or returned what the platform refuses.
    Other,
    /// `plan --exit-code` only: there are changes to apply.
    ChangesPending,
    /// No API key, a bad base URL, an unreadable CA bundle.
    Configuration,
    /// Client-side validation refused the request; nothing was sent.
    Validation,
    /// 401 or 403: the key is wrong or lacks a permission.
    Denied,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 429, after the retries (or the wait asked for was too long).
    RateLimited,
    /// No answer: connection refused or reset, TLS, DNS, or a timeout.
    Connection,
    /// 500 and above, after the retries.
    Server,
    /// An integration create failed in a way that may have created it.
    MaybeCreated,
    /// Misuse of the command line, or an invalid manifest or body file; nothing was sent.
    Usage,
}

/// Every exit code of `langdock`, with what it means. `plan --exit-code` keeps 2 for "changes pending",
/// so usage errors take 64, the usual `EX_USAGE` of sysexits(3), rather than clap's default 2.
pub const EXIT_CODES: &[(Exit, u8, &str)] = &[
    (Exit::Success, 0, "success (plan --exit-code: nothing to apply)"),
    (Exit::Other, 1, "an API error not listed here (e.g. 400), a local failure; run/test: the code or a test failed"),
    (Exit::ChangesPending, 2, "plan --exit-code: there are changes to apply"),
    (Exit::Configuration, 3, "configuration: no API key, a bad base URL or CA bundle"),
    (Exit::Validation, 4, "validation: a field breaks an API limit; nothing was sent"),
    (Exit::Denied, 5, "authentication or permission (401, 403)"),
    (Exit::NotFound, 6, "not found (404)"),
    (Exit::Conflict, 7, "conflict (409)"),
    (Exit::RateLimited, 8, "rate limited (429): try again later (retry_after)"),
    (Exit::Connection, 9, "connection failure or timeout"),
    (Exit::Server, 10, "server error (5xx)"),
    (Exit::MaybeCreated, 11, "the integration may have been created: list before creating it again"),
    (Exit::Usage, 64, "usage: bad flags or arguments, an invalid manifest or body file"),
];

/// Which exit each kind of core error gives; kinds not listed give [`Exit::Other`].
const KIND_EXITS: &[(ErrorKind, Exit)] = &[
    (ErrorKind::Configuration, Exit::Configuration),
    (ErrorKind::Validation, Exit::Validation),
    (ErrorKind::Authentication, Exit::Denied),
    (ErrorKind::PermissionDenied, Exit::Denied),
    (ErrorKind::NotFound, Exit::NotFound),
    (ErrorKind::Conflict, Exit::Conflict),
    (ErrorKind::RateLimit, Exit::RateLimited),
    (ErrorKind::Connection, Exit::Connection),
    (ErrorKind::Timeout, Exit::Connection),
    (ErrorKind::InternalServer, Exit::Server),
];

impl Exit {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        EXIT_CODES.iter().find(|(exit, _, _)| *exit == self).map_or(1, |(_, code, _)| *code)
    }

    /// The exit of an error of the core: `maybe_created` first, since it changes what to do next.
    fn of(error: &langdock::Error) -> Exit {
        if error.maybe_created() {
            return Exit::MaybeCreated;
        }
        KIND_EXITS.iter().find(|(kind, _)| *kind == error.kind()).map_or(Exit::Other, |(_, exit)| *exit)
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// The exit-code table as `langdock --help` shows it.
pub fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes:\n");
    for (_, code, meaning) in EXIT_CODES {
        text.push_str(&format!("  {code:>2}  {meaning}\n"));
    }
    text.push_str("\nWith --json, a failure is one JSON object on stderr: kind, status, message, request_id,\n");
    text.push_str("attempts, maybe_created, retry_after (seconds), violations, details, hint, exit_code.");
    text
}

/// What failed: the CLI's own kinds, or an error of the core with everything it knows.
#[derive(Debug)]
enum Cause {
    Usage,
    Local,
    Api(langdock::Error),
}

/// A command's failure, printed to stderr; its [`Exit`] is the process's exit code.
#[derive(Debug)]
pub struct Failure {
    cause: Cause,
    message: String,
    violations: Vec<Violation>,
    details: Vec<String>,
    hint: Option<String>,
}

impl Failure {
    fn new(cause: Cause, message: String) -> Failure {
        Failure { cause, message, violations: Vec::new(), details: Vec::new(), hint: None }
    }

    /// A mistake in how the command was called.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Cause::Usage, message.into())
    }

    /// A problem with a file the command was given, e.g. an invalid manifest.
    pub fn file(path: &std::path::Path, message: impl std::fmt::Display) -> Failure {
        Failure::usage(format!("{}: {message}", path.display()))
    }

    /// A failure on this machine that is not the caller's mistake, e.g. a file that cannot be written.
    pub fn local(message: impl Into<String>) -> Failure {
        Failure::new(Cause::Local, message.into())
    }

    /// Adds a problem with a field, listed under the message (`path: message`).
    pub fn violation(mut self, violation: Violation) -> Failure {
        self.violations.push(violation);
        self
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

    /// What the exit code says about this failure.
    pub fn exit(&self) -> Exit {
        match &self.cause {
            Cause::Usage => Exit::Usage,
            Cause::Local => Exit::Other,
            Cause::Api(error) => Exit::of(error),
        }
    }

    /// Prints the failure to stderr: as text, or as one line of JSON (see [`Report`]).
    pub fn print(&self, json: bool) {
        if json {
            match serde_json::to_string(&self.report()) {
                Ok(line) => eprintln!("{line}"),
                Err(e) => eprintln!("{{\"kind\":\"LangdockError\",\"message\":\"cannot print the error: {e}\"}}"),
            }
            return;
        }
        eprintln!("error: {}", self.message);
        for violation in &self.violations {
            eprintln!("  {violation}");
        }
        for line in &self.details {
            eprintln!("  {line}");
        }
        if let Some(hint) = &self.hint {
            eprintln!("hint: {hint}");
        }
    }

    /// The failure as `--json` prints it: every field the core knows, taken from its accessors.
    fn report(&self) -> Report<'_> {
        let violations = self.violations.iter().map(|v| ReportViolation { path: &v.path, message: &v.message });
        let mut report = Report {
            kind: "UsageError",
            exit_code: self.exit().code(),
            status: None,
            message: &self.message,
            request_id: None,
            attempts: 0,
            maybe_created: false,
            retry_after: None,
            violations: violations.collect(),
            details: &self.details,
            hint: self.hint.as_deref(),
        };
        match &self.cause {
            Cause::Usage => {}
            Cause::Local => report.kind = "LangdockError",
            Cause::Api(error) => {
                report.kind = error.kind().class_name();
                report.status = error.status();
                report.message = error.message();
                report.request_id = error.request_id();
                report.attempts = error.attempts();
                report.maybe_created = error.maybe_created();
                report.retry_after = error.retry_after().map(|wait| wait.as_secs_f64());
            }
        }
        report
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One failure as a JSON object, for scripts (`--json`).
#[derive(Debug, Serialize)]
struct Report<'a> {
    /// The error class name shared with Python and Node (`NotFoundError`, …), or `UsageError` for a
    /// misused command or an invalid file, `LangdockError` for a local failure.
    kind: &'static str,
    /// The process's exit code.
    exit_code: u8,
    /// The HTTP status, for errors the server answered.
    status: Option<u16>,
    /// What went wrong.
    message: &'a str,
    /// The request id to quote to support.
    request_id: Option<&'a str>,
    /// HTTP attempts made (0 when nothing was sent).
    attempts: u32,
    /// True when an integration may have been created although the call failed.
    maybe_created: bool,
    /// Seconds the server asked to wait (`Retry-After`).
    retry_after: Option<f64>,
    /// Each field that is wrong (validation errors, invalid manifests).
    violations: Vec<ReportViolation<'a>>,
    /// More lines about the failure, e.g. what an interrupted apply did and did not apply.
    details: &'a [String],
    /// What to do about it.
    hint: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct ReportViolation<'a> {
    path: &'a str,
    message: &'a str,
}

impl From<langdock::Error> for Failure {
    fn from(error: langdock::Error) -> Failure {
        let message = if error.kind() == ErrorKind::Validation {
            format!("invalid request ({} problems, nothing was sent)", error.violations().len())
        } else {
            error.to_string()
        };
        let hint = hint(&error);
        let violations = error.violations().to_vec();
        Failure { cause: Cause::Api(error), message, violations, details: Vec::new(), hint: Some(hint) }
    }
}

/// What to do about an error of the core, by kind.
fn hint(error: &langdock::Error) -> String {
    let request = error.request_id().map(|id| format!(" (request id {id})")).unwrap_or_default();
    if error.maybe_created() {
        return "check whether it exists before creating it again: `langdock integrations list` for an integration, \
                `langdock integrations get ID` for an action or trigger"
            .into();
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
        // The core's message already says why the certificate was refused; the CLI's way to trust a CA is the variable.
        ErrorKind::Connection if error.untrusted_certificate() => {
            "to trust the CA that signed the server's certificate, set LANGDOCK_CA_BUNDLE to a PEM file holding it"
                .into()
        }
        ErrorKind::Connection => {
            "check the base URL (--base-url, LANGDOCK_BASE_URL), your network and proxy settings".into()
        }
        ErrorKind::Timeout => "the service is slow: raise --timeout, or try again".into(),
        ErrorKind::Validation => "fix the fields listed above (--no-validate skips the client's checks)".into(),
        ErrorKind::Configuration => "see the message above; `langdock --help` lists the flags and variables".into(),
        _ => format!("unexpected answer{request}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_has_one_distinct_code() {
        let mut codes: Vec<u8> = EXIT_CODES.iter().map(|(_, code, _)| *code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EXIT_CODES.len(), "two exits share a code");
        for (exit, code, _) in EXIT_CODES {
            assert_eq!(exit.code(), *code);
        }
        assert_eq!(Exit::ChangesPending.code(), 2, "plan --exit-code keeps 2 for changes pending");
    }

    #[test]
    fn the_readme_lists_the_exit_codes_of_the_help() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
        for (_, code, meaning) in EXIT_CODES {
            let row = format!("| {code} | {meaning} |");
            assert!(readme.contains(&row), "the README lacks the row {row:?}");
        }
    }
}
