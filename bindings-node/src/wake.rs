//! One wake-up of the event loop for many finished calls: every call's Promise is a raw `napi_deferred`, a
//! finished call queues its outcome, and only the push that finds the queue empty wakes the loop (through the
//! client's one threadsafe function); one drain on the JavaScript thread then settles every queued call. (napi's
//! `spawn_future_with_callback` makes a deferred and a threadsafe function per call and wakes the loop once per
//! finished call, which left the JavaScript thread idle half of the time under 64 calls in flight.)
//!
//! The threadsafe function is referenced only while calls are pending, so an idle client does not keep Node
//! alive, and a pending call does, as a per-call one did. Node frees it when its environment ends (the process
//! exiting with calls in flight): from then on, outcomes are dropped instead of queued.

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use langdock::binding::Completions;
use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};
use napi::{Env, check_status, sys};

use crate::errors::Rejection;
use crate::outcome::Answer;

/// A call's outcome before it reaches JavaScript.
pub(crate) type Outcome = Result<Answer, Rejection>;

/// A call's `napi_deferred`: created and used only on the JavaScript thread, carried through the tokio task.
struct Deferred(sys::napi_deferred);

// SAFETY: the pointer is only dereferenced by Node-API calls on the JavaScript thread (in `drain`).
unsafe impl Send for Deferred {}

/// The threadsafe function, null once Node finalized it (its environment ended).
struct Tsfn(sys::napi_threadsafe_function);

// SAFETY: a threadsafe function is made to be called from any thread.
unsafe impl Send for Tsfn {}

/// What the tasks and the drain share.
struct Shared {
    /// Locked while the function is called, so that `finalize` cannot free it meanwhile.
    tsfn: Mutex<Tsfn>,
    /// Outcomes waiting for the next drain.
    finished: Completions<(Deferred, Outcome)>,
    /// Calls whose Promise is not settled yet (changed on the JavaScript thread only).
    pending: AtomicU32,
    /// How many drains ran, for the test that many finishing calls wake the loop once.
    wake_ups: AtomicU32,
}

impl Shared {
    fn tsfn(&self) -> MutexGuard<'_, Tsfn> {
        self.tsfn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A client's way back to the JavaScript thread. Dropped by the client and every task, it releases the
/// threadsafe function.
pub(crate) struct Waker {
    shared: Arc<Shared>,
}

impl Waker {
    /// Makes the threadsafe function of a client (unreferenced: no call is pending yet).
    pub(crate) fn new(env: &Env) -> napi::Result<Arc<Waker>> {
        let shared = Arc::new(Shared {
            tsfn: Mutex::new(Tsfn(ptr::null_mut())),
            finished: Completions::default(),
            pending: AtomicU32::new(0),
            wake_ups: AtomicU32::new(0),
        });
        let context = Arc::into_raw(Arc::clone(&shared)) as *mut c_void;
        let mut name = ptr::null_mut();
        let mut tsfn = ptr::null_mut();
        // SAFETY: plain Node-API calls on the JavaScript thread; `context` is an `Arc` that `finalize` takes back.
        unsafe {
            check_status!(sys::napi_create_string_utf8(env.raw(), c"langdock.calls".as_ptr(), 14, &mut name))?;
            let created = check_status!(sys::napi_create_threadsafe_function(
                env.raw(),
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                context,
                Some(finalize),
                context,
                Some(drain),
                &mut tsfn,
            ));
            if let Err(error) = created {
                drop(Arc::from_raw(context as *const Shared));
                return Err(error);
            }
            check_status!(sys::napi_unref_threadsafe_function(env.raw(), tsfn))?;
        }
        shared.tsfn().0 = tsfn;
        Ok(Arc::new(Waker { shared }))
    }

    /// A Promise for a call, and what settles it (on any thread).
    pub(crate) fn promise<'env>(self: &Arc<Self>, env: &'env Env) -> napi::Result<(PromiseRaw<'env, Answer>, Settle)> {
        let mut deferred = ptr::null_mut();
        let mut promise = ptr::null_mut();
        // SAFETY: Node-API calls on the JavaScript thread.
        unsafe {
            check_status!(sys::napi_create_promise(env.raw(), &mut deferred, &mut promise))?;
            if self.shared.pending.fetch_add(1, Ordering::Relaxed) == 0 {
                let tsfn = self.shared.tsfn().0;
                if !tsfn.is_null() {
                    check_status!(sys::napi_ref_threadsafe_function(env.raw(), tsfn))?;
                }
            }
        }
        let settle = Settle { waker: Arc::clone(self), deferred: Some(Deferred(deferred)) };
        Ok((PromiseRaw::new(env.raw(), promise), settle))
    }

    /// How many times the loop drained finished calls.
    pub(crate) fn wake_ups(&self) -> u32 {
        self.shared.wake_ups.load(Ordering::Relaxed)
    }

    /// How many finished calls wait for the next drain.
    pub(crate) fn queued(&self) -> u32 {
        u32::try_from(self.shared.finished.len()).unwrap_or(u32::MAX)
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        let tsfn = self.shared.tsfn();
        if !tsfn.0.is_null() {
            // SAFETY: callable from any thread; Node finalizes it once the queued drain (if any) has run.
            unsafe { sys::napi_release_threadsafe_function(tsfn.0, sys::ThreadsafeFunctionReleaseMode::release) };
        }
    }
}

/// Settles one call's Promise exactly once.
pub(crate) struct Settle {
    waker: Arc<Waker>,
    deferred: Option<Deferred>,
}

impl Settle {
    /// Queues the outcome, waking the loop if the queue was empty.
    pub(crate) fn settle(mut self, outcome: Outcome) {
        let Some(deferred) = self.deferred.take() else { return };
        let shared = &self.waker.shared;
        let tsfn = shared.tsfn();
        if tsfn.0.is_null() {
            return; // The environment ended: nobody is left to settle it for.
        }
        if shared.finished.push((deferred, outcome)) {
            // Under the lock, so that `finalize` cannot free the function meanwhile.
            // SAFETY: callable from any thread while not finalized.
            unsafe {
                sys::napi_call_threadsafe_function(
                    tsfn.0,
                    ptr::null_mut(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
        }
    }
}

impl Drop for Settle {
    fn drop(&mut self) {
        // A task dropped without an outcome (its runtime shutting down) still settles, so nothing waits forever.
        if self.deferred.is_some() {
            let settle = Settle { waker: Arc::clone(&self.waker), deferred: self.deferred.take() };
            settle.settle(Err(Rejection::aborted()));
        }
    }
}

/// Settles every queued call, on the JavaScript thread.
unsafe extern "C" fn drain(
    env: sys::napi_env,
    _js_callback: sys::napi_value,
    context: *mut c_void,
    _data: *mut c_void,
) {
    if env.is_null() {
        return; // Node is tearing the function down.
    }
    // SAFETY: `context` is the `Arc<Shared>` given at creation, alive until `finalize`.
    let shared = unsafe { &*(context as *const Shared) };
    let queue = shared.finished.take();
    shared.wake_ups.fetch_add(1, Ordering::Relaxed);
    let settled = u32::try_from(queue.len()).unwrap_or(u32::MAX);
    for (Deferred(deferred), outcome) in queue {
        // SAFETY: Node-API calls on the JavaScript thread; each deferred is settled exactly once, here.
        unsafe {
            match outcome {
                Ok(answer) => match Answer::to_napi_value(env, answer) {
                    Ok(value) => sys::napi_resolve_deferred(env, deferred, value),
                    Err(error) => reject(env, deferred, error),
                },
                Err(failure) => reject(env, deferred, failure.into_napi(&Env::from_raw(env))),
            };
        }
    }
    if shared.pending.fetch_sub(settled, Ordering::Relaxed) == settled {
        let tsfn = shared.tsfn().0;
        if !tsfn.is_null() {
            // SAFETY: on the JavaScript thread; no call is pending, so the client no longer keeps Node alive.
            unsafe { sys::napi_unref_threadsafe_function(env, tsfn) };
        }
    }
}

/// Rejects with `error` as napi-rs rejects a failed future.
unsafe fn reject(env: sys::napi_env, deferred: sys::napi_deferred, error: napi::Error) -> sys::napi_status {
    // SAFETY: on the JavaScript thread (see `drain`).
    unsafe {
        match napi::Error::to_napi_value(env, error) {
            Ok(value) => sys::napi_reject_deferred(env, deferred, value),
            Err(_) => {
                let mut undefined = ptr::null_mut();
                sys::napi_get_undefined(env, &mut undefined);
                sys::napi_reject_deferred(env, deferred, undefined)
            }
        }
    }
}

/// Node frees the threadsafe function (released by every `Waker`, or its environment ending).
unsafe extern "C" fn finalize(_env: sys::napi_env, context: *mut c_void, _hint: *mut c_void) {
    // SAFETY: the `Arc` given at creation, taken back once.
    let shared = unsafe { Arc::from_raw(context as *const Shared) };
    shared.tsfn().0 = ptr::null_mut();
}
