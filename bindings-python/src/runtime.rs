//! The tokio runtime every call runs on, and the two ways Python waits for a call: blocking (the GIL
//! released) and asyncio (an `asyncio.Future` that the loop thread completes, see [`into_awaitable`]).
//!
//! The runtime is ours so that it survives `os.fork()`: a forked child inherits the runtime's memory but
//! none of its threads, so the first call in a child (seen as a new process id) builds a fresh runtime.
//! The parent's is leaked in the child, never dropped, since dropping it would wait for worker threads
//! that do not exist there.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use langdock::binding::Completions;
use pyo3::IntoPyObjectExt;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// asyncio calls of ours not yet handed to their event loop (whose last step takes the GIL to wake it).
static TASKS: AtomicUsize = AtomicUsize::new(0);

/// Counts a task while it lives.
struct TaskGuard;

impl TaskGuard {
    fn new() -> TaskGuard {
        TASKS.fetch_add(1, Ordering::SeqCst);
        TaskGuard
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        TASKS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Waits, with the GIL released, until no task of ours runs, at most `timeout` seconds. Registered
/// with `atexit`: a runtime thread still handing a result to a finished event loop would otherwise
/// take the GIL while the interpreter shuts down, which aborts the process ("PyGILState_Release:
/// thread state must be current"; seen in 12 of 60 runs of a script that gathers 64 calls).
#[pyfunction]
pub fn _drain_tasks(py: Python<'_>, timeout: f64) {
    let deadline = std::time::Instant::now() + Duration::from_secs_f64(timeout.clamp(0.0, 60.0));
    py.detach(|| {
        while TASKS.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// The runtime of this process, built on first use and again in a forked child.
pub fn runtime() -> &'static Runtime {
    let pid = langdock::binding::process_id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match *slot {
        Some((owner, runtime)) if owner == pid => runtime,
        _ => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("langdock")
                .on_thread_start(|| THREAD_ROLE.set(ThreadRole::Runtime))
                .enable_all()
                .build()
                .unwrap_or_else(|e| panic!("cannot start the langdock runtime: {e}"));
            let runtime: &'static Runtime = Box::leak(Box::new(runtime));
            // A forked child has none of the parent's tasks, whatever the count says.
            TASKS.store(0, Ordering::SeqCst);
            *slot = Some((pid, runtime));
            runtime
        }
    }
}

/// How often a blocking wait in the main thread looks for a pending signal (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Polls `fut` on this thread, the GIL released, until it is ready or `window` has passed (see
/// [`langdock::binding::spin_wait`]): its output, or `None` with `fut` still pending.
pub fn spin_for<F: Future + Unpin + Send>(py: Python<'_>, fut: &mut F, window: Duration) -> Option<F::Output>
where
    F::Output: Send,
{
    py.detach(|| {
        let _context = runtime().enter();
        langdock::binding::spin_wait(fut, window)
    })
}

/// Runs `fut` to completion with the GIL released. In the main thread, a signal handler that raises
/// (KeyboardInterrupt) drops the future, which cancels the request, and the exception propagates. Other
/// threads wait without a timer: Python runs signal handlers in the main thread only.
pub fn block_on<T: Send>(py: Python<'_>, fut: impl Future<Output = T> + Send) -> PyResult<T> {
    let runtime = runtime();
    if !is_main_thread(py)? {
        return Ok(py.detach(|| runtime.block_on(fut)));
    }
    py.detach(|| {
        runtime.block_on(async {
            let mut fut = std::pin::pin!(fut);
            loop {
                tokio::select! {
                    out = &mut fut => return Ok(out),
                    () = tokio::time::sleep(SIGNAL_CHECK) => Python::attach(|py| py.check_signals())?,
                }
            }
        })
    })
}

/// What a thread is to [`keep_state`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum ThreadRole {
    /// Not one of the runtime's threads: it attaches as usual.
    Foreign,
    /// A runtime thread that has not attached yet.
    Runtime,
    /// A runtime thread that keeps its Python thread state between attaches.
    RuntimeKept,
}

thread_local! {
    /// What this thread is (see [`attach_keeping_state`]); the runtime marks its threads as they start.
    static THREAD_ROLE: std::cell::Cell<ThreadRole> = const { std::cell::Cell::new(ThreadRole::Foreign) };
}

/// `Python::attach`, but a runtime thread keeps the Python thread state it gets. CPython makes a thread state
/// for each attach of a thread it did not start and deletes it at the end, and with it maps and unmaps the
/// state's 16 KB frame stack; each unmap interrupts every core to flush its TLB. That was once per wake-up of an
/// event loop: 75-88 unmaps a 1,000 asyncio creates at 64 in flight, 0.2 since. One GIL-state level taken and never
/// released keeps the state (about 20 KB a runtime thread): later attaches find it. A thread that is not the
/// runtime's attaches as usual.
fn attach_keeping_state<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
    Python::attach(|py| {
        keep_state(py);
        f(py)
    })
}

/// [`Python::try_attach`] (nothing during the interpreter's shutdown), a runtime thread keeping its Python thread
/// state as in [`attach_keeping_state`].
pub fn try_attach_keeping_state<R>(f: impl FnOnce(Python<'_>) -> R) -> Option<R> {
    Python::try_attach(|py| {
        keep_state(py);
        f(py)
    })
}

/// On a runtime thread's first attach, takes the GIL-state level that keeps its thread state.
fn keep_state(_attached: Python<'_>) {
    if THREAD_ROLE.get() == ThreadRole::Runtime {
        // SAFETY: the GIL is held (`_attached`); the level taken here is never released, so that the count of
        // this thread's GIL-state levels stays above zero after the attach releases its own.
        unsafe { pyo3::ffi::PyGILState_Ensure() };
        THREAD_ROLE.set(ThreadRole::RuntimeKept);
    }
}

thread_local! {
    /// Whether this thread is Python's main thread, and in which process that was found (after `os.fork()`
    /// the forking thread is the child's main thread).
    static MAIN_THREAD: std::cell::Cell<Option<(u32, bool)>> = const { std::cell::Cell::new(None) };
}

fn is_main_thread(py: Python<'_>) -> PyResult<bool> {
    let pid = langdock::binding::process_id();
    if let Some((owner, main)) = MAIN_THREAD.get()
        && owner == pid
    {
        return Ok(main);
    }
    let threading = py.import(intern!(py, "threading"))?;
    let main_ident = threading.call_method0(intern!(py, "main_thread"))?.getattr(intern!(py, "ident"))?;
    let main = main_ident.eq(threading.call_method0(intern!(py, "get_ident"))?)?;
    MAIN_THREAD.set(Some((pid, main)));
    Ok(main)
}

/// Turns `fut` into an asyncio awaitable on the running event loop: an `asyncio.Future` of that loop,
/// which the loop thread completes when the task running `fut` on our runtime has finished. Finished
/// calls wait in their loop's [`Bridge`], which takes the GIL and wakes the loop only when it goes from
/// empty to not empty, so that many calls finishing together cost the loop one wake-up. Cancelling the
/// future (the awaiting task was cancelled) aborts the task, which drops `fut` and cancels the request.
///
/// With a `spin` window (a call made alone, see [`langdock::binding::SpinPolicy`]: the caller checked that the
/// loop has nothing else ready to run), the loop thread first polls `fut` itself, the GIL released, for up to that
/// window: an answer in time comes back as [`Ready`], and no thread is woken to bring it. Only then does the call
/// become a task.
pub fn into_awaitable<'py, F, T>(
    running_loop: &Bound<'py, PyAny>,
    fut: F,
    spin: Option<Duration>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let py = running_loop.py();
    // The runtime first: building it (in a forked child) resets the count of tasks.
    let runtime = runtime();
    let mut fut = Box::pin(fut);
    if let Some(answer) = spin.and_then(|window| spin_for(py, &mut fut, window)) {
        let answer = answer.and_then(|value| value.into_py_any(py));
        return Ok(Bound::new(py, Ready { answer: Some(answer), yielded: false })?.into_any());
    }
    let bridge = Bridge::of(running_loop)?;
    let future = running_loop.call_method0(intern!(py, "create_future"))?;
    let cancel = Bound::new(py, Cancel { task: OnceLock::new() })?;
    let mut delivery = Delivery {
        item: Some(Finished { future: future.clone().unbind(), cancel: cancel.clone().unbind(), answer: None }),
        bridge,
        _task: TaskGuard::new(),
    };
    let task = runtime.spawn(async move {
        let answer = fut.await;
        delivery.deliver(Box::new(move |py| answer.and_then(|value| value.into_py_any(py))));
    });
    let _ = cancel.get().task.set(task.abort_handle());
    future.call_method1(intern!(py, "add_done_callback"), (cancel,))?;
    Ok(future)
}

/// The running event loop; a `RuntimeError` outside one.
pub fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?.call0()
}

/// Whether `event_loop` has no callback ready to run besides the one running (asyncio's own loops keep them in
/// `_ready`; a loop without it, such as uvloop's, counts as busy, so its calls are never spun for).
pub fn nothing_else_ready(event_loop: &Bound<'_, PyAny>) -> bool {
    let py = event_loop.py();
    event_loop.getattr(intern!(py, "_ready")).and_then(|ready| ready.len()).is_ok_and(|ready| ready == 0)
}

/// A call answered while the loop thread spun for it: awaiting it yields to the loop once (as
/// `asyncio.sleep(0)` does), so that a task making such calls in a row still lets other tasks and the loop's
/// I/O run, and then gives the answer, or raises the call's error.
#[pyclass(module = "langdock._native")]
pub struct Ready {
    /// Taken when the awaiting task resumes.
    answer: Option<PyResult<Py<PyAny>>>,
    /// Whether the await has yielded to the loop.
    yielded: bool,
}

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The first step yields `None` (back to the loop, which resumes the task on its next turn); the second
    /// ends the await with the answer.
    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if !self.yielded {
            self.yielded = true;
            return Ok(Some(py.None()));
        }
        match self.answer.take() {
            Some(Ok(value)) => Err(pyo3::exceptions::PyStopIteration::new_err((value,))),
            Some(Err(error)) => Err(error),
            None => Err(pyo3::exceptions::PyRuntimeError::new_err("this call's answer was already awaited")),
        }
    }
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static WEAKREF: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
/// Each event loop's bridge, kept no longer than the loop (a `weakref.WeakKeyDictionary`).
static BRIDGES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Makes a call's answer a Python object, on the loop thread.
type Answer = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// A call for the loop thread to hand to its future.
struct Finished {
    future: Py<PyAny>,
    cancel: Py<Cancel>,
    /// None when the task ended without an answer: it was aborted (its future is cancelled) or it panicked.
    answer: Option<Answer>,
}

/// A call's way back to its event loop: delivers exactly once, also when the task is dropped before it
/// finished, so that a future is never left pending and its Python objects are released with the GIL.
struct Delivery {
    item: Option<Finished>,
    bridge: Py<Bridge>,
    /// Counts the task until its answer is queued and the loop woken (see [`_drain_tasks`]).
    _task: TaskGuard,
}

impl Delivery {
    fn deliver(&mut self, answer: Answer) {
        if let Some(mut item) = self.item.take() {
            item.answer = Some(answer);
            self.bridge.get().push(&self.bridge, item);
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if let Some(item) = self.item.take() {
            self.bridge.get().push(&self.bridge, item);
        }
    }
}

/// The finished calls of one event loop, and (called) the drain that hands them to their futures.
#[pyclass(frozen, module = "langdock._native")]
pub struct Bridge {
    finished: Completions<Finished>,
    /// A weak reference to the loop: the bridge lives in a `WeakKeyDictionary` keyed by the loop.
    event_loop: Py<PyAny>,
}

impl Bridge {
    /// The bridge of `event_loop`, made on its first call.
    fn of(event_loop: &Bound<'_, PyAny>) -> PyResult<Py<Bridge>> {
        let py = event_loop.py();
        let bridges = BRIDGES
            .get_or_try_init(py, || py.import("weakref")?.getattr("WeakKeyDictionary")?.call0().map(Bound::unbind))?;
        let bridges = bridges.bind(py);
        if let Ok(bridge) = bridges.call_method1(intern!(py, "get"), (event_loop,))?.cast::<Bridge>() {
            return Ok(bridge.clone().unbind());
        }
        let weak = WEAKREF.import(py, "weakref", "ref")?.call1((event_loop,))?.unbind();
        let bridge = Py::new(py, Bridge { finished: Completions::default(), event_loop: weak })?;
        bridges.set_item(event_loop, &bridge)?;
        Ok(bridge)
    }

    /// Queues a finished call; the first one since the last drain schedules the next drain on the loop.
    fn push(&self, this: &Py<Bridge>, item: Finished) {
        if self.finished.push(item) {
            attach_keeping_state(|py| {
                let scheduled = self.event_loop.bind(py).call0().and_then(|event_loop| {
                    event_loop.call_method1(intern!(py, "call_soon_threadsafe"), (this.bind(py),))
                });
                if scheduled.is_err() {
                    // The loop is closed (or gone): nobody can await these calls any more. Their Python
                    // objects are released here, with the GIL.
                    drop(self.finished.take());
                }
            });
        }
    }
}

#[pymethods]
impl Bridge {
    /// Hands every finished call to its future (on the loop thread); futures already cancelled are skipped.
    fn __call__(&self, py: Python<'_>) {
        for item in self.finished.take() {
            // A failure here (the future was completed elsewhere) concerns that call alone.
            let _ = hand_over(py, item);
        }
    }
}

fn hand_over(py: Python<'_>, item: Finished) -> PyResult<()> {
    let future = item.future.bind(py);
    // Done means cancelled: nothing else completes it. Its task was aborted (or is about to be).
    if future.call_method0(intern!(py, "done"))?.is_truthy()? {
        return Ok(());
    }
    // Completing the future would otherwise schedule the cancel callback, one more turn of the loop.
    future.call_method1(intern!(py, "remove_done_callback"), (item.cancel.bind(py),))?;
    let answer = match item.answer {
        Some(answer) => crate::errors::catch_panic(py, || answer(py)),
        None => Err(crate::errors::to_py_err(
            py,
            langdock::binding::panic_error(&"the call's task ended without an answer"),
        )),
    };
    match answer {
        Ok(value) => future.call_method1(intern!(py, "set_result"), (value,))?,
        Err(error) => future.call_method1(intern!(py, "set_exception"), (error.into_value(py),))?,
    };
    Ok(())
}

/// A call's done-callback: the future was cancelled, so the call's task is aborted (which drops the call).
#[pyclass(frozen, module = "langdock._native")]
pub struct Cancel {
    task: OnceLock<tokio::task::AbortHandle>,
}

#[pymethods]
impl Cancel {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        if let Some(task) = self.task.get() {
            task.abort();
        }
    }
}
