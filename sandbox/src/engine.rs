//! One run in QuickJS: the wrapper that makes the code an async function body, the native functions under
//! `ld`, the limits, and the event loop that settles `ld.request` / `ld.wait` promises.
//!
//! The event loop is ours rather than rquickjs's async runtime: JavaScript runs synchronously on one thread, and
//! between job-queue drains the loop awaits the next finished request or wait (on a current-thread tokio
//! runtime) up to the run's deadline. So a time limit that passes while the code awaits ends the run cleanly,
//! and nothing JavaScript owns is ever held by a dropped future.

use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use futures_util::stream::{FuturesUnordered, StreamExt};
use rquickjs::allocator::{Allocator, RustAllocator};
use rquickjs::context::EvalOptions;
use rquickjs::{
    ArrayBuffer, CatchResultExt, CaughtError, Coerced, Context, Ctx, Exception, Function, Object, Persistent, Promise,
    Runtime, TypedArray, Value, promise::PromiseState,
};
use serde::Deserialize;

use crate::checks;
use crate::http::{Answer, Failure, Prepared, RequestSpec, Transport};
use crate::redact::Redactor;
use crate::spec::{ErrorKind, LogLine, Outcome, RequestRecord, RunError, RunSpec};

/// What the user's code is wrapped in. Kept on the code's first line, so line numbers are the file's; columns on
/// line 1 are shifted back by its length.
const PREFIX: &str = "(async function (data, ld, env, lastPollTime) { ";
const SUFFIX: &str = "\n})";
const PRELUDE: &str = include_str!("prelude.js");
const PRELUDE_NAME: &str = "<langdock-sandbox>";

/// Checks that `code` parses as the body of an async function, reporting `file:line:column` of a syntax error.
pub(crate) fn check_syntax(code: &str, file_name: &str) -> Result<(), RunError> {
    let runtime =
        Runtime::new().map_err(|e| RunError::new(ErrorKind::InvalidSpec, format!("cannot start QuickJS: {e}")))?;
    let context = Context::full(&runtime)
        .map_err(|e| RunError::new(ErrorKind::InvalidSpec, format!("cannot start QuickJS: {e}")))?;
    context.with(|ctx| compile(&ctx, code, file_name).map(|_| ()))
}

/// Compiles the wrapped code; the result is the async function to call.
fn compile<'js>(ctx: &Ctx<'js>, code: &str, file_name: &str) -> Result<Function<'js>, RunError> {
    let mut options = EvalOptions::default();
    options.global = true;
    options.strict = false;
    options.filename = Some(file_name.to_owned());
    let source = format!("{PREFIX}{code}{SUFFIX}");
    let value = ctx.eval_with_options::<Value, _>(source, options).catch(ctx).map_err(|caught| {
        let mut error = describe(ctx, caught, file_name);
        error.kind = ErrorKind::Syntax;
        // An error at the end of input is reported on the wrapper's closing line: point at the code's end instead.
        let lines = code.split('\n').count().max(1) as u32;
        if error.line.is_some_and(|line| line > lines) {
            error.line = Some(lines);
            error.column = Some(code.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) as u32 + 1);
        }
        error
    })?;
    // Unbalanced braces can close the wrapper early and still parse (`}); (function () {`): then the wrapper
    // no longer evaluates to the async function the code should be the body of.
    let tag: Option<String> = ctx
        .eval::<Function, _>("(f) => Object.prototype.toString.call(f) + '/' + f.length")
        .and_then(|f| f.call((value.clone(),)))
        .ok();
    match value.into_function() {
        // The wrapper's own function: async, with its four parameters.
        Some(function) if tag.as_deref() == Some("[object AsyncFunction]/4") => Ok(function),
        _ => {
            let mut error = RunError::new(
                ErrorKind::Syntax,
                "SyntaxError: unbalanced braces: the code closes the async function it runs in before its end",
            );
            error.file = Some(file_name.to_owned());
            Err(error)
        }
    }
}

/// A caught JavaScript value as a located [`RunError`] of kind `thrown` (the caller refines the kind).
fn describe<'js>(ctx: &Ctx<'js>, caught: CaughtError<'js>, file_name: &str) -> RunError {
    let value = match caught {
        CaughtError::Error(e) => return RunError::new(ErrorKind::Thrown, e.to_string()),
        CaughtError::Exception(exception) => exception.into_value(),
        CaughtError::Value(value) => value,
    };
    describe_value(ctx, value, file_name)
}

fn describe_value<'js>(ctx: &Ctx<'js>, value: Value<'js>, file_name: &str) -> RunError {
    let is_error = value.as_object().is_some_and(|o| o.contains_key("message").unwrap_or(false));
    if !is_error && value.is_object() {
        let text = ctx.json_stringify(value.clone()).ok().flatten().and_then(|s| s.to_string().ok());
        let text = text.unwrap_or_else(|| "an object".to_owned());
        return RunError::new(ErrorKind::Thrown, format!("the code threw a non-Error value: {text}"));
    }
    let Some(object) = value.as_object() else {
        let text = value.get::<Coerced<String>>().map(|c| c.0).unwrap_or_else(|_| "a non-Error value".to_owned());
        return RunError::new(ErrorKind::Thrown, format!("the code threw a non-Error value: {text}"));
    };
    let get = |name: &str| object.get::<_, Option<Coerced<String>>>(name).ok().flatten().map(|c| c.0);
    let name = get("name").unwrap_or_default();
    let message = get("message").unwrap_or_default();
    let stack = get("stack").unwrap_or_default();
    let message = if name.is_empty() || name == "Error" { message } else { format!("{name}: {message}") };
    let mut error = RunError::new(ErrorKind::Thrown, message);
    if let Some((line, column)) = locate(&stack, file_name) {
        error.file = Some(file_name.to_owned());
        error.line = Some(line);
        error.column = Some(column);
    }
    error
}

/// The first stack frame in the user's file, as `(line, column)` of the file (the wrapper's prefix removed).
fn locate(stack: &str, file_name: &str) -> Option<(u32, u32)> {
    for frame in stack.lines() {
        let frame = frame.trim().trim_start_matches("at ").trim();
        let place = match (frame.rfind('('), frame.ends_with(')')) {
            (Some(open), true) => &frame[open + 1..frame.len() - 1],
            _ => frame,
        };
        let mut parts = place.rsplitn(3, ':');
        let (Some(column), Some(line), Some(file)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let (Ok(line), Ok(column)) = (line.parse::<u32>(), column.parse::<u32>()) else { continue };
        if file != file_name {
            continue;
        }
        let prefix = PREFIX.chars().count() as u32;
        let column = if line == 1 && column > prefix { column - prefix } else { column };
        return Some((line, column));
    }
    None
}

/// Work the code asked for, waiting to be started by the event loop.
enum Op {
    Request(u32, Result<Prepared, String>),
    Wait(u32, Duration),
}

/// Work that finished.
enum Done {
    Request { id: u32, record: usize, binary: bool, result: Result<Answer, Failure>, took: Duration },
    Wait { id: u32 },
}

/// What the native functions share with the event loop.
#[derive(Default)]
struct State {
    logs: Vec<LogLine>,
    queue: Vec<Op>,
    next_id: u32,
    log_bytes: usize,
    logs_dropped: u64,
    unsupported: Option<String>,
    replay_miss: Option<String>,
    redactor: Redactor,
}

/// How much `ld.log` output a run keeps; later lines are counted, not kept.
const MAX_LOG_BYTES: usize = 8 * 1024 * 1024;

impl State {
    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }
}

/// The functions the prelude returns for the event loop.
struct Hooks {
    settle: Persistent<Function<'static>>,
    serialize: Persistent<Function<'static>>,
}

#[derive(Deserialize)]
struct Serialized {
    result: serde_json::Value,
    undefined: bool,
    violations: Vec<String>,
}

/// Stops a run early: set when the caller of [`crate::run`] drops its future (a Ctrl-C in Python or Node), so the
/// run's thread does not go on until the time limit.
#[derive(Debug, Default)]
pub(crate) struct Cancel {
    flag: AtomicBool,
    notify: tokio::sync::Notify,
}

impl Cancel {
    /// Asks the run to stop as soon as it can: at QuickJS's next interrupt check or the event loop's next wait.
    pub(crate) fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
        self.notify.notify_one();
    }

    fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

/// Runs one spec to its end on the current thread (which must not be inside a tokio runtime).
pub(crate) fn run_here(spec: RunSpec, cancel: Arc<Cancel>) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::failed(RunError::new(ErrorKind::InvalidSpec, format!("cannot start tokio: {e}"))),
    };
    runtime.block_on(run_spec(spec, &cancel))
}

async fn run_spec(spec: RunSpec, cancel: &Arc<Cancel>) -> Outcome {
    if !(spec.time_limit_seconds.is_finite() && spec.time_limit_seconds > 0.0) {
        return Outcome::failed(RunError::new(
            ErrorKind::InvalidSpec,
            format!("timeLimitSeconds must be a positive number of seconds, not {}", spec.time_limit_seconds),
        ));
    }
    if spec.memory_limit_mb == 0 || spec.memory_limit_mb > 64 * 1024 {
        return Outcome::failed(RunError::new(
            ErrorKind::InvalidSpec,
            format!("memoryLimitMb must be between 1 and 65536, not {}", spec.memory_limit_mb),
        ));
    }
    let warnings = checks::warnings(&spec.code, spec.kind);
    let redactor = Redactor::new(&spec.auth, spec.env.values());
    let memory_bytes = (spec.memory_limit_mb as usize).saturating_mul(1024 * 1024);
    let mut transport = match Transport::new(&spec.http, redactor.clone(), memory_bytes) {
        Ok(transport) => transport,
        Err(error) => return Outcome { warnings, ..Outcome::failed(error) },
    };
    let mut outcome = execute(&spec, &mut transport, redactor, cancel).await;
    outcome.warnings = warnings;
    if let Err(error) = transport.finish()
        && outcome.error.is_none()
    {
        outcome.ok = false;
        outcome.error = Some(error);
    }
    outcome
}

async fn execute(spec: &RunSpec, transport: &mut Transport, redactor: Redactor, cancel: &Arc<Cancel>) -> Outcome {
    let limit = Duration::from_secs_f64(spec.time_limit_seconds.min(365.0 * 86_400.0));
    let deadline = Instant::now() + limit;
    let timed_out = Rc::new(Cell::new(false));
    let state = Rc::new(RefCell::new(State { redactor, ..State::default() }));
    let mut requests: Vec<RequestRecord> = Vec::new();

    let memory_hit = Arc::new(AtomicBool::new(false));
    let allocator = LimitedAllocator {
        inner: RustAllocator,
        used: 0,
        limit: (spec.memory_limit_mb as usize).saturating_mul(1024 * 1024),
        hit: memory_hit.clone(),
    };
    let runtime = match Runtime::new_with_alloc(allocator) {
        Ok(runtime) => runtime,
        Err(e) => return Outcome::failed(RunError::new(ErrorKind::InvalidSpec, format!("cannot start QuickJS: {e}"))),
    };
    {
        let timed_out = timed_out.clone();
        let cancel = cancel.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || {
            // A cancelled run stops like a timed-out one; nobody reads its outcome.
            if Instant::now() >= deadline || cancel.is_cancelled() {
                timed_out.set(true);
            }
            timed_out.get()
        })));
    }
    let context = match Context::full(&runtime) {
        Ok(context) => context,
        Err(e) => {
            return Outcome::failed(RunError::new(
                ErrorKind::Memory,
                format!("cannot start QuickJS within the memory limit of {} MB: {e}", spec.memory_limit_mb),
            ));
        }
    };

    // Set up the globals, compile and call the code.
    let started = context.with(|ctx| -> Result<(Hooks, Persistent<Promise<'static>>), RunError> {
        let hooks_object = install(&ctx, spec, &state)?;
        let hook = |name: &str| -> Result<Persistent<Function<'static>>, RunError> {
            let f: Function = hooks_object.get(name).map_err(|e| internal(format!("prelude hook {name}: {e}")))?;
            Ok(Persistent::save(&ctx, f))
        };
        let hooks = Hooks { settle: hook("settle")?, serialize: hook("serialize")? };
        let args: rquickjs::Array = hooks_object.get("args").map_err(|e| internal(format!("prelude args: {e}")))?;
        let function = compile(&ctx, &spec.code, &spec.file_name)?;
        let mut call_args = rquickjs::function::Args::new(ctx.clone(), 4);
        for i in 0..4 {
            let value: Value = args.get(i).map_err(|e| internal(format!("prelude args: {e}")))?;
            call_args.push_arg(value).map_err(|e| internal(format!("arguments: {e}")))?;
        }
        let promise: Promise =
            function.call_arg(call_args).catch(&ctx).map_err(|caught| describe(&ctx, caught, &spec.file_name))?;
        Ok((hooks, Persistent::save(&ctx, promise)))
    });
    let (hooks, promise) = match started {
        Ok(started) => started,
        Err(error) => {
            // The code's synchronous start (up to its first await) can already break a limit.
            let error = if error.kind == ErrorKind::Syntax {
                error
            } else {
                refine(error, spec, timed_out.get(), memory_hit.load(Ordering::Relaxed), &state.borrow())
            };
            let logs = std::mem::take(&mut state.borrow_mut().logs);
            return Outcome { logs, ..Outcome::failed(error) };
        }
    };

    // The event loop.
    let mut inflight: FuturesUnordered<Pin<Box<dyn std::future::Future<Output = Done>>>> = FuturesUnordered::new();
    let mut stalled = false;
    loop {
        while runtime.is_job_pending() {
            if runtime.execute_pending_job().is_err() {
                // A job's exception lands in its promise; nothing to do here but keep draining.
                continue;
            }
        }
        let settled = context.with(|ctx| promise.clone().restore(&ctx).map(|p| p.state() != PromiseState::Pending));
        if settled.unwrap_or(true) || timed_out.get() || cancel.is_cancelled() {
            timed_out.set(timed_out.get() || cancel.is_cancelled());
            break;
        }
        let ops = std::mem::take(&mut state.borrow_mut().queue);
        for op in ops {
            match op {
                Op::Wait(id, duration) => inflight.push(Box::pin(async move {
                    tokio::time::sleep(duration).await;
                    Done::Wait { id }
                })),
                Op::Request(id, Err(message)) => inflight.push(Box::pin(async move {
                    Done::Request {
                        id,
                        record: usize::MAX,
                        binary: false,
                        result: Err(Failure { message, replay_miss: false }),
                        took: Duration::ZERO,
                    }
                })),
                Op::Request(id, Ok(prepared)) => {
                    let record = requests.len();
                    requests.push(RequestRecord {
                        method: prepared.method.clone(),
                        url: transport.redactor().url(&prepared.url),
                        status: None,
                        duration_ms: 0,
                    });
                    let binary = prepared.binary;
                    let future = transport.start(prepared);
                    inflight.push(Box::pin(async move {
                        let (result, took) = future.await;
                        Done::Request { id, record, binary, result, took }
                    }));
                }
            }
        }
        if inflight.is_empty() {
            stalled = true;
            break;
        }
        let next = tokio::time::timeout_at(deadline.into(), inflight.next());
        let done = tokio::select! {
            next = next => match next {
                Ok(Some(done)) => done,
                Ok(None) => continue,
                Err(_) => {
                    timed_out.set(true);
                    break;
                }
            },
            () = cancel.notify.notified() => {
                timed_out.set(true);
                break;
            }
        };
        context.with(|ctx| deliver(&ctx, &hooks, &state, &mut requests, done));
    }
    drop(inflight);

    // The result.
    let mut outcome = Outcome::failed(RunError::new(ErrorKind::Thrown, "no result"));
    context.with(|ctx| {
        let Ok(promise) = promise.clone().restore(&ctx) else {
            return;
        };
        let state_ref = state.borrow();
        let memory_hit = memory_hit.load(Ordering::Relaxed);
        match promise.state() {
            PromiseState::Pending => {
                let error = RunError::new(
                    ErrorKind::Thrown,
                    if stalled {
                        "the code never finished: it awaits a promise that nothing settles (no ld.request or ld.wait is pending)"
                    } else {
                        "the code never finished"
                    },
                );
                outcome.error = Some(refine(error, spec, timed_out.get(), memory_hit, &state_ref));
            }
            PromiseState::Rejected => {
                let _ = promise.result::<Value>();
                let error = describe_value(&ctx, ctx.catch(), &spec.file_name);
                outcome.error = Some(refine(error, spec, timed_out.get(), memory_hit, &state_ref));
            }
            PromiseState::Resolved if timed_out.get() || state_ref.replay_miss.is_some() => {
                // The code caught the timeout or the replay miss; a run that broke its limit or needed an
                // unrecorded request is still not a pass.
                let error = RunError::new(ErrorKind::Thrown, "");
                outcome.error = Some(refine(error, spec, timed_out.get(), memory_hit, &state_ref));
            }
            PromiseState::Resolved => {
                let value: Value = match promise.result::<Value>() {
                    Some(Ok(value)) => value,
                    _ => return,
                };
                let serialize = match hooks.serialize.clone().restore(&ctx) {
                    Ok(f) => f,
                    Err(e) => {
                        outcome.error = Some(internal(format!("prelude serialize: {e}")));
                        return;
                    }
                };
                match serialize.call::<_, String>((value,)).catch(&ctx) {
                    Ok(json) => match serde_json::from_str::<Serialized>(&json) {
                        Ok(serialized) => {
                            outcome.ok = true;
                            outcome.error = None;
                            outcome.result = if serialized.undefined { None } else { Some(serialized.result) };
                            outcome.violations = serialized.violations;
                            outcome.violations.extend(checks::violations(spec.kind, outcome.result.as_ref()));
                        }
                        Err(e) => outcome.error = Some(internal(format!("result JSON: {e}"))),
                    },
                    Err(caught) => {
                        let mut error = describe(&ctx, caught, &spec.file_name);
                        error.message = format!("the returned value cannot be turned into JSON: {}", error.message);
                        outcome.error = Some(refine(error, spec, timed_out.get(), memory_hit, &state_ref));
                    }
                }
            }
        }
    });
    drop(hooks);
    drop(promise);
    let mut state = state.borrow_mut();
    outcome.logs = std::mem::take(&mut state.logs);
    if state.logs_dropped > 0 {
        outcome.logs.push(LogLine {
            message: format!(
                "[{} more log lines dropped: a run keeps {} MB of log output]",
                state.logs_dropped,
                MAX_LOG_BYTES >> 20
            ),
        });
    }
    outcome.requests = requests;
    outcome
}

/// Names the limit or the replay miss behind a failure, keeping its location: what the code threw on the way
/// out (an `interrupted` or `out of memory` error, a caught-and-rethrown miss) is a symptom.
fn refine(mut error: RunError, spec: &RunSpec, timed_out: bool, memory_hit: bool, state: &State) -> RunError {
    if timed_out {
        // QuickJS locates an interrupt at the function's start, not at the loop: no location beats a wrong one.
        error.file = None;
        error.line = None;
        error.column = None;
        error.kind = ErrorKind::Timeout;
        error.message = format!("the run passed its time limit of {} s and was stopped", spec.time_limit_seconds);
    } else if let Some(miss) = &state.replay_miss {
        error.kind = ErrorKind::ReplayMiss;
        error.message = miss.clone();
    } else if memory_hit || error.message.contains("out of memory") {
        error.kind = ErrorKind::Memory;
        error.message = format!("the run passed its memory limit of {} MB (out of memory)", spec.memory_limit_mb);
    } else if state.unsupported.as_deref().is_some_and(|m| error.message.contains(m)) {
        error.kind = ErrorKind::Unsupported;
    }
    error
}

/// QuickJS's allocator with the run's memory limit, remembering whether an allocation was refused: the engine
/// then throws `out of memory`, or `null` when even that error cannot be allocated, and the flag tells either
/// apart from an ordinary throw.
struct LimitedAllocator {
    inner: RustAllocator,
    used: usize,
    limit: usize,
    hit: Arc<AtomicBool>,
}

impl LimitedAllocator {
    fn admit(&mut self, extra: usize) -> bool {
        if self.used.saturating_add(extra) > self.limit {
            self.hit.store(true, Ordering::Relaxed);
            false
        } else {
            true
        }
    }
}

// SAFETY: every call delegates to rquickjs's own RustAllocator; this only counts bytes and refuses requests.
unsafe impl Allocator for LimitedAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        if !self.admit(size) {
            return std::ptr::null_mut();
        }
        let ptr = self.inner.alloc(size);
        if !ptr.is_null() {
            self.used += unsafe { RustAllocator::usable_size(ptr) };
        }
        ptr
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        if !self.admit(count.saturating_mul(size)) {
            return std::ptr::null_mut();
        }
        let ptr = self.inner.calloc(count, size);
        if !ptr.is_null() {
            self.used += unsafe { RustAllocator::usable_size(ptr) };
        }
        ptr
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        if !ptr.is_null() {
            self.used = self.used.saturating_sub(unsafe { RustAllocator::usable_size(ptr) });
        }
        unsafe { self.inner.dealloc(ptr) }
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        // C's realloc contract, which RustAllocator does not handle itself.
        if ptr.is_null() {
            return self.alloc(new_size);
        }
        if new_size == 0 {
            unsafe { self.dealloc(ptr) };
            return std::ptr::null_mut();
        }
        let old = unsafe { RustAllocator::usable_size(ptr) };
        if new_size > old && !self.admit(new_size - old) {
            return std::ptr::null_mut();
        }
        let new = unsafe { self.inner.realloc(ptr, new_size) };
        if !new.is_null() {
            self.used = self.used.saturating_sub(old) + unsafe { RustAllocator::usable_size(new) };
        }
        new
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        unsafe { RustAllocator::usable_size(ptr) }
    }
}

fn internal(message: String) -> RunError {
    RunError::new(ErrorKind::Thrown, format!("sandbox internal error: {message}"))
}

/// Hands a finished request or wait to its promise.
fn deliver<'js>(ctx: &Ctx<'js>, hooks: &Hooks, state: &Rc<RefCell<State>>, requests: &mut [RequestRecord], done: Done) {
    let Ok(settle) = hooks.settle.clone().restore(ctx) else { return };
    let undefined = Value::new_undefined(ctx.clone());
    let _ = match done {
        Done::Wait { id } => settle.call::<_, ()>((id, true, undefined.clone(), undefined)),
        Done::Request { id, record, binary, result, took } => {
            if let Some(entry) = requests.get_mut(record) {
                entry.duration_ms = took.as_millis() as u64;
                entry.status = result.as_ref().ok().map(|a| a.status);
            }
            match result {
                Ok(answer) => deliver_answer(ctx, &settle, id, answer, binary),
                Err(failure) => {
                    if failure.replay_miss {
                        state.borrow_mut().replay_miss.get_or_insert(failure.message.clone());
                    }
                    let message = rquickjs::String::from_str(ctx.clone(), &failure.message).map(|s| s.into_value());
                    match message {
                        Ok(message) => settle.call::<_, ()>((id, false, message, undefined)),
                        Err(e) => Err(e),
                    }
                }
            }
        }
    };
}

fn deliver_answer<'js>(
    ctx: &Ctx<'js>,
    settle: &Function<'js>,
    id: u32,
    answer: Answer,
    binary: bool,
) -> rquickjs::Result<()> {
    let mut payload = serde_json::json!({ "status": answer.status, "headers": answer.headers, "binary": binary });
    let buffer = if binary {
        ArrayBuffer::new(ctx.clone(), answer.body)?.into_value()
    } else {
        payload["text"] = serde_json::Value::String(String::from_utf8_lossy(&answer.body).into_owned());
        Value::new_undefined(ctx.clone())
    };
    let payload = rquickjs::String::from_str(ctx.clone(), &payload.to_string())?.into_value();
    settle.call::<_, ()>((id, true, payload, buffer))
}

/// Installs the native functions, evaluates the prelude and returns what it returns.
fn install<'js>(ctx: &Ctx<'js>, spec: &RunSpec, state: &Rc<RefCell<State>>) -> Result<Object<'js>, RunError> {
    let native = Object::new(ctx.clone()).map_err(|e| internal(format!("native object: {e}")))?;
    let set = |name: &str, f: rquickjs::Result<Function<'js>>| -> Result<(), RunError> {
        let f = f.map_err(|e| internal(format!("native {name}: {e}")))?;
        native.set(name, f).map_err(|e| internal(format!("native {name}: {e}")))
    };

    let s = state.clone();
    set(
        "log",
        Function::new(ctx.clone(), move |message: String| {
            let mut state = s.borrow_mut();
            // Logs live outside the JavaScript heap: a logging loop must not grow them without bound.
            if state.log_bytes >= MAX_LOG_BYTES {
                state.logs_dropped += 1;
                return;
            }
            state.log_bytes += message.len();
            let message = state.redactor.text(&message);
            state.logs.push(LogLine { message });
        }),
    )?;
    let s = state.clone();
    set(
        "request",
        Function::new(ctx.clone(), move |spec: String| {
            let mut state = s.borrow_mut();
            let id = state.id();
            let prepared = serde_json::from_str::<RequestSpec>(&spec)
                .map_err(|e| format!("ld.request: bad options: {e}"))
                .and_then(RequestSpec::prepare);
            state.queue.push(Op::Request(id, prepared));
            id
        }),
    )?;
    let s = state.clone();
    set(
        "wait",
        Function::new(ctx.clone(), move |ms: f64| {
            let mut state = s.borrow_mut();
            let id = state.id();
            let ms = if ms.is_finite() { ms.clamp(0.0, 30_000.0) } else { 0.0 };
            state.queue.push(Op::Wait(id, Duration::from_secs_f64(ms / 1000.0)));
            id
        }),
    )?;
    set(
        "b64encode",
        Function::new(ctx.clone(), |bytes: TypedArray<u8>| -> rquickjs::Result<String> {
            Ok(base64::engine::general_purpose::STANDARD.encode(copy_bytes(&bytes)))
        }),
    )?;
    set(
        "b64decode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, text: String| -> rquickjs::Result<ArrayBuffer<'js>> {
            let cleaned: String = text
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| match c {
                    '-' => '+',
                    '_' => '/',
                    c => c,
                })
                .collect();
            let cleaned = cleaned.trim_end_matches('=');
            match base64::engine::general_purpose::STANDARD_NO_PAD.decode(cleaned) {
                Ok(bytes) => ArrayBuffer::new(ctx, bytes),
                Err(e) => Err(Exception::throw_type(&ctx, &format!("invalid base64: {e}"))),
            }
        }),
    )?;
    set(
        "utf8encode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, text: String| ArrayBuffer::new(ctx, text.into_bytes())),
    )?;
    set(
        "utf8decode",
        Function::new(ctx.clone(), |bytes: TypedArray<u8>| -> String {
            String::from_utf8_lossy(&copy_bytes(&bytes)).into_owned()
        }),
    )?;
    set(
        "signRs256",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, input: String, pem: String, encoding: String| {
            crate::crypto::sign_rs256(&input, &pem, &encoding)
                .map_err(|message| Exception::throw_message(&ctx, &message))
        }),
    )?;
    let s = state.clone();
    set(
        "unsupported",
        Function::new(ctx.clone(), move |name: String| {
            let message = format!(
                "{name} is not emulated by the local sandbox (Parquet/Arrow conversions run only on the Langdock platform)"
            );
            s.borrow_mut().unsupported = Some(message.clone());
            message
        }),
    )?;

    let config = serde_json::json!({
        "input": spec.input,
        "auth": spec.auth,
        "env": spec.env,
        "lastPollTime": spec.last_poll_time,
    });
    let config = ctx.json_parse(config.to_string()).map_err(|e| internal(format!("config: {e}")))?;
    let mut options = EvalOptions::default();
    options.global = true;
    options.strict = true;
    options.filename = Some(PRELUDE_NAME.to_owned());
    let prelude: Function = ctx
        .eval_with_options(PRELUDE, options)
        .catch(ctx)
        .map_err(|caught| internal(format!("prelude: {}", describe(ctx, caught, PRELUDE_NAME).message)))?;
    prelude
        .call::<_, Object>((native, config))
        .catch(ctx)
        .map_err(|caught| internal(format!("prelude: {}", describe(ctx, caught, PRELUDE_NAME).message)))
}

/// A copy of a typed array's bytes (empty when detached), taken before any more JavaScript runs.
fn copy_bytes(bytes: &TypedArray<'_, u8>) -> Vec<u8> {
    // SAFETY: the slice is copied at once; no JavaScript runs while it is borrowed.
    unsafe { bytes.as_bytes() }.map(<[u8]>::to_vec).unwrap_or_default()
}
