//! How a call runs: blocking with the GIL released, or as an asyncio awaitable; counted while in flight;
//! a panic inside it becomes an `InternalError`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};

use langdock::binding::{Output, SpinPolicy};
use pyo3::prelude::*;

use crate::convert::seconds;
use crate::errors::to_py_err;
use crate::outcome::Outcome;
use crate::runtime::{block_on, into_awaitable, nothing_else_ready, running_loop, spin_for};

/// A core call, planned (its arguments converted) and not yet run.
pub type Call = Pin<Box<dyn Future<Output = langdock::Result<Output>> + Send + 'static>>;

/// A call as it runs, blocking or in a task of the runtime: a panic inside it becomes an `InternalError`.
async fn guarded(call: Call) -> langdock::Result<Output> {
    langdock::binding::catch_panic(async move {
        #[cfg(debug_assertions)]
        langdock::binding::debug::checkpoint("call");
        call.await
    })
    .await
}

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Counts a call from its start until its future completes or is dropped (cancelled).
struct InFlight;

impl InFlight {
    fn enter() -> InFlight {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many calls are running: started and neither finished nor cancelled (for tests of cancellation).
#[pyfunction]
pub fn _in_flight() -> usize {
    IN_FLIGHT.load(Ordering::SeqCst)
}

/// How blocking calls made alone wait (see [`SpinPolicy`]).
static SPIN: SpinPolicy = SpinPolicy::new();

/// Runs a call to its end, the GIL released while it waits. The caller's thread polls the call (so that decoding
/// the answer happens here, not on the runtime's two workers) and the runtime's workers drive its connection. It
/// spins for the answer first when [`SPIN`] says so (see [`SpinPolicy::turn`]).
pub fn blocking(py: Python<'_>, call: Call) -> PyResult<Bound<'_, PyAny>> {
    let guard = InFlight::enter();
    let mut call = Box::pin(async move {
        let _guard = guard;
        guarded(call).await
    });
    let turn = SPIN.turn(IN_FLIGHT.load(Ordering::SeqCst) == 1);
    let spun = turn.window().and_then(|window| spin_for(py, &mut call, window));
    let outcome = match spun {
        Some(outcome) => outcome,
        None => block_on(py, call)?,
    };
    turn.finish();
    Outcome(outcome).into_pyobject(py)
}

/// How asyncio calls made alone wait (see [`SpinPolicy`]); apart from [`SPIN`], since a blocking call is spun
/// for whenever it is alone and an asyncio one only when its loop has nothing else to run.
static ASYNC_SPIN: SpinPolicy = SpinPolicy::new();

/// A call as an asyncio awaitable; cancelling the awaiting task drops (cancels) the call. A call made alone
/// may be spun for on the loop thread first (see [`into_awaitable`]).
pub fn awaitable(py: Python<'_>, call: Call) -> PyResult<Bound<'_, PyAny>> {
    let guard = InFlight::enter();
    let running_loop = running_loop(py)?;
    // Alone: no other call in flight, and no callback of the loop kept waiting while its thread spins.
    let turn = ASYNC_SPIN.turn(IN_FLIGHT.load(Ordering::SeqCst) == 1 && nothing_else_ready(&running_loop));
    let spin = turn.window();
    into_awaitable(
        &running_loop,
        async move {
            let _guard = guard;
            let outcome = guarded(call).await;
            turn.finish();
            Ok(Outcome(outcome))
        },
        spin,
    )
}

/// Per-call options.
pub struct Options(pub langdock::RequestOptions);

impl Options {
    pub fn none() -> Options {
        Options(langdock::RequestOptions::default())
    }

    pub fn new(timeout: Option<f64>, deadline: Option<f64>, max_retries: Option<u32>) -> PyResult<Options> {
        Ok(Options(langdock::RequestOptions {
            timeout: seconds("timeout", timeout)?,
            deadline: seconds("deadline", deadline)?,
            max_retries: langdock::binding::max_retries(max_retries.map(f64::from))
                .map_err(|e| Python::attach(|py| to_py_err(py, e)))?,
        }))
    }
}
