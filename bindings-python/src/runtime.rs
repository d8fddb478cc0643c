//! The tokio runtime every call runs on, and the two ways Python waits for a call: blocking (the GIL
//! released) and asyncio (through pyo3-async-runtimes' generic bridge).
//!
//! The runtime is ours rather than pyo3-async-runtimes' global one so that it survives `os.fork()`: a
//! forked child inherits the runtime's memory but none of its threads, so the first call in a child (seen
//! as a new process id) builds a fresh runtime. The parent's is leaked in the child, never dropped, since
//! dropping it would wait for worker threads that do not exist there.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{self, ContextExt, JoinError};
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// Tasks of ours still running, among them the asyncio bridge's hand-back of each result (which it
/// runs with `spawn_blocking`, holding the GIL).
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
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match *slot {
        Some((owner, runtime)) if owner == pid => runtime,
        _ => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("langdock")
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

/// How often a blocking wait looks for a pending signal (Ctrl-C) in the main thread.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs `fut` to completion with the GIL released. A signal handler that raises (KeyboardInterrupt)
/// drops the future, which cancels the request, and the exception propagates.
pub fn block_on<T: Send>(py: Python<'_>, fut: impl Future<Output = T> + Send) -> PyResult<T> {
    py.detach(|| {
        runtime().block_on(async {
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

/// Turns `fut` into an asyncio awaitable on the running event loop. Cancelling the awaiting task
/// drops the Rust future, which cancels the request.
pub fn into_awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    generic::future_into_py::<Langdock, F, T>(py, fut)
}

/// Our runtime, as pyo3-async-runtimes' generic bridge sees it.
struct Langdock;

/// A failed task of our runtime.
pub struct TaskError(tokio::task::JoinError);

impl JoinError for TaskError {
    fn is_panic(&self) -> bool {
        self.0.is_panic()
    }
    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        self.0.into_panic()
    }
}

/// A task handle of our runtime.
pub struct Task(tokio::task::JoinHandle<()>);

impl Future for Task {
    type Output = Result<(), TaskError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map_err(TaskError)
    }
}

impl generic::Runtime for Langdock {
    type JoinError = TaskError;
    type JoinHandle = Task;

    fn spawn<F>(fut: F) -> Task
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let runtime = runtime();
        let guard = TaskGuard::new();
        Task(runtime.spawn(async move {
            let _guard = guard;
            fut.await
        }))
    }

    fn spawn_blocking<F>(f: F) -> Task
    where
        F: FnOnce() + Send + 'static,
    {
        let runtime = runtime();
        let guard = TaskGuard::new();
        Task(runtime.spawn_blocking(move || {
            let _guard = guard;
            f()
        }))
    }
}

tokio::task_local! {
    static TASK_LOCALS: std::cell::OnceCell<TaskLocals>;
}

impl ContextExt for Langdock {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = std::cell::OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(|cell| cell.get().cloned()).unwrap_or_default()
    }
}
