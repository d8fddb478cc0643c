//! `_native.Core`: the core client behind `langdock.Client` and `langdock.AsyncClient`. Every endpoint
//! has a blocking method and an `_async` twin; both run the same core call.
//!
//! The core client is rebuilt from the stored settings the first time it is used in a forked child,
//! because its connections belong to the parent's runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// The settings a client was made with, kept to rebuild it in a forked child: the core's decided
/// settings, so the child does not read the environment again.
#[derive(Clone)]
struct Settings {
    decided: langdock::Settings,
    /// Per-client overrides from `with_options`.
    options: langdock::RequestOptions,
}

impl Settings {
    fn build(&self) -> langdock::Result<langdock::Client> {
        Ok(langdock::Client::from_settings(self.decided.clone())?.with_options(self.options.clone()))
    }
}

/// The keyword arguments of `Client(...)` as the core's settings data. Non-finite floats cross as the
/// names the core reads ("NaN", "Infinity"), because JSON has no such numbers and the core is the one
/// that refuses them.
fn settings_json(value: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    if let Ok(f) = value.cast::<pyo3::types::PyFloat>()
        && let Some(name) = langdock::binding::non_finite_name(f.value())
    {
        return Ok(serde_json::Value::String(name.to_owned()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (key, item) in dict.iter() {
            map.insert(key.extract::<String>()?, settings_json(&item)?);
        }
        return Ok(serde_json::Value::Object(map));
    }
    if let Ok(tuple) = value.cast::<pyo3::types::PyTuple>() {
        return tuple.iter().map(|item| settings_json(&item)).collect::<PyResult<Vec<_>>>().map(Into::into);
    }
    crate::convert::to_json(value)
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
            max_retries: langdock::binding::max_retries(max_retries.map(f64::from))
                .map_err(|e| Python::attach(|py| to_py_err(py, e)))?,
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
        /// Builds the core client from the settings the user gave (a dict); the core decides the rest
        /// from the environment and the defaults.
        #[new]
        fn new(py: Python<'_>, settings: &Bound<'_, PyDict>) -> PyResult<Core> {
            let input = settings_json(settings.as_any())?;
            let decided = catch_panic(py, || {
                langdock::SettingsInput::from_json(input)
                    .and_then(|input| langdock::ClientBuilder::from_input(input, langdock::Face::Python).settings())
                    .map_err(|e| to_py_err(py, e))
            })?;
            Core::from_settings(py, Settings { decided, options: langdock::RequestOptions::default() })
        }

        /// The client's effective settings (key redacted), the same shape in every language.
        #[getter]
        fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            let described = self.client(py, &Options::none())?.settings().describe();
            crate::convert::to_python(py, &described)
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
