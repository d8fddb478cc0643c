//! How a core call becomes a Promise: the future runs on napi's tokio runtime, wrapped so that an
//! `AbortSignal` can cancel it (the facade calls `cancel(callId)`, which drops the Rust future and with it the
//! HTTP request) and so that a panic rejects instead of ending the process. Its outcome reaches JavaScript
//! through the client's [`Waker`], which settles all the calls finished meanwhile in one loop wake-up.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::FutureExt;
use futures::future::{AbortHandle, abortable};
use langdock::Response;
use langdock::binding::JsonText;
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;

use crate::errors::Rejection;
use crate::outcome::{self, Answer};
use crate::wake::Waker;

/// The calls of one client that can still be cancelled, and how many core futures are alive.
#[derive(Debug, Default)]
pub(crate) struct Calls {
    handles: Mutex<HashMap<u32, AbortHandle>>,
    in_flight: AtomicU32,
}

impl Calls {
    /// Cancels the call with this id; a call that already finished is left alone.
    pub(crate) fn cancel(&self, id: u32) {
        if let Some(handle) = self.handles.lock().unwrap_or_else(PoisonError::into_inner).remove(&id) {
            handle.abort();
        }
    }

    /// The number of core futures not yet finished or dropped.
    pub(crate) fn in_flight(&self) -> u32 {
        self.in_flight.load(Ordering::SeqCst)
    }

    fn register(&self, id: u32, handle: AbortHandle) {
        self.handles.lock().unwrap_or_else(PoisonError::into_inner).insert(id, handle);
    }

    fn forget(&self, id: u32) {
        self.handles.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
    }
}

/// Counts a core future as alive until it is dropped, whether it finished or was cancelled.
struct Alive(Arc<Calls>);

impl Alive {
    fn new(calls: Arc<Calls>) -> Alive {
        calls.in_flight.fetch_add(1, Ordering::SeqCst);
        Alive(calls)
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs a core call as a Promise of its answer (JSON text, see [`crate::outcome`]), cancellable under `call_id`, settled
/// through the client's [`Waker`] (one loop wake-up for all the calls finishing together).
pub(crate) fn spawn<'env, F>(
    env: &'env Env,
    waker: &Arc<Waker>,
    calls: &Arc<Calls>,
    call_id: Option<u32>,
    call: F,
) -> napi::Result<PromiseRaw<'env, Answer>>
where
    F: Future<Output = langdock::Result<Response<JsonText>>> + Send + 'static,
{
    let (promise, settle) = waker.promise(env)?;
    let alive = Alive::new(Arc::clone(calls));
    let (call, handle) = abortable(async move {
        let _alive = alive;
        #[cfg(debug_assertions)]
        langdock::binding::debug::checkpoint("call");
        call.await
    });
    if let Some(id) = call_id {
        calls.register(id, handle);
    }
    let calls = Arc::clone(calls);
    napi::bindgen_prelude::spawn(async move {
        // Everything of ours that runs in the task is inside the catch, the answer's conversion included.
        let result = AssertUnwindSafe(async move {
            match call.await {
                Ok(Ok(response)) => {
                    #[cfg(debug_assertions)]
                    langdock::binding::debug::checkpoint("convert");
                    outcome::answer(&response).map_err(|e| Rejection::panic(&format!("unserializable answer: {e}")))
                }
                Ok(Err(error)) => Err(Rejection::from(&error)),
                Err(_aborted) => Err(Rejection::aborted()),
            }
        })
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(Rejection::panic(panic.as_ref())));
        if let Some(id) = call_id {
            calls.forget(id);
        }
        settle.settle(result);
    });
    Ok(promise)
}

/// A Promise that rejects with `failure`, settled through the client's [`Waker`] like every other call (so that
/// every failure of a call arrives the same way).
pub(crate) fn reject<'env>(
    env: &'env Env,
    waker: &Arc<Waker>,
    failure: Rejection,
) -> napi::Result<PromiseRaw<'env, Answer>> {
    let (promise, settle) = waker.promise(env)?;
    settle.settle(Err(failure));
    Ok(promise)
}
