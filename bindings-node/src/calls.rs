//! How a core call becomes a Promise: the future runs on napi's tokio runtime, wrapped so that an
//! `AbortSignal` can cancel it (the facade calls `cancel(callId)`, which drops the Rust future and with it the
//! HTTP request) and so that a panic rejects instead of ending the process. Its outcome reaches JavaScript
//! through the client's [`Waker`], which settles all the calls finished meanwhile in one loop wake-up.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use futures::FutureExt;
use futures::future::{AbortHandle, abortable};
use langdock::Response;
use langdock::binding::{Check, JsonText};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;

use crate::errors::Rejection;
use crate::outcome::{self, Answer};
use crate::wake::Waker;

/// The calls of one client that can still be cancelled, how many core futures are alive, and the checks of the
/// large answers already handed over.
#[derive(Debug, Default)]
pub(crate) struct Calls {
    handles: Mutex<HashMap<u32, AbortHandle>>,
    in_flight: AtomicU32,
    pub(crate) verdicts: Verdicts,
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

/// What a verdict says: the text stands (`None`), or the answer to use instead, or the call's error.
pub(crate) type Verdict = Result<Option<Answer>, Rejection>;

/// The checks of large answers that reached JavaScript before their check ended
/// ([`langdock::binding::call_text_deferred`]): JavaScript parses the text while the check runs here, then takes
/// the verdict by number ([`Verdicts::take`]), waiting for it if need be.
#[derive(Debug, Default)]
pub(crate) struct Verdicts {
    slots: Mutex<HashMap<u32, Arc<Slot>>>,
    last: AtomicU32,
}

#[derive(Debug, Default)]
struct Slot {
    verdict: Mutex<Option<Verdict>>,
    given: Condvar,
}

impl Verdicts {
    /// A slot for a check about to run, and its number.
    fn open(&self) -> (u32, Pending) {
        let number = self.last.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        let slot = Arc::new(Slot::default());
        self.slots.lock().unwrap_or_else(PoisonError::into_inner).insert(number, Arc::clone(&slot));
        (number, Pending(Some(slot)))
    }

    /// Drops the slot of a check whose answer never reached JavaScript.
    fn forget(&self, number: u32) {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner).remove(&number);
    }

    /// The verdict of check `number`, once given (on the JavaScript thread, which has meanwhile parsed the text).
    pub(crate) fn take(&self, number: u32) -> Verdict {
        let slot = self.slots.lock().unwrap_or_else(PoisonError::into_inner).remove(&number);
        let Some(slot) = slot else {
            return Err(Rejection::panic(&format!("no check numbered {number} is pending")));
        };
        let mut verdict = slot.verdict.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(verdict) = verdict.take() {
                return verdict;
            }
            verdict = slot.given.wait(verdict).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A check's slot until its verdict is given; dropped without one (its task dropped when Node exits), it gives
/// an error, so that nothing waits for it for ever.
struct Pending(Option<Arc<Slot>>);

impl Pending {
    fn give(mut self, verdict: Verdict) {
        if let Some(slot) = self.0.take() {
            *slot.verdict.lock().unwrap_or_else(PoisonError::into_inner) = Some(verdict);
            slot.given.notify_all();
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.0.is_some() {
            Pending(self.0.take()).give(Err(Rejection::panic(&"the check of the answer was dropped before it ended")));
        }
    }
}

/// Runs a core call as a Promise of its answer (JSON text, see [`crate::outcome`]), cancellable under `call_id`, settled
/// through the client's [`Waker`] (one loop wake-up for all the calls finishing together). A large answer's check
/// runs after the Promise is settled, while JavaScript parses the text (see [`Verdicts`]).
pub(crate) fn spawn<'env, F>(
    env: &'env Env,
    waker: &Arc<Waker>,
    calls: &Arc<Calls>,
    call_id: Option<u32>,
    call: F,
) -> napi::Result<PromiseRaw<'env, Answer>>
where
    F: Future<Output = langdock::Result<(Response<JsonText>, Option<Check>)>> + Send + 'static,
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
        let mut deferred = None;
        // Everything of ours that runs in the task is inside the catch, the answer's conversion included.
        let result = AssertUnwindSafe(async {
            match call.await {
                Ok(Ok((response, check))) => {
                    #[cfg(debug_assertions)]
                    langdock::binding::debug::checkpoint("convert");
                    let number = check.map(|check| {
                        let (number, pending) = calls.verdicts.open();
                        deferred = Some((number, pending, check, response.clone()));
                        number
                    });
                    answer(&response, number)
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
        let answered = result.is_ok();
        settle.settle(result);
        if let Some((number, pending, check, response)) = deferred {
            if !answered {
                // Nobody will ask for this verdict.
                calls.verdicts.forget(number);
                return;
            }
            let verdict = std::panic::catch_unwind(AssertUnwindSafe(|| match check.run() {
                Ok(None) => Ok(None),
                Ok(Some(replaced)) => answer(&response.map(|_| replaced), None).map(Some),
                Err(error) => Err(Rejection::from(&error)),
            }))
            .unwrap_or_else(|panic| Err(Rejection::panic(panic.as_ref())));
            pending.give(verdict);
        }
    });
    Ok(promise)
}

/// [`outcome::answer`], its failure an internal error.
fn answer(response: &Response<JsonText>, check: Option<u32>) -> Result<Answer, Rejection> {
    outcome::answer(response, check).map_err(|e| Rejection::panic(&format!("unserializable answer: {e}")))
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
