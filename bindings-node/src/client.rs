//! `NativeClient`: the core client, and every endpoint through one `call` by name (the core's operation table
//! dispatches it, so nothing here lists the endpoints), handing back a Promise (see [`crate::calls`]). The
//! facade's `Langdock` class and its generated resources (`lib/resources.js`) wrap it.

use std::future::Future;
use std::sync::Arc;

use langdock::Response;
use langdock::binding::{Check, JsonText};
use napi::Env;
use napi::bindgen_prelude::JsValue;
use napi::bindgen_prelude::{PromiseRaw, Uint8Array, Unknown};
use napi_derive::napi;

use crate::body::{self, Body};
use crate::calls::{self, Calls};
use crate::errors::Rejection;
use crate::logging;
use crate::options::{self, CallOptions};
use crate::outcome::Answer;
use crate::wake::Waker;

/// The native client. Use `Langdock` from the package instead.
#[napi]
pub struct NativeClient {
    inner: langdock::Client,
    calls: Arc<Calls>,
    waker: Arc<Waker>,
}

type Promise<'env> = napi::Result<PromiseRaw<'env, Answer>>;

#[napi]
impl NativeClient {
    /// Builds the core client; what the options leave out, the core reads from the environment.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: Option<napi::bindgen_prelude::Unknown<'_>>) -> napi::Result<Self> {
        logging::install();
        let built = Rejection::catch_panic(|| {
            #[cfg(debug_assertions)]
            langdock::binding::debug::checkpoint("construct");
            options::builder(&env, options).and_then(|builder| builder.build().map_err(|e| Rejection::from(&e)))
        });
        match built {
            Ok(inner) => Ok(NativeClient { inner, calls: Arc::default(), waker: Waker::new(&env)? }),
            Err(failure) => Err(failure.into_napi(&env)),
        }
    }

    /// The client's effective settings, the key redacted: the same JSON shape in every language.
    #[napi(getter, catch_unwind)]
    pub fn settings(&self) -> serde_json::Value {
        self.inner.settings().describe()
    }

    /// The base URL calls go to.
    #[napi(getter, catch_unwind)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    /// The tokens left in the client-wide retry budget.
    #[napi(getter, catch_unwind)]
    pub fn retry_budget(&self) -> u32 {
        self.inner.retry_budget()
    }

    /// The send rate adaptive pacing allows (requests per second), or null while not rate-limited.
    #[napi(getter, catch_unwind)]
    pub fn paced_rate(&self) -> Option<f64> {
        self.inner.paced_rate()
    }

    /// How many calls are still running in Rust (cancelled calls are gone from this count).
    #[napi(getter, catch_unwind)]
    pub fn in_flight(&self) -> u32 {
        self.calls.in_flight()
    }

    /// How many times the event loop woke up to settle finished calls (one wake-up settles all the calls that
    /// finished since the last one); for the tests.
    #[napi(getter, catch_unwind)]
    pub fn wake_ups(&self) -> u32 {
        self.waker.wake_ups()
    }

    /// How many finished calls wait for the event loop to settle them; for the tests.
    #[napi(getter, catch_unwind)]
    pub fn queued(&self) -> u32 {
        self.waker.queued()
    }

    /// The verdict of the check numbered `check` of a large answer handed over before its check ended (see
    /// `calls::Verdicts`), waiting for it: null when the text stands, else the answer to parse instead; the
    /// call's error when the answer is not the model.
    #[napi(ts_return_type = "string | null", catch_unwind)]
    pub fn verdict(&self, env: &Env, check: u32) -> napi::Result<Option<Answer>> {
        self.calls.verdicts.take(check).map_err(|failure| failure.into_napi(env))
    }

    /// Cancels the call started with this id (its Promise rejects with an `APIUserAbortError`).
    #[napi(catch_unwind)]
    pub fn cancel(&self, call_id: u32) {
        self.calls.cancel(call_id);
    }

    /// The error a call whose `AbortSignal` was aborted before it started rejects with (nothing is sent).
    #[napi(ts_return_type = "Error", catch_unwind)]
    pub fn aborted_error<'env>(&self, env: &'env Env) -> napi::Result<napi::bindgen_prelude::Unknown<'env>> {
        let error = Rejection::aborted().into_napi(env);
        env.create_error(error).map(|object| object.to_unknown())
    }

    /// Makes the call named `operation` (e.g. `"get_integration"`): `ids` are its path ids in order, `body` its
    /// body (an object, read as `JSON.stringify` would write it: see [`crate::body`]), `image` the bytes of an
    /// upload. The facade checks the arguments' types first, so that a wrong one is a `TypeError` naming the
    /// parameter.
    #[napi(ts_return_type = "Promise<string>", catch_unwind)]
    // The arguments are napi's positional parameters; the facade is the only caller.
    #[allow(clippy::too_many_arguments)]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        operation: String,
        ids: Vec<String>,
        body: Option<Unknown<'_>>,
        image: Option<Uint8Array>,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        let body = body.map(|body| body::to_json(env, body)).transpose()?;
        let bytes = image.map(|image| image.to_vec());
        self.run(env, options, call_id, move |client| async move {
            let body = match body {
                Some(Body::Json(value)) => Some(value),
                Some(Body::Text(text)) => Some(langdock::binding::from_json_text("body", &text)?),
                None => None,
            };
            let args = langdock::Arguments { ids, body, bytes };
            langdock::binding::call_text_deferred(&client, &operation, args).await
        })
    }
}

impl NativeClient {
    /// Applies the per-call options and runs the call as a cancellable Promise.
    fn run<'env, F, Fut>(
        &self,
        env: &'env Env,
        options: Option<CallOptions>,
        call_id: Option<u32>,
        call: F,
    ) -> Promise<'env>
    where
        F: FnOnce(langdock::Client) -> Fut,
        Fut: Future<Output = langdock::Result<(Response<JsonText>, Option<Check>)>> + Send + 'static,
    {
        // A panic here, before the call has a Promise, still rejects one (with an `InternalError`).
        let planned = Rejection::catch_panic(|| {
            #[cfg(debug_assertions)]
            langdock::binding::debug::checkpoint("dispatch");
            // Boxed at once: the core's call future is kilobytes, and each of the layers it passes through on
            // its way into a tokio task (cancellation, panic catching, settling) would otherwise copy it again,
            // on the JavaScript thread.
            options::request_options(options).map(|options| Box::pin(call(self.inner.with_options(options))))
        });
        match planned {
            Ok(call) => calls::spawn(env, &self.waker, &self.calls, call_id, call),
            Err(failure) => calls::reject(env, &self.waker, failure),
        }
    }
}
