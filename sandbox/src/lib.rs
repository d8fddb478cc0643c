//! Runs Langdock integration code (an action's `code`, a trigger's `pollingCode`, auth code) on a developer's
//! machine, the way Langdock's JavaScript sandbox runs it: the code is the body of an async function, it gets
//! `data.input`, `data.auth`, `env`, `lastPollTime` and the `ld` utilities, and the value it returns is the
//! result. The engine is QuickJS, embedded, so no Node is needed.
//!
//! ```
//! use langdock_sandbox::{run_blocking, RunSpec};
//!
//! let mut spec = RunSpec::new("ld.log('hi', data.input.name); return { greeting: `Hello ${data.input.name}` };");
//! spec.input.insert("name".into(), "Ada".into());
//! let outcome = run_blocking(spec);
//! assert!(outcome.ok, "{:?}", outcome.error);
//! assert_eq!(outcome.result.unwrap()["greeting"], "Hello Ada");
//! assert_eq!(outcome.logs[0].message, "hi Ada");
//! ```
//!
//! What is emulated, and how (see the research file `SANDBOX-RUNTIME.md` for the platform's side):
//! - `ld.request` (method, url, headers, params, body, timeout in ms, responseType) answers
//!   `{status, headers, json, text}`, or `{status, headers, buffer, success}` for `'binary'`/`'stream'`; an HTTP
//!   error status resolves, a connection failure rejects. It goes through reqwest with the core's trust roots.
//! - `ld.awsRequest` (SigV4), `ld.log`, `ld.wait` (0 to 30,000 ms), `ld.json2csv`, `ld.signWithRS256`,
//!   `ld.validateSqlQuery`, `ld.ensureReadOnlySqlQuery`, `btoa`/`atob`, a `Buffer` subset, `console.log`.
//! - `ld.csv2parquet`, `ld.parquet2csv`, `ld.arrow2parquet` fail with an `unsupported` error.
//! - `require`, `import`, `eval`, the `Function` constructor, `process` and the file system are absent.
//! - The time limit is wall-clock for the whole run; the memory limit is QuickJS's heap limit.
//! - [`Http::Record`] writes the traffic to a JSON cassette with secrets redacted; [`Http::Replay`] answers
//!   from it and fails with `replay_miss` on a request it lacks.
//!
//! A cassette ([`Cassette`]) is pretty-printed JSON, one entry per request in order:
//! `{"request": {"method", "url", "headers", "body"}, "response": {"status", "headers", "json" | "text" |
//! "base64"}}`. Replay matches method, URL and body, each compared after redaction, so a cassette recorded with
//! real credentials replays with placeholders. Redacted as `[REDACTED]`: every string value of `data.auth` and
//! `env` of 4 characters or more (except URLs) wherever it appears; headers and query parameters whose names
//! mark credentials (`Authorization`, `Cookie`, names containing `key`, `token`, `secret`, `auth`, ...); and
//! JSON keys such as `access_token`, `refresh_token`, `client_secret`, `password`. Repeated identical requests
//! replay the recorded answers in order, then the last one again.

mod checks;
mod crypto;
mod engine;
mod files;
mod http;
mod redact;
mod spec;

pub use files::{MAX_FILE_BYTES, file_input};
pub use http::{Cassette, Interaction, RecordedRequest, RecordedResponse};
pub use redact::REDACTED;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use engine::Cancel;
pub use spec::{
    DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_SECONDS, ErrorKind, Http, Kind, LogLine, Outcome, RequestRecord,
    RunError, RunSpec, Warning,
};

/// Runs whose threads are still going.
static ACTIVE_RUNS: AtomicUsize = AtomicUsize::new(0);

/// How many runs are executing in this process right now, including cancelled ones that have not yet stopped: a
/// host can wait for this to reach zero before it exits or measures.
pub fn active_runs() -> usize {
    ACTIVE_RUNS.load(Ordering::SeqCst)
}

/// Stack of the thread a run uses: QuickJS checks its own stack limit (1 MiB by default) against it.
const RUN_THREAD_STACK: usize = 8 * 1024 * 1024;

/// Checks that `code` parses as the body of an async function (as the platform runs it), without running it.
///
/// A syntax error comes back with `file_name`, line and column in the user's file.
///
/// ```
/// let error = langdock_sandbox::check_syntax("const a = 1;\nreturn a +;", "weather.js").unwrap_err();
/// assert_eq!((error.file.as_deref(), error.line), (Some("weather.js"), Some(2)));
/// ```
pub fn check_syntax(code: &str, file_name: &str) -> Result<(), RunError> {
    std::panic::catch_unwind(|| engine::check_syntax(code, file_name)).unwrap_or_else(|panic| {
        Err(RunError::new(ErrorKind::Thrown, format!("sandbox internal error: {}", panic_text(&*panic))))
    })
}

/// The API's length limit on stored code of `kind`, in characters: 40,000 for an action, 1,000 for a trigger's
/// polling code and for auth code. Longer code runs here but gets a warning.
pub const fn code_length_limit(kind: Kind) -> usize {
    checks::code_length_limit(kind)
}

/// [`run_blocking`] with JSON in and out, for the bindings and the CLI: `spec_json` is a [`RunSpec`], the answer
/// an [`Outcome`]. JSON that is not a valid spec gives an outcome with an `invalid_spec` error, never a panic.
pub fn run_json_blocking(spec_json: &str) -> String {
    let outcome = match parse_spec(spec_json) {
        Ok(spec) => run_blocking(spec),
        Err(outcome) => *outcome,
    };
    outcome_json(&outcome)
}

/// [`run`] with JSON in and out; see [`run_json_blocking`].
pub async fn run_json(spec_json: String) -> String {
    let outcome = match parse_spec(&spec_json) {
        Ok(spec) => run(spec).await,
        Err(outcome) => *outcome,
    };
    outcome_json(&outcome)
}

fn parse_spec(spec_json: &str) -> Result<RunSpec, Box<Outcome>> {
    serde_json::from_str(spec_json)
        .map_err(|e| Box::new(Outcome::failed(RunError::new(ErrorKind::InvalidSpec, format!("invalid run spec: {e}")))))
}

fn outcome_json(outcome: &Outcome) -> String {
    serde_json::to_string(outcome).unwrap_or_else(|e| {
        let failed = Outcome::failed(RunError::new(ErrorKind::Thrown, format!("sandbox internal error: {e}")));
        serde_json::to_string(&failed).unwrap_or_default()
    })
}

/// Runs `spec` and reports what happened. Never panics on bad code or bad input: every failure is in
/// [`Outcome::error`].
///
/// The run happens on a thread of its own, so this future is `Send` and works on any executor.
///
/// Dropping the future (a Ctrl-C in Python or Node) stops the run at its next interrupt check or wait, like a
/// time limit; [`active_runs`] tells when its thread has ended.
pub async fn run(spec: RunSpec) -> Outcome {
    /// Cancels the run when the future is dropped before the run answered.
    struct CancelOnDrop(Arc<Cancel>);
    impl Drop for CancelOnDrop {
        fn drop(&mut self) {
            self.0.cancel();
        }
    }

    let cancel = Arc::new(Cancel::default());
    let _guard = CancelOnDrop(cancel.clone());
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let spawned =
        std::thread::Builder::new().name("langdock-sandbox".to_owned()).stack_size(RUN_THREAD_STACK).spawn(move || {
            let _ = sender.send(run_caught(spec, cancel));
        });
    if let Err(e) = spawned {
        return Outcome::failed(RunError::new(ErrorKind::InvalidSpec, format!("cannot start the run's thread: {e}")));
    }
    receiver.await.unwrap_or_else(|_| {
        Outcome::failed(RunError::new(ErrorKind::Thrown, "sandbox internal error: the run's thread ended early"))
    })
}

/// Runs `spec` to its end, blocking the calling thread: for the CLI and the bindings. Safe to call from inside
/// an async runtime (the run gets a thread and a current-thread runtime of its own).
pub fn run_blocking(spec: RunSpec) -> Outcome {
    let spawned = std::thread::Builder::new()
        .name("langdock-sandbox".to_owned())
        .stack_size(RUN_THREAD_STACK)
        .spawn(move || run_caught(spec, Arc::new(Cancel::default())));
    match spawned {
        Ok(handle) => handle.join().unwrap_or_else(|_| {
            Outcome::failed(RunError::new(ErrorKind::Thrown, "sandbox internal error: the run's thread panicked"))
        }),
        Err(e) => Outcome::failed(RunError::new(ErrorKind::InvalidSpec, format!("cannot start the run's thread: {e}"))),
    }
}

/// Runs on the current thread, turning a panic (a bug of ours) into a failed outcome rather than unwinding into
/// a caller that may be Python or Node.
fn run_caught(spec: RunSpec, cancel: Arc<Cancel>) -> Outcome {
    ACTIVE_RUNS.fetch_add(1, Ordering::SeqCst);
    /// Counts the run as ended however this thread leaves.
    struct Ended;
    impl Drop for Ended {
        fn drop(&mut self) {
            ACTIVE_RUNS.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let _ended = Ended;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine::run_here(spec, cancel))).unwrap_or_else(|panic| {
        Outcome::failed(RunError::new(ErrorKind::Thrown, format!("sandbox internal error: {}", panic_text(&*panic))))
    })
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
