//! `_native.Core`: the core client behind `langdock.Client` and `langdock.AsyncClient`. Every endpoint
//! has a blocking method and an `_async` twin; both run the same core call.
//!
//! The core client is rebuilt from the stored settings the first time it is used in a forked child,
//! because its connections belong to the parent's runtime.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{request, seconds};
use crate::errors::{catch_panic, to_py_err};
use crate::models::{Action, Deleted, Icon, Integration, IntegrationList, IntegrationRef, Meta, Trigger};
use crate::runtime::{block_on, into_awaitable};

type Call = Pin<Box<dyn Future<Output = langdock::Result<Answer>> + Send + 'static>>;

/// What a call answered, before it becomes a Python object (moved once, so the size spread is fine).
#[allow(clippy::large_enum_variant)]
pub enum Answer {
    List(langdock::Response<Vec<langdock::IntegrationSummary>>),
    Ref(langdock::Response<langdock::IntegrationRef>),
    Integration(langdock::Response<langdock::Integration>),
    Icon(langdock::Response<langdock::Icon>),
    Action(langdock::Response<langdock::Action>),
    Trigger(langdock::Response<langdock::Trigger>),
    Deleted(langdock::Response<langdock::Deleted>),
}

fn wrap<'py, T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>, D>(
    py: Python<'py>,
    response: langdock::Response<D>,
    make: impl FnOnce(D, Meta) -> T,
) -> PyResult<Bound<'py, PyAny>> {
    let meta = Meta::of(&response);
    Ok(Bound::new(py, make(response.into_inner(), meta))?.into_any())
}

impl Answer {
    fn into_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        match self {
            Answer::List(response) => Ok(Bound::new(py, IntegrationList::new(response))?.into_any()),
            Answer::Ref(response) => wrap(py, response, IntegrationRef::wrap),
            Answer::Integration(response) => wrap(py, response, Integration::wrap),
            Answer::Icon(response) => wrap(py, response, Icon::wrap),
            Answer::Action(response) => wrap(py, response, Action::wrap),
            Answer::Trigger(response) => wrap(py, response, Trigger::wrap),
            Answer::Deleted(response) => wrap(py, response, Deleted::wrap),
        }
    }
}

/// A finished call: its answer, or its error raised as the matching exception class.
pub struct Outcome(langdock::Result<Answer>);

impl<'py> IntoPyObject<'py> for Outcome {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.0 {
            // In an asyncio call this runs in the bridge's hand-back task, where an uncaught panic would
            // leave the awaiting Python future pending forever.
            Ok(answer) => catch_panic(py, || {
                #[cfg(debug_assertions)]
                langdock::binding::debug::checkpoint("convert");
                answer.into_py(py)
            }),
            Err(error) => Err(to_py_err(py, error)),
        }
    }
}

/// A call as it runs, blocking or in a task of the runtime: a panic inside it becomes an `InternalError`.
async fn guarded(call: Call) -> langdock::Result<Answer> {
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

/// The settings a client was made with, kept to rebuild it in a forked child.
#[derive(Clone, Default)]
struct Settings {
    api_key: Option<String>,
    base_url: Option<String>,
    deployment_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_retries: Option<u32>,
    retry_after_cap: Option<Duration>,
    backoff: Option<(Duration, Duration)>,
    headers: Vec<(String, String)>,
    user_agent: String,
    proxy: Option<String>,
    no_proxy: bool,
    ca_bundle: Option<PathBuf>,
    ca_pem: Vec<Vec<u8>>,
    allow_insecure_http: bool,
    validation: Option<bool>,
    adaptive_pacing: Option<bool>,
    /// Per-client overrides from `with_options`.
    options: langdock::RequestOptions,
}

impl Settings {
    fn build(&self) -> langdock::Result<langdock::Client> {
        let mut builder = langdock::Client::builder().user_agent(self.user_agent.clone());
        if let Some(key) = &self.api_key {
            builder = builder.api_key(key.clone());
        }
        if let Some(url) = &self.deployment_url {
            builder = builder.deployment_url(url);
        }
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.clone());
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(timeout) = self.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(deadline) = self.deadline {
            builder = builder.deadline(deadline);
        }
        if let Some(retries) = self.max_retries {
            builder = builder.max_retries(retries);
        }
        if let Some(cap) = self.retry_after_cap {
            builder = builder.retry_after_cap(cap);
        }
        if let Some((initial, max)) = self.backoff {
            builder = builder.backoff(initial, max);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name.clone(), value.clone());
        }
        if let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy.clone());
        }
        if self.no_proxy {
            builder = builder.no_proxy();
        }
        if let Some(path) = &self.ca_bundle {
            builder = builder.ca_bundle(path.clone());
        }
        for pem in &self.ca_pem {
            builder = builder.add_ca_pem(pem.clone());
        }
        builder = builder.allow_insecure_http(self.allow_insecure_http);
        if let Some(validation) = self.validation {
            builder = builder.validation(validation);
        }
        if let Some(pacing) = self.adaptive_pacing {
            builder = builder.adaptive_pacing(pacing);
        }
        Ok(builder.build()?.with_options(self.options.clone()))
    }
}

/// The core client of `langdock.Client` / `langdock.AsyncClient`.
#[pyclass(frozen, module = "langdock._native")]
pub struct Core {
    settings: Settings,
    /// The client and the process it was built in.
    client: Mutex<(u32, langdock::Client)>,
}

impl Core {
    fn from_settings(py: Python<'_>, settings: Settings) -> PyResult<Core> {
        let client = catch_panic(py, || settings.build().map_err(|e| to_py_err(py, e)))?;
        Ok(Core { settings, client: Mutex::new((std::process::id(), client)) })
    }

    /// The client for this process, with per-call options applied.
    fn client(&self, py: Python<'_>, options: &Options) -> PyResult<langdock::Client> {
        let pid = std::process::id();
        let mut slot = self.client.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.0 != pid {
            *slot = (pid, catch_panic(py, || self.settings.build().map_err(|e| to_py_err(py, e)))?);
        }
        Ok(slot.1.with_options(options.0.clone()))
    }

    fn blocking<'py>(&self, py: Python<'py>, call: Call) -> PyResult<Bound<'py, PyAny>> {
        let guard = InFlight::enter();
        let outcome = block_on(py, async move {
            let _guard = guard;
            guarded(call).await
        })?;
        Outcome(outcome).into_pyobject(py)
    }

    fn awaitable<'py>(&self, py: Python<'py>, call: Call) -> PyResult<Bound<'py, PyAny>> {
        let guard = InFlight::enter();
        into_awaitable(py, async move {
            let _guard = guard;
            Ok(Outcome(guarded(call).await))
        })
    }
}

/// Per-call options.
struct Options(langdock::RequestOptions);

impl Options {
    fn none() -> Options {
        Options(langdock::RequestOptions::default())
    }

    fn new(timeout: Option<f64>, deadline: Option<f64>, max_retries: Option<u32>) -> PyResult<Options> {
        Ok(Options(langdock::RequestOptions {
            timeout: seconds("timeout", timeout)?,
            deadline: seconds("deadline", deadline)?,
            max_retries,
        }))
    }
}

/// The endpoints: each `plan` checks and converts its arguments with the GIL held and returns the
/// core call as a future; the macro below makes the blocking method and its `_async` twin.
impl Core {
    fn plan_list_integrations(&self, py: Python<'_>, options: Options) -> PyResult<Call> {
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.integrations().list().await.map(Answer::List) }))
    }

    fn plan_create_integration(&self, py: Python<'_>, options: Options, body: &Bound<'_, PyAny>) -> PyResult<Call> {
        let body: langdock::CreateIntegration = request("body", body)?;
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.integrations().create(&body).await.map(Answer::Ref) }))
    }

    fn plan_get_integration(&self, py: Python<'_>, options: Options, integration_id: String) -> PyResult<Call> {
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.integrations().get(&integration_id).await.map(Answer::Integration) }))
    }

    fn plan_update_integration(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Call> {
        let body: langdock::UpdateIntegration = request("body", body)?;
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.integrations().update(&integration_id, &body).await.map(Answer::Ref) }))
    }

    fn plan_update_auth(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Call> {
        let body: langdock::UpdateAuth = request("body", body)?;
        let client = self.client(py, &options)?;
        Ok(Box::pin(
            async move { client.integrations().update_auth(&integration_id, &body).await.map(Answer::Integration) },
        ))
    }

    fn plan_get_icon(&self, py: Python<'_>, options: Options, integration_id: String) -> PyResult<Call> {
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.integrations().icon(&integration_id).await.map(Answer::Icon) }))
    }

    fn plan_set_icon(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        image: Vec<u8>,
    ) -> PyResult<Call> {
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.integrations().set_icon(&integration_id, image).await.map(Answer::Icon) }))
    }

    fn plan_create_action(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Call> {
        let body: langdock::ActionInput = request("body", body)?;
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.actions().create(&integration_id, &body).await.map(Answer::Action) }))
    }

    fn plan_update_action(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        action_id: String,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Call> {
        let body: langdock::ActionInput = request("body", body)?;
        let client = self.client(py, &options)?;
        Ok(Box::pin(
            async move { client.actions().update(&integration_id, &action_id, &body).await.map(Answer::Action) },
        ))
    }

    fn plan_delete_action(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        action_id: String,
    ) -> PyResult<Call> {
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.actions().delete(&integration_id, &action_id).await.map(Answer::Deleted) }))
    }

    fn plan_create_trigger(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Call> {
        let body: langdock::TriggerInput = request("body", body)?;
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.triggers().create(&integration_id, &body).await.map(Answer::Trigger) }))
    }

    fn plan_update_trigger(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        trigger_id: String,
        body: &Bound<'_, PyAny>,
    ) -> PyResult<Call> {
        let body: langdock::TriggerInput = request("body", body)?;
        let client = self.client(py, &options)?;
        Ok(Box::pin(
            async move { client.triggers().update(&integration_id, &trigger_id, &body).await.map(Answer::Trigger) },
        ))
    }

    fn plan_delete_trigger(
        &self,
        py: Python<'_>,
        options: Options,
        integration_id: String,
        trigger_id: String,
    ) -> PyResult<Call> {
        let client = self.client(py, &options)?;
        Ok(Box::pin(async move { client.triggers().delete(&integration_id, &trigger_id).await.map(Answer::Deleted) }))
    }
}

macro_rules! endpoints {
    ($( $(#[$doc:meta])* $name:ident / $async_name:ident ( $($arg:ident : $ty:ty),* ) => $plan:ident; )*
     @others { $($others:tt)* }) => {
        #[pymethods]
        impl Core {
            $($others)*

            $(
                $(#[$doc])*
                #[pyo3(signature = ($($arg,)* *, timeout=None, deadline=None, max_retries=None))]
                #[allow(clippy::too_many_arguments)]
                fn $name<'py>(
                    &self,
                    py: Python<'py>,
                    $($arg: $ty,)*
                    timeout: Option<f64>,
                    deadline: Option<f64>,
                    max_retries: Option<u32>,
                ) -> PyResult<Bound<'py, PyAny>> {
                    let call = catch_panic(py, || {
                        #[cfg(debug_assertions)]
                        langdock::binding::debug::checkpoint("dispatch");
                        self.$plan(py, Options::new(timeout, deadline, max_retries)?, $($arg),*)
                    })?;
                    self.blocking(py, call)
                }

                $(#[$doc])*
                /// Returns an awaitable; cancelling it cancels the request.
                #[pyo3(signature = ($($arg,)* *, timeout=None, deadline=None, max_retries=None))]
                #[allow(clippy::too_many_arguments)]
                fn $async_name<'py>(
                    &self,
                    py: Python<'py>,
                    $($arg: $ty,)*
                    timeout: Option<f64>,
                    deadline: Option<f64>,
                    max_retries: Option<u32>,
                ) -> PyResult<Bound<'py, PyAny>> {
                    let call = catch_panic(py, || {
                        #[cfg(debug_assertions)]
                        langdock::binding::debug::checkpoint("dispatch");
                        self.$plan(py, Options::new(timeout, deadline, max_retries)?, $($arg),*)
                    })?;
                    self.awaitable(py, call)
                }
            )*
        }
    };
}

endpoints! {
    /// Every integration of the workspace.
    list_integrations / list_integrations_async () => plan_list_integrations;
    /// Creates an integration.
    create_integration / create_integration_async (body: &Bound<'py, PyAny>) => plan_create_integration;
    /// The whole integration.
    get_integration / get_integration_async (integration_id: String) => plan_get_integration;
    /// Changes name, description, icon URL or color.
    update_integration / update_integration_async (integration_id: String, body: &Bound<'py, PyAny>)
        => plan_update_integration;
    /// Sets how users authenticate.
    update_auth / update_auth_async (integration_id: String, body: &Bound<'py, PyAny>) => plan_update_auth;
    /// The integration's icon URL.
    get_icon / get_icon_async (integration_id: String) => plan_get_icon;
    /// Uploads a new icon (PNG, JPEG or WebP).
    set_icon / set_icon_async (integration_id: String, image: Vec<u8>) => plan_set_icon;
    /// Adds an action.
    create_action / create_action_async (integration_id: String, body: &Bound<'py, PyAny>) => plan_create_action;
    /// Replaces an action.
    update_action / update_action_async (integration_id: String, action_id: String, body: &Bound<'py, PyAny>)
        => plan_update_action;
    /// Deletes an action.
    delete_action / delete_action_async (integration_id: String, action_id: String) => plan_delete_action;
    /// Adds a trigger.
    create_trigger / create_trigger_async (integration_id: String, body: &Bound<'py, PyAny>) => plan_create_trigger;
    /// Replaces a trigger.
    update_trigger / update_trigger_async (integration_id: String, trigger_id: String, body: &Bound<'py, PyAny>)
        => plan_update_trigger;
    /// Deletes a trigger.
    delete_trigger / delete_trigger_async (integration_id: String, trigger_id: String) => plan_delete_trigger;
    @others {
        /// Builds the core client; what is not given comes from the environment, then the defaults.
        #[new]
        #[pyo3(signature = (
            *, api_key=None, base_url=None, deployment_url=None, timeout=None, connect_timeout=None, deadline=None,
            max_retries=None, retry_after_cap=None, backoff=None, headers=None, user_agent, proxy=None,
            no_proxy=false, ca_bundle=None, ca_pem=None, allow_insecure_http=false, validation=None,
            adaptive_pacing=None
        ))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            py: Python<'_>,
            api_key: Option<String>,
            base_url: Option<String>,
            deployment_url: Option<String>,
            timeout: Option<f64>,
            connect_timeout: Option<f64>,
            deadline: Option<f64>,
            max_retries: Option<u32>,
            retry_after_cap: Option<f64>,
            backoff: Option<(f64, f64)>,
            headers: Option<&Bound<'_, PyDict>>,
            user_agent: String,
            proxy: Option<String>,
            no_proxy: bool,
            ca_bundle: Option<PathBuf>,
            ca_pem: Option<Vec<Vec<u8>>>,
            allow_insecure_http: bool,
            validation: Option<bool>,
            adaptive_pacing: Option<bool>,
        ) -> PyResult<Core> {
            let backoff = match backoff {
                Some((initial, max)) => Some((
                    seconds("backoff", Some(initial))?.unwrap_or_default(),
                    seconds("backoff", Some(max))?.unwrap_or_default(),
                )),
                None => None,
            };
            let mut header_list = Vec::new();
            if let Some(headers) = headers {
                for (name, value) in headers.iter() {
                    header_list.push((name.extract::<String>()?, value.extract::<String>()?));
                }
            }
            let settings = Settings {
                api_key,
                base_url,
                deployment_url,
                timeout: seconds("timeout", timeout)?,
                connect_timeout: seconds("connect_timeout", connect_timeout)?,
                deadline: seconds("deadline", deadline)?,
                max_retries,
                retry_after_cap: seconds("retry_after_cap", retry_after_cap)?,
                backoff,
                headers: header_list,
                user_agent,
                proxy,
                no_proxy,
                ca_bundle,
                ca_pem: ca_pem.unwrap_or_default(),
                allow_insecure_http,
                validation,
                adaptive_pacing,
                options: langdock::RequestOptions::default(),
            };
            Core::from_settings(py, settings)
        }

        /// A core whose calls use these options; connections, retry budget and pacing are shared.
        #[pyo3(signature = (*, timeout=None, deadline=None, max_retries=None))]
        fn with_options(
            &self,
            py: Python<'_>,
            timeout: Option<f64>,
            deadline: Option<f64>,
            max_retries: Option<u32>,
        ) -> PyResult<Core> {
            let Options(extra) = Options::new(timeout, deadline, max_retries)?;
            let mut settings = self.settings.clone();
            settings.options = langdock::RequestOptions {
                timeout: extra.timeout.or(settings.options.timeout),
                deadline: extra.deadline.or(settings.options.deadline),
                max_retries: extra.max_retries.or(settings.options.max_retries),
            };
            let client = self.client(py, &Options(extra))?;
            Ok(Core { settings, client: Mutex::new((std::process::id(), client)) })
        }

        /// The base URL calls go to.
        #[getter]
        fn base_url(&self, py: Python<'_>) -> PyResult<String> {
            Ok(self.client(py, &Options::none())?.base_url().to_string())
        }

        /// The tokens left in the client-wide retry budget (500 when full).
        #[getter]
        fn retry_budget(&self, py: Python<'_>) -> PyResult<u32> {
            Ok(self.client(py, &Options::none())?.retry_budget())
        }

        /// The send rate adaptive pacing allows (requests per second), or None while not rate-limited.
        #[getter]
        fn paced_rate(&self, py: Python<'_>) -> PyResult<Option<f64>> {
            Ok(self.client(py, &Options::none())?.paced_rate())
        }
    }
}
