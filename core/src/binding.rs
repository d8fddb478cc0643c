//! Helpers the Python and Node bindings share, so that what they decide is decided here once: the log level
//! from `LANGDOCK_LOG`, how a request that is not even the right shape is reported, a response model as
//! JSON with the server-made fields that requests never send, and how a panic becomes an error.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use futures_util::FutureExt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::level_filters::LevelFilter;

use crate::client::{Client, env};
use crate::error::{Error, ErrorKind, Result, Violation};
use crate::models::{Action, Deleted, Icon, Integration, IntegrationRef, IntegrationSummary, Trigger};
use crate::operation::{Arguments, Operation};
use crate::response::Response;
use crate::settings::{Face, Number};

/// This process's id, as `std::process::id()` says it, read from the kernel once per process (a forked child
/// reads its own): for a binding's checks that it runs in the process that built its client and runtime.
pub fn process_id() -> u32 {
    crate::process::id()
}

/// The log level when `LANGDOCK_LOG` is unset, empty or not a level.
pub const DEFAULT_LOG_LEVEL: LevelFilter = LevelFilter::WARN;

/// A `LANGDOCK_LOG` value as a level: `off`, `error`, `warn`, `info`, `debug` (and `trace`), any case.
///
/// ```
/// use tracing::level_filters::LevelFilter;
/// assert_eq!(langdock::binding::parse_log_level(" Debug "), Some(LevelFilter::DEBUG));
/// assert_eq!(langdock::binding::parse_log_level("loud"), None);
/// ```
pub fn parse_log_level(value: &str) -> Option<LevelFilter> {
    match value.trim().to_ascii_lowercase().as_str() {
        "off" => Some(LevelFilter::OFF),
        "error" => Some(LevelFilter::ERROR),
        "warn" | "warning" => Some(LevelFilter::WARN),
        "info" => Some(LevelFilter::INFO),
        "debug" => Some(LevelFilter::DEBUG),
        "trace" => Some(LevelFilter::TRACE),
        _ => None,
    }
}

/// The level the bindings log at: `LANGDOCK_LOG`, else [`DEFAULT_LOG_LEVEL`].
pub fn log_level_from_env() -> LevelFilter {
    std::env::var(env::LOG).ok().as_deref().and_then(parse_log_level).unwrap_or(DEFAULT_LOG_LEVEL)
}

/// A per-call duration as a face gave it (seconds, or milliseconds from Node): a negative, zero, NaN or
/// infinite one is the same `ConfigurationError` the client's settings give.
///
/// ```
/// use langdock::Face;
/// assert_eq!(langdock::binding::duration("timeout", Some(1500.0), Face::Node).unwrap(), Some(std::time::Duration::from_millis(1500)));
/// assert_eq!(langdock::binding::duration("timeout", Some(-1.0), Face::Python).unwrap_err().kind(), langdock::ErrorKind::Configuration);
/// ```
pub fn duration(name: &str, value: Option<f64>, face: Face) -> Result<Option<std::time::Duration>> {
    crate::settings::duration(name, value.map(Number), face, true)
}

/// A per-call retry count as a face gave it: a whole number from 0 to [`crate::MAX_RETRIES_LIMIT`].
pub fn max_retries(value: Option<f64>) -> Result<Option<u32>> {
    value.map(|n| crate::settings::retries("max_retries", n)).transpose()
}

/// The name a non-finite number crosses as (JSON has no NaN), for [`crate::SettingsInput::from_json`] to read:
/// `NaN`, `Infinity`, `-Infinity`; `None` for a finite number.
pub fn non_finite_name(n: f64) -> Option<&'static str> {
    if n.is_nan() {
        Some("NaN")
    } else if n.is_infinite() {
        Some(if n > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        None
    }
}

/// The messages of an error's `source()` chain, outermost first: each binding chains them as the
/// error's causes.
pub fn causes(error: &Error) -> Vec<String> {
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    causes
}

/// A level's name as `LANGDOCK_LOG` spells it: `off`, `error`, `warn`, `info`, `debug`, `trace`.
pub fn log_level_name(level: LevelFilter) -> &'static str {
    match level {
        LevelFilter::OFF => "off",
        LevelFilter::ERROR => "error",
        LevelFilter::WARN => "warn",
        LevelFilter::INFO => "info",
        LevelFilter::DEBUG => "debug",
        _ => "trace",
    }
}

/// Whether `LANGDOCK_LOG` names a level (the Python face then makes its logger show events).
pub fn log_level_is_set() -> bool {
    std::env::var(env::LOG).ok().as_deref().and_then(parse_log_level).is_some()
}

/// Reads a request model from the JSON a binding received (a Python dict, a JS object). A value of the wrong
/// shape (a missing name, a number where text belongs) is a validation error naming `what`; nothing is sent.
///
/// ```
/// let error = langdock::binding::from_json::<langdock::CreateIntegration>("body", serde_json::json!({})).unwrap_err();
/// assert_eq!(error.kind(), langdock::ErrorKind::Validation);
/// assert_eq!(error.violations()[0].path, "body");
/// ```
pub fn from_json<T: DeserializeOwned>(what: &str, value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| {
        Error::validation(vec![Violation { path: what.to_owned(), message: format!("is not a valid request: {e}") }])
    })
}

/// [`from_json`] for JSON text (Node's binding has `JSON.stringify` write a body that is not plain data): text
/// that is not JSON is a validation error naming `what`, too.
pub fn from_json_text<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    let value = serde_json::from_str(text).map_err(|e| {
        Error::validation(vec![Violation { path: what.to_owned(), message: format!("is not JSON: {e}") }])
    })?;
    from_json(what, value)
}

/// The error a binding raises for a panic it caught at the language boundary ([`ErrorKind::Internal`]): a
/// panic is a bug in langdock, and the host process must get an error it can catch, not an abort (SDK.md
/// section 3). The message says so and carries the panic's own message.
///
/// ```
/// let error = langdock::binding::panic_error(&"index out of bounds");
/// assert_eq!(error.kind(), langdock::ErrorKind::Internal);
/// assert!(error.message().contains("bug in langdock") && error.message().contains("index out of bounds"));
/// ```
pub fn panic_error(payload: &(dyn Any + Send)) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    Error::new(
        ErrorKind::Internal,
        format!(
            "internal error: the langdock native code panicked, which is a bug in langdock (not in your code or \
             the service); please report it with this message. It panicked with: {what}"
        ),
    )
}

/// Runs a call's future and turns a panic inside it into [`panic_error`], wherever the future is polled
/// (the caller's thread or a spawned task).
pub async fn catch_panic<T>(call: impl Future<Output = Result<T>>) -> Result<T> {
    AssertUnwindSafe(call).catch_unwind().await.unwrap_or_else(|payload| Err(panic_error(payload.as_ref())))
}

/// What a call made by name ([`call`]) answered: the typed response, one variant per answer model, for a
/// binding to turn into its own objects.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // moved once per call
pub enum Output {
    /// `integrations.list`.
    IntegrationList(Response<Vec<IntegrationSummary>>),
    /// An integration's id and name (create, update).
    IntegrationRef(Response<IntegrationRef>),
    /// A whole integration.
    Integration(Response<Integration>),
    /// An icon URL.
    Icon(Response<Icon>),
    /// An action.
    Action(Response<Action>),
    /// A trigger.
    Trigger(Response<Trigger>),
    /// A delete's confirmation.
    Deleted(Response<Deleted>),
}

/// A model's JSON text as the API spells it (server-made fields and unknown properties kept), as
/// [`call_text`] answers it: for a binding whose own JSON parser builds the objects (Node's `JSON.parse`).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonText(pub(crate) bytes::Bytes);

impl JsonText {
    /// The UTF-8 text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `model` as [`response_json`] shows it, written straight to text. (A model that cannot be written, which
    /// none of ours is, would be a bug: an internal error.)
    pub(crate) fn of<T: Serialize + ?Sized>(model: &T) -> Result<JsonText> {
        let mut text = Vec::new();
        with_read_only(|| serde_json::to_writer(&mut text, model))
            .map_err(|e| panic_error(&format!("the model cannot be written as JSON: {e}")))?;
        Ok(JsonText(text.into()))
    }
}

/// Runs `$body` with `$response` bound to the response inside any [`Output`].
macro_rules! each_output {
    ($output:expr, $response:ident => $body:expr) => {
        match $output {
            Output::IntegrationList($response) => $body,
            Output::IntegrationRef($response) => $body,
            Output::Integration($response) => $body,
            Output::Icon($response) => $body,
            Output::Action($response) => $body,
            Output::Trigger($response) => $body,
            Output::Deleted($response) => $body,
        }
    };
}

impl Output {
    /// The model as JSON text as the API spells it, server-made fields included (keys in the models' field
    /// order, as [`response_json`] has them), written straight from the model (no `serde_json::Value` on the
    /// way), with the same metadata.
    pub fn into_text(self) -> Result<Response<JsonText>> {
        each_output!(self, response => {
            let text = JsonText::of(response.data())?;
            Ok(response.map(|_| text))
        })
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        each_output!(self, response => response.attempts())
    }

    /// The `x-request-id` of the answer, when it had one.
    pub fn request_id(&self) -> Option<&str> {
        each_output!(self, response => response.request_id())
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        each_output!(self, response => response.status())
    }
}

/// Makes the call named `operation` (an [`Operation`] name, e.g. `"get_integration"`) with arguments given as
/// data: the one dispatch every binding uses, made from the operation table, so no binding lists the
/// operations. A body of the wrong shape is a validation error naming `body`; an unknown name, one naming
/// `operation`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> langdock::Result<()> {
/// # let emulator = langdock_emulator::Emulator::start(Default::default()).await.unwrap();
/// # let client = langdock::Client::builder()
/// #     .api_key(langdock_emulator::DEFAULT_API_KEY)
/// #     .base_url(emulator.base_url())
/// #     .build()?;
/// use langdock::binding::{Output, call};
/// use langdock::Arguments;
///
/// let body = serde_json::json!({"name": "Weather"});
/// let created = call(&client, "create_integration", Arguments { body: Some(body), ..Default::default() }).await?;
/// assert!(matches!(created, Output::IntegrationRef(_)));
/// let text = created.into_text().unwrap();
/// assert!(String::from_utf8_lossy(text.as_bytes()).contains(r#""name":"Weather""#));
/// # emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub async fn call(client: &Client, operation: &str, args: Arguments) -> Result<Output> {
    let Ok(op) = operation.parse::<Operation>() else {
        return Err(crate::operation::unknown_operation(operation));
    };
    crate::operation::call(op, client, args).await
}

/// Makes the call named `operation` as [`call`] does, answering the model as JSON text: the server's own text
/// when it already is what the model's serialization would be (so that a large list is checked, not decoded and
/// written again), else the model decoded and serialized. Decoding errors are [`call`]'s.
pub async fn call_text(client: &Client, operation: &str, args: Arguments) -> Result<Response<JsonText>> {
    let (text, check) = call_text_deferred(client, operation, args).await?;
    match check.map(Check::run).transpose()?.flatten() {
        Some(replaced) => Ok(text.map(|_| replaced)),
        None => Ok(text),
    }
}

/// [`call_text`], but an answer of [`DEFERRED_CHECK_BYTES`] or more comes with its check still to run: the
/// server's text, and the [`Check`] that says whether it stands. A binding can then parse the text and run the
/// check at the same time (on a list of 10,000 integrations, Node's `JSON.parse` takes about 9 ms and the check
/// about 2.3 ms, which a call made alone otherwise waits for first).
pub async fn call_text_deferred(
    client: &Client,
    operation: &str,
    args: Arguments,
) -> Result<(Response<JsonText>, Option<Check>)> {
    let Ok(op) = operation.parse::<Operation>() else {
        return Err(crate::operation::unknown_operation(operation));
    };
    let mut check = None;
    let text = crate::operation::call_text(op, client, args).await?.map(|(text, deferred)| {
        check = deferred;
        text
    });
    Ok((text, check))
}

/// The size from which [`call_text_deferred`] hands an answer's text over before its check: where the check
/// (about 1.2 µs a KB) starts to be a noticeable part of a call's time.
pub const DEFERRED_CHECK_BYTES: usize = 256 * 1024;

/// The check of an answer's text that [`call_text_deferred`] handed over first.
pub struct Check(pub(crate) Box<dyn FnOnce() -> Result<Option<JsonText>> + Send>);

impl Check {
    /// Runs the check: `Ok(None)` when the text stands; `Ok(Some(text))` when the model's serialization says
    /// it otherwise (use that text instead); the error of a typed call when the answer does not decode.
    pub fn run(self) -> Result<Option<JsonText>> {
        (self.0)()
    }
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Check")
    }
}

/// Finished calls waiting for a binding's event loop (Python's asyncio loop, Node's libuv loop), and the one
/// decision about waking it: only the push that finds the queue empty wakes the loop, and the drain that wakes
/// takes everything queued meanwhile, so that many calls finishing together cost the loop one wake-up.
///
/// ```
/// let finished = langdock::binding::Completions::default();
/// assert!(finished.push(1), "the first finished call wakes the loop");
/// assert!(!finished.push(2), "the next ones join the drain already scheduled");
/// assert_eq!(finished.take(), vec![1, 2]);
/// assert!(finished.push(3), "after a drain, the next one wakes it again");
/// ```
#[derive(Debug)]
pub struct Completions<T> {
    queue: std::sync::Mutex<Vec<T>>,
}

impl<T> Default for Completions<T> {
    fn default() -> Self {
        Completions { queue: std::sync::Mutex::new(Vec::new()) }
    }
}

impl<T> Completions<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<T>> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues a finished call; true when the caller must wake the loop (the queue was empty, so no drain is
    /// scheduled yet).
    pub fn push(&self, item: T) -> bool {
        let mut queue = self.lock();
        queue.push(item);
        queue.len() == 1
    }

    /// Takes every queued call (the drain, or dropping them when the loop is gone); the next push wakes again.
    pub fn take(&self) -> Vec<T> {
        std::mem::take(&mut *self.lock())
    }

    /// How many finished calls wait for the next drain.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no finished call waits.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

/// When a binding should wait for a call by spinning before it sleeps, and how long: a blocking caller (Python's
/// `Client`), or an asyncio loop that has nothing else to run (Python's `AsyncClient`, which the loop's thread then
/// polls the call itself; an answer within the window needs no thread woken to bring it).
///
/// A thread that sleeps on a call costs a wake-up when the answer arrives: on a virtual machine whose other core is
/// idle, tens of microseconds, as much as a call to a local server takes. A caller that spins instead sees the
/// answer at once. Spinning is worth it only for a call made alone (with others in flight, the CPU is better left to
/// them), on more than one CPU (on one, the spinner would hold up the thread that brings the answer), and while calls
/// made alone typically finish within [`SpinPolicy::WINDOW`]: a client of a remote service (milliseconds a call)
/// stops spinning after a few calls. Only calls spun for are timed (one that slept took a wake-up longer, so timing
/// it would keep a fast server's calls looking too slow to spin for): a policy that stopped spinning still spins for
/// every [`SpinPolicy::PROBE_EVERY`]th call made alone, and starts again when those become fast.
#[derive(Debug, Default)]
pub struct SpinPolicy {
    /// A moving average of how long calls spun for took, in microseconds (0 before the first).
    typical_micros: AtomicU64,
    /// Calls made alone while calls typically took too long to spin for: every [`SpinPolicy::PROBE_EVERY`]th is
    /// spun for anyway.
    unspun: AtomicU64,
}

impl SpinPolicy {
    /// The longest a caller spins before it sleeps: long enough for a local server's larger answers (a list of
    /// 45 KB takes 0.3-0.4 ms here; with 0.2 ms most of them were slept for after all), short enough that a probe
    /// of a remote service costs little (0.4 ms of one CPU every [`SpinPolicy::PROBE_EVERY`] calls made alone).
    pub const WINDOW: Duration = Duration::from_micros(400);

    /// Calls made alone that typically take longer than this are not waited for by spinning. Twice the window, so
    /// that calls that finish within the window only because they were spun for stay spun for.
    const TYPICAL_LIMIT_MICROS: u64 = 2 * Self::WINDOW.as_micros() as u64;

    /// How often a policy that stopped spinning spins for a call made alone all the same, to time it.
    pub const PROBE_EVERY: u64 = 8;

    /// A policy that spins until it has seen slow calls.
    pub const fn new() -> SpinPolicy {
        SpinPolicy { typical_micros: AtomicU64::new(0), unspun: AtomicU64::new(0) }
    }

    /// Starts the wait of a call. Only a call made `alone` may be spun for: no other call of the process is in
    /// flight, and nothing else waits for the thread that would spin (an asyncio loop with other callbacks ready
    /// to run is not alone).
    pub fn turn(&self, alone: bool) -> SpinTurn<'_> {
        self.turn_spinning(if alone { self.window() } else { None })
    }

    /// A call's wait that spins for `window`, if any.
    fn turn_spinning(&self, window: Option<Duration>) -> SpinTurn<'_> {
        SpinTurn { spun_by: window.map(|_| self), window, started: Instant::now() }
    }

    /// How long to spin for the next call made alone: [`SpinPolicy::WINDOW`], or `None` to sleep at once.
    fn window(&self) -> Option<Duration> {
        #[cfg(debug_assertions)]
        if debug::spins_always() {
            return Some(debug::SPIN_ALWAYS_WINDOW);
        }
        static CPUS: OnceLock<usize> = OnceLock::new();
        self.window_on(*CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get())))
    }

    /// [`SpinPolicy::window`] on `cpus` CPUs: the rule of [`SpinPolicy::window_for`], or a probe.
    fn window_on(&self, cpus: usize) -> Option<Duration> {
        Self::window_for(cpus, self.typical_micros.load(Ordering::Relaxed)).or_else(|| {
            let unspun = self.unspun.fetch_add(1, Ordering::Relaxed) + 1;
            (cpus > 1 && unspun.is_multiple_of(Self::PROBE_EVERY)).then_some(Self::WINDOW)
        })
    }

    /// Whether calls are spun for on `cpus` CPUs, probes aside, when calls spun for typically take `typical_micros`.
    fn window_for(cpus: usize, typical_micros: u64) -> Option<Duration> {
        (cpus > 1 && typical_micros <= Self::TYPICAL_LIMIT_MICROS).then_some(Self::WINDOW)
    }

    /// Records how long a call spun for took, answered within the window or not.
    fn record(&self, took: Duration) {
        // At most a second, so that one very slow call does not keep spinning off for hundreds of calls.
        let took = took.as_micros().min(1_000_000) as u64;
        let typical = self.typical_micros.load(Ordering::Relaxed);
        // A lost update between two threads only skews an estimate; weight 1/8 for the newest call.
        let next = if typical == 0 { took } else { typical - typical / 8 + took / 8 };
        self.typical_micros.store(next.max(1), Ordering::Relaxed);
    }
}

/// One call's wait, from [`SpinPolicy::turn`].
#[derive(Debug)]
#[must_use = "`finish` records how long the call took"]
pub struct SpinTurn<'a> {
    /// The policy, for a call to spin for; `None` for one that sleeps at once (it is not timed).
    spun_by: Option<&'a SpinPolicy>,
    window: Option<Duration>,
    started: Instant,
}

impl SpinTurn<'_> {
    /// How long to spin (with [`spin_wait`]) before sleeping: `None` to sleep at once. A caller given a window
    /// spins for it.
    pub fn window(&self) -> Option<Duration> {
        self.window
    }

    /// The call is over, answered or failed: if it was spun for, its duration counts towards the next calls'
    /// decisions.
    pub fn finish(self) {
        if let Some(policy) = self.spun_by {
            policy.record(self.started.elapsed());
        }
    }
}

/// Polls `fut` on this thread until it is ready or `window` has passed, spinning in between (see [`SpinPolicy`]):
/// its output, or `None` when the window passed first (the caller then waits as usual, `fut` still pending). What
/// `fut` waits for must be done elsewhere (a request whose connection the runtime's workers drive, polled here with
/// the runtime entered; a spawned task's `JoinHandle`): it is only polled again when woken.
///
/// ```
/// let mut ready = std::future::ready(7);
/// assert_eq!(langdock::binding::spin_wait(&mut ready, std::time::Duration::ZERO), Some(7));
/// let mut never = std::future::pending::<()>();
/// assert_eq!(langdock::binding::spin_wait(&mut never, std::time::Duration::from_micros(50)), None);
/// ```
pub fn spin_wait<F: Future + Unpin>(fut: &mut F, window: Duration) -> Option<F::Output> {
    /// A waker that only raises a flag: the spinning thread reads it, so a wake costs no system call.
    struct Flag(AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::Release);
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.store(true, Ordering::Release);
        }
    }

    let flag = Arc::new(Flag(AtomicBool::new(false)));
    let waker = Waker::from(flag.clone());
    let mut cx = Context::from_waker(&waker);
    let until = Instant::now() + window;
    loop {
        if let Poll::Ready(out) = std::pin::Pin::new(&mut *fut).poll(&mut cx) {
            return Some(out);
        }
        while !flag.0.swap(false, Ordering::AcqRel) {
            if Instant::now() >= until {
                return None;
            }
            // A yield, not only a pause: a thread waiting for this CPU (the one bringing the answer, on an
            // overcommitted machine) gets it; with none waiting, it returns at once and the CPU stays awake.
            std::thread::yield_now();
        }
    }
}

/// Switches for the bindings' tests: make the next call panic (to check what a panic becomes), or spin for every
/// call made alone (to check what a spun-for call does on any machine). Compiled into debug builds only: release
/// builds (the published wheels and addons) have no such switches.
#[cfg(debug_assertions)]
#[doc(hidden)]
pub mod debug {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    static ARMED: Mutex<Option<String>> = Mutex::new(None);

    /// Makes the next [`checkpoint`] of `site` panic, once.
    pub fn panic_next(site: &str) {
        *ARMED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(site.to_owned());
    }

    /// Panics if [`panic_next`] armed `site`; the bindings place one at each point a panic can cross.
    pub fn checkpoint(site: &str) {
        let mut armed = ARMED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if armed.as_deref() == Some(site) {
            *armed = None;
            drop(armed);
            panic!("debug panic armed at {site:?} (langdock's own test of panic handling)");
        }
    }

    static SPIN_ALWAYS: AtomicBool = AtomicBool::new(false);

    /// How long a call made alone is spun for while [`spin_always`] is on.
    pub const SPIN_ALWAYS_WINDOW: Duration = Duration::from_secs(10);

    /// Makes every call made alone be spun for (up to [`SPIN_ALWAYS_WINDOW`]) whatever the CPUs and the calls
    /// before, so that the bindings' tests of what a spun-for call does hold on a slow or loaded machine.
    pub fn spin_always(on: bool) {
        SPIN_ALWAYS.store(on, Ordering::SeqCst);
    }

    pub(super) fn spins_always() -> bool {
        SPIN_ALWAYS.load(Ordering::SeqCst)
    }
}

thread_local! {
    static WITH_READ_ONLY: Cell<bool> = const { Cell::new(false) };
}

/// Whether a server-made, read-only field (an input field's `slug` and `order`, an auth field's `id`) is left
/// out when serializing: always, so requests never send them, except inside [`response_json`].
pub(crate) fn skip_read_only<T>(_: &T) -> bool {
    !WITH_READ_ONLY.with(Cell::get)
}

/// A response model as the API spells it, server-made fields included (plain `serde_json::to_value` leaves
/// them out, because the same models are sent as requests). For bindings that hand out JSON-like data.
///
/// ```
/// let field: langdock::InputField = serde_json::from_value(serde_json::json!({"label": "City", "slug": "city"})).unwrap();
/// assert_eq!(langdock::binding::response_json(&field).unwrap()["slug"], "city");
/// assert!(serde_json::to_value(&field).unwrap().get("slug").is_none());
/// ```
pub fn response_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<serde_json::Value> {
    with_read_only(|| serde_json::to_value(value))
}

/// Runs `serialize` with the server-made fields shown, restoring the flag afterwards (also on a panic).
fn with_read_only<R>(serialize: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WITH_READ_ONLY.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(WITH_READ_ONLY.with(|flag| flag.replace(true)));
    serialize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{ActionInput, CreateIntegration};
    use serde_json::json;

    #[test]
    fn log_levels_parse_and_default_to_warn() {
        assert_eq!(parse_log_level("off"), Some(LevelFilter::OFF));
        assert_eq!(parse_log_level("ERROR"), Some(LevelFilter::ERROR));
        assert_eq!(parse_log_level("info"), Some(LevelFilter::INFO));
        assert_eq!(parse_log_level(""), None);
        assert_eq!(DEFAULT_LOG_LEVEL, LevelFilter::WARN);
    }

    #[tokio::test]
    async fn a_panicking_call_becomes_an_internal_error() {
        let answer: Result<u32> = catch_panic(async { panic!("the {} went wrong", "thing") }).await;
        let error = answer.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Internal);
        assert_eq!(error.kind().class_name(), "InternalError");
        assert!(error.message().contains("the thing went wrong"), "{error}");
        assert_eq!(catch_panic(async { Ok(7) }).await.unwrap(), 7);
    }

    #[test]
    fn wrongly_shaped_requests_are_validation_errors() {
        let error = from_json::<ActionInput>("body", json!({"name": 5})).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Validation);
        assert_eq!(error.violations().len(), 1);
        assert!(error.violations()[0].message.contains("invalid type"), "{error}");
        let ok: CreateIntegration = from_json("body", json!({"name": "x", "future": 1})).unwrap();
        assert_eq!(ok.extra["future"], 1);
    }

    #[test]
    fn response_json_keeps_server_made_fields_and_requests_still_drop_them() {
        let integration: crate::models::Integration = serde_json::from_value(json!({
            "id": "i", "authFields": [{"id": "f1", "slug": "apiKey", "label": "Key", "type": "PASSWORD"}],
            "actions": [{"id": "a", "name": "A", "inputFields": [{"label": "City", "slug": "city", "order": 0}]}]
        }))
        .unwrap();
        let shown = response_json(&integration).unwrap();
        assert_eq!(shown["authFields"][0]["id"], "f1");
        assert_eq!(shown["actions"][0]["inputFields"][0]["slug"], "city");
        assert_eq!(shown["actions"][0]["inputFields"][0]["order"], 0);
        let sent = serde_json::to_value(ActionInput::from(&integration.actions[0])).unwrap();
        assert!(sent["inputFields"][0].get("slug").is_none() && sent["inputFields"][0].get("order").is_none());
        assert!(serde_json::to_value(&integration).unwrap()["authFields"][0].get("id").is_none());
    }

    #[test]
    fn into_text_writes_the_model_as_response_json_has_it_with_the_metadata() {
        let summary: IntegrationSummary = serde_json::from_value(json!({
            "id": "i", "name": "Grüße \"q\"", "authType": "NONE", "buildByLangdock": false, "actions": [],
            "future": [1, {"x": null}]
        }))
        .unwrap();
        let shown = response_json(&[&summary]).unwrap();
        let output = Output::IntegrationList(Response::new(vec![summary], 200, 2, Some("r".to_owned())));
        let text = output.into_text().unwrap();
        assert_eq!((text.status(), text.attempts(), text.request_id()), (200, 2, Some("r")));
        let parsed: serde_json::Value = serde_json::from_slice(text.as_bytes()).unwrap();
        assert_eq!(parsed, shown);
        assert_eq!(parsed[0]["future"][1]["x"], json!(null));
    }

    #[test]
    fn into_text_shows_server_made_fields_and_unknown_ones_and_restores_the_flag() {
        let integration: crate::models::Integration = serde_json::from_value(json!({
            "id": "i", "name": "N", "future": {"nested": [1, 2.5, "x"]},
            "authFields": [{"id": "f1", "slug": "apiKey", "label": "Key", "type": "PASSWORD"}],
            "actions": [{"id": "a", "name": "A", "inputFields": [{"label": "City", "slug": "city", "order": 0}]}]
        }))
        .unwrap();
        let shown = response_json(&integration).unwrap();
        let output = Output::Integration(Response::new(integration.clone(), 200, 1, None));
        let text = output.into_text().unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(text.as_bytes()).unwrap();
        assert_eq!(parsed, shown);
        assert_eq!(parsed["future"]["nested"][1], 2.5);
        assert_eq!(parsed["actions"][0]["inputFields"][0]["slug"], "city");
        // The flag is back to "leave them out" afterwards: requests still drop server-made fields.
        assert!(serde_json::to_value(&integration).unwrap()["authFields"][0].get("id").is_none());
    }

    #[test]
    fn one_cpu_never_spins_and_two_spin_until_calls_typically_take_twice_the_window() {
        let limit = 2 * SpinPolicy::WINDOW.as_micros() as u64;
        assert_eq!(SpinPolicy::window_for(1, 0), None, "the spinner would hold up the thread it waits for");
        assert_eq!(SpinPolicy::window_for(2, 0), Some(SpinPolicy::WINDOW));
        assert_eq!(SpinPolicy::window_for(2, limit), Some(SpinPolicy::WINDOW));
        assert_eq!(SpinPolicy::window_for(2, limit + 1), None);
    }

    #[test]
    fn the_typical_call_is_the_first_one_then_a_moving_average_weighting_the_newest_one_eighth() {
        let policy = SpinPolicy::new();
        policy.record(Duration::from_micros(1000));
        assert_eq!(policy.typical_micros.load(Ordering::Relaxed), 1000);
        policy.record(Duration::from_micros(200));
        assert_eq!(policy.typical_micros.load(Ordering::Relaxed), 900);
        policy.record(Duration::from_secs(5));
        assert_eq!(policy.typical_micros.load(Ordering::Relaxed), 900 - 112 + 125_000);
    }

    #[test]
    fn spin_wait_sees_a_wake_by_value() {
        /// Ready on its second poll, after another thread woke it with its own copy of the waker.
        struct WokenElsewhere(Option<std::thread::JoinHandle<()>>);
        impl Future for WokenElsewhere {
            type Output = ();
            fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                match self.0.take() {
                    Some(waker_thread) => {
                        waker_thread.join().unwrap();
                        Poll::Ready(())
                    }
                    None => {
                        let waker = cx.waker().clone();
                        self.0 = Some(std::thread::spawn(move || waker.wake()));
                        Poll::Pending
                    }
                }
            }
        }
        assert_eq!(spin_wait(&mut WokenElsewhere(None), Duration::from_secs(60)), Some(()));
    }

    #[test]
    fn a_new_spin_policy_spins_on_several_cpus_and_stops_after_slow_calls() {
        let policy = SpinPolicy::new();
        assert_eq!(policy.window_on(2), Some(SpinPolicy::WINDOW));
        assert_eq!(policy.window_on(1), None);
        for _ in 0..3 {
            policy.record(Duration::from_millis(40));
        }
        assert_eq!(policy.window_on(2), None, "a remote service's calls are not spun for");
    }

    #[test]
    fn a_policy_that_stopped_spinning_spins_for_one_call_in_eight_to_time_it() {
        let policy = SpinPolicy::new();
        policy.record(Duration::from_millis(40));
        let probes: Vec<bool> = (0..4 * SpinPolicy::PROBE_EVERY).map(|_| policy.window_on(2).is_some()).collect();
        let expected: Vec<bool> =
            (1..=4 * SpinPolicy::PROBE_EVERY).map(|n| n.is_multiple_of(SpinPolicy::PROBE_EVERY)).collect();
        assert_eq!(probes, expected);
        assert!((0..4 * SpinPolicy::PROBE_EVERY).all(|_| policy.window_on(1).is_none()), "never on one CPU");
    }

    #[test]
    fn calls_that_slept_do_not_count_so_a_fast_server_is_spun_for_again_after_slow_ones() {
        // A server whose calls take less than the window when spun for, and more than the limit when the caller
        // sleeps (a wake-up more, on a loaded machine): had the calls that slept counted, the policy would never
        // have spun again.
        let (spun, slept) =
            (SpinPolicy::WINDOW - Duration::from_micros(50), 2 * SpinPolicy::WINDOW + Duration::from_micros(150));
        let policy = SpinPolicy::new();
        for _ in 0..50 {
            policy.record(slept);
        }
        assert!(!spins_on_two_cpus(&policy));
        let mut calls = 0;
        while !spins_on_two_cpus(&policy) {
            if policy.window_on(2).is_some() {
                policy.record(spun);
            }
            calls += 1;
            assert!(calls < 200, "still not spinning after {calls} calls");
        }
        let asleep = SpinPolicy::new();
        asleep.record(Duration::from_millis(40));
        let typical = asleep.typical_micros.load(Ordering::Relaxed);
        asleep.turn(true).finish();
        asleep.turn(true).finish();
        assert_eq!(asleep.typical_micros.load(Ordering::Relaxed), typical, "calls that were not spun for not timed");
    }

    /// Whether `policy` would spin on two CPUs (whatever this machine has).
    fn spins_on_two_cpus(policy: &SpinPolicy) -> bool {
        SpinPolicy::window_for(2, policy.typical_micros.load(Ordering::Relaxed)).is_some()
    }

    #[test]
    fn calls_that_become_fast_are_spun_for_again() {
        let policy = SpinPolicy::new();
        policy.record(Duration::from_millis(50));
        assert!(!spins_on_two_cpus(&policy));
        let mut probes = 0;
        while !spins_on_two_cpus(&policy) {
            policy.record(Duration::from_micros(120));
            probes += 1;
            assert!(probes < 100, "still not spinning after {probes} fast probes");
        }
        assert!(probes > 10, "one fast call is not enough to forget a slow period ({probes})");
    }

    #[test]
    fn a_call_that_just_fits_the_window_because_it_was_spun_for_stays_spun_for() {
        let policy = SpinPolicy::new();
        for _ in 0..50 {
            policy.record(SpinPolicy::WINDOW + Duration::from_micros(150));
        }
        assert!(spins_on_two_cpus(&policy));
        // One very slow call counts as a second, not as hours.
        policy.record(Duration::from_secs(3600));
        let mut calls = 0;
        while !spins_on_two_cpus(&policy) {
            policy.record(Duration::from_micros(100));
            calls += 1;
        }
        assert!(calls < 60, "{calls}");
    }

    #[test]
    fn spin_wait_returns_what_another_thread_completes() {
        let (send, mut receive) = tokio::sync::oneshot::channel();
        let sender = std::thread::spawn(move || send.send(42).unwrap());
        // A window far longer than the answer can take: the wait ends on the answer, not on time.
        assert_eq!(spin_wait(&mut receive, Duration::from_secs(60)).map(Result::unwrap), Some(42));
        sender.join().unwrap();
    }

    #[test]
    fn spin_wait_gives_up_after_the_window_and_leaves_the_future_usable() {
        let (send, mut receive) = tokio::sync::oneshot::channel();
        let started = Instant::now();
        assert_eq!(spin_wait(&mut receive, Duration::from_millis(2)), None);
        assert!(started.elapsed() >= Duration::from_millis(2));
        send.send(7).unwrap();
        assert_eq!(spin_wait(&mut receive, Duration::ZERO).map(Result::unwrap), Some(7));
    }

    #[test]
    fn only_a_call_made_alone_may_spin_and_only_its_duration_counts() {
        let policy = SpinPolicy::new();
        let beside_others = policy.turn(false);
        assert_eq!(beside_others.window(), None);
        beside_others.finish();
        assert_eq!(policy.typical_micros.load(Ordering::Relaxed), 0, "not recorded");
        // Alone, on two CPUs, whatever this machine has.
        let alone = policy.turn_spinning(policy.window_on(2));
        assert_eq!(alone.window(), Some(SpinPolicy::WINDOW));
        alone.finish();
        assert!(policy.typical_micros.load(Ordering::Relaxed) > 0, "recorded");
    }
}
