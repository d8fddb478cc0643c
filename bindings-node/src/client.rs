//! `NativeClient`: one method per endpoint of the core, each converting its arguments, running the core call
//! and handing back a Promise (see [`crate::calls`]). The facade's `Langdock` class and its resources wrap it.

use std::future::Future;
use std::sync::Arc;

use langdock::binding::from_json;
use langdock::{ActionInput, CreateIntegration, Response, TriggerInput, UpdateAuth, UpdateIntegration};
use napi::Env;
use napi::bindgen_prelude::JsValue;
use napi::bindgen_prelude::{PromiseRaw, Uint8Array};
use napi_derive::napi;
use serde::Serialize;
use serde_json::Value;

use crate::calls::{self, Calls};
use crate::errors::Failure;
use crate::logging;
use crate::options::{self, CallOptions};

/// The native client. Use `Langdock` from the package instead.
#[napi]
pub struct NativeClient {
    inner: langdock::Client,
    calls: Arc<Calls>,
}

type Promise<'env> = napi::Result<PromiseRaw<'env, Value>>;

#[napi]
impl NativeClient {
    /// Builds the core client; what the options leave out, the core reads from the environment.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: Option<napi::bindgen_prelude::Unknown<'_>>) -> napi::Result<Self> {
        logging::install();
        let built = Failure::catch_panic(|| {
            #[cfg(debug_assertions)]
            langdock::binding::debug::checkpoint("construct");
            options::builder(&env, options).and_then(|builder| builder.build().map_err(|e| Failure::from(&e)))
        });
        match built {
            Ok(inner) => Ok(NativeClient { inner, calls: Arc::default() }),
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

    /// Cancels the call started with this id (its Promise rejects with an `APIUserAbortError`).
    #[napi(catch_unwind)]
    pub fn cancel(&self, call_id: u32) {
        self.calls.cancel(call_id);
    }

    /// The error a call whose `AbortSignal` was aborted before it started rejects with (nothing is sent).
    #[napi(ts_return_type = "Error", catch_unwind)]
    pub fn aborted_error<'env>(&self, env: &'env Env) -> napi::Result<napi::bindgen_prelude::Unknown<'env>> {
        let error = Failure::aborted().into_napi(env);
        env.create_error(error).map(|object| object.to_unknown())
    }

    /// `integrations.list`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn list_integrations<'env>(
        &self,
        env: &'env Env,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move { client.integrations().list().await })
    }

    /// `integrations.create`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn create_integration<'env>(
        &self,
        env: &'env Env,
        body: Value,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move {
            let body: CreateIntegration = from_json("body", body)?;
            client.integrations().create(&body).await
        })
    }

    /// `integrations.get`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn get_integration<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move { client.integrations().get(&integration_id).await })
    }

    /// `integrations.update`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn update_integration<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        body: Value,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move {
            let body: UpdateIntegration = from_json("body", body)?;
            client.integrations().update(&integration_id, &body).await
        })
    }

    /// `integrations.updateAuth`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn update_auth<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        body: Value,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move {
            let body: UpdateAuth = from_json("body", body)?;
            client.integrations().update_auth(&integration_id, &body).await
        })
    }

    /// `integrations.icon`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn get_icon<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move { client.integrations().icon(&integration_id).await })
    }

    /// `integrations.setIcon`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn set_icon<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        image: Uint8Array,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        let image = image.to_vec();
        self.run(
            env,
            options,
            call_id,
            |client| async move { client.integrations().set_icon(&integration_id, image).await },
        )
    }

    /// `actions.create`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn create_action<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        body: Value,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move {
            let body: ActionInput = from_json("body", body)?;
            client.actions().create(&integration_id, &body).await
        })
    }

    /// `actions.update`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn update_action<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        action_id: String,
        body: Value,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move {
            let body: ActionInput = from_json("body", body)?;
            client.actions().update(&integration_id, &action_id, &body).await
        })
    }

    /// `actions.delete`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn delete_action<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        action_id: String,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(
            env,
            options,
            call_id,
            |client| async move { client.actions().delete(&integration_id, &action_id).await },
        )
    }

    /// `triggers.create`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn create_trigger<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        body: Value,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move {
            let body: TriggerInput = from_json("body", body)?;
            client.triggers().create(&integration_id, &body).await
        })
    }

    /// `triggers.update`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn update_trigger<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        trigger_id: String,
        body: Value,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(env, options, call_id, |client| async move {
            let body: TriggerInput = from_json("body", body)?;
            client.triggers().update(&integration_id, &trigger_id, &body).await
        })
    }

    /// `triggers.delete`
    #[napi(
        ts_return_type = "Promise<{ data: string; attempts: number; requestId: string | null; status: number }>",
        catch_unwind
    )]
    pub fn delete_trigger<'env>(
        &self,
        env: &'env Env,
        integration_id: String,
        trigger_id: String,
        options: Option<CallOptions>,
        call_id: Option<u32>,
    ) -> Promise<'env> {
        self.run(
            env,
            options,
            call_id,
            |client| async move { client.triggers().delete(&integration_id, &trigger_id).await },
        )
    }
}

impl NativeClient {
    /// Applies the per-call options and runs the call as a cancellable Promise.
    fn run<'env, T, F, Fut>(
        &self,
        env: &'env Env,
        options: Option<CallOptions>,
        call_id: Option<u32>,
        call: F,
    ) -> Promise<'env>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(langdock::Client) -> Fut,
        Fut: Future<Output = langdock::Result<Response<T>>> + Send + 'static,
    {
        // A panic here, before the call has a Promise, still rejects one (with an `InternalError`).
        let planned = Failure::catch_panic(|| {
            #[cfg(debug_assertions)]
            langdock::binding::debug::checkpoint("dispatch");
            options::request_options(options).map(|options| call(self.inner.with_options(options)))
        });
        match planned {
            Ok(call) => calls::spawn(env, &self.calls, call_id, call),
            Err(failure) => calls::reject(env, failure),
        }
    }
}
