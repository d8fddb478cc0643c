//! `_native.NativeClient`: the core client behind `langdock.Client` and `langdock.AsyncClient`. Every endpoint
//! is one [`NativeClient::call`] by name (made from the core's operation table, so nothing here lists the
//! endpoints), blocking or as an asyncio awaitable ([`NativeClient::call_async`]).
//!
//! The core client is rebuilt from the stored settings the first time it is used in a forked child,
//! because its connections belong to the parent's runtime.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::calls::{self, Call, Options};
use crate::errors::{catch_panic, to_py_err};
use crate::models::to_json;

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
    to_json(value)
}

/// The core client of `langdock.Client` / `langdock.AsyncClient`.
#[pyclass(frozen, module = "langdock._native")]
pub struct NativeClient {
    settings: Settings,
    /// The client and the process it was built in.
    client: Mutex<(u32, langdock::Client)>,
}

impl NativeClient {
    fn from_settings(py: Python<'_>, settings: Settings) -> PyResult<NativeClient> {
        let client = catch_panic(py, || settings.build().map_err(|e| to_py_err(py, e)))?;
        Ok(NativeClient { settings, client: Mutex::new((langdock::binding::process_id(), client)) })
    }

    /// The client for this process, with per-call options applied.
    fn client(&self, py: Python<'_>, options: &Options) -> PyResult<langdock::Client> {
        let pid = langdock::binding::process_id();
        let mut slot = self.client.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.0 != pid {
            *slot = (pid, catch_panic(py, || self.settings.build().map_err(|e| to_py_err(py, e)))?);
        }
        Ok(slot.1.with_options(options.0.clone()))
    }
}

impl NativeClient {
    /// Converts a call's arguments with the GIL held and returns the core call as a future; a panic while
    /// doing so is an `InternalError`. `payload` is the body (any JSON-like value or model) or, for an upload,
    /// the bytes.
    fn plan(
        &self,
        py: Python<'_>,
        operation: &str,
        ids: Vec<String>,
        payload: Option<&Bound<'_, PyAny>>,
        options: Options,
    ) -> PyResult<Call> {
        catch_panic(py, || {
            #[cfg(debug_assertions)]
            langdock::binding::debug::checkpoint("dispatch");
            let mut args = langdock::Arguments { ids, ..Default::default() };
            match payload {
                Some(bytes) if bytes.is_instance_of::<PyBytes>() => {
                    args.bytes = Some(bytes.cast::<PyBytes>()?.as_bytes().to_vec())
                }
                Some(body) if !body.is_none() => args.body = Some(to_json(body)?),
                _ => {}
            }
            let client = self.client(py, &options)?;
            let operation = operation.to_owned();
            Ok(Box::pin(async move { langdock::binding::call(&client, &operation, args).await }) as Call)
        })
    }
}

#[pymethods]
impl NativeClient {
    /// Builds the core client from the settings the user gave (a dict); the core decides the rest
    /// from the environment and the defaults.
    #[new]
    fn new(py: Python<'_>, settings: &Bound<'_, PyDict>) -> PyResult<NativeClient> {
        let input = settings_json(settings.as_any())?;
        let decided = catch_panic(py, || {
            langdock::SettingsInput::from_json(input)
                .and_then(|input| langdock::ClientBuilder::from_input(input, langdock::Face::Python).settings())
                .map_err(|e| to_py_err(py, e))
        })?;
        NativeClient::from_settings(py, Settings { decided, options: langdock::RequestOptions::default() })
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
    ) -> PyResult<NativeClient> {
        let Options(extra) = Options::new(timeout, deadline, max_retries)?;
        let mut settings = self.settings.clone();
        settings.options = langdock::RequestOptions {
            timeout: extra.timeout.or(settings.options.timeout),
            deadline: extra.deadline.or(settings.options.deadline),
            max_retries: extra.max_retries.or(settings.options.max_retries),
        };
        let client = self.client(py, &Options(extra))?;
        Ok(NativeClient { settings, client: Mutex::new((langdock::binding::process_id(), client)) })
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

    /// Makes the call named `operation` (e.g. `"get_integration"`) with the path ids in order and the body,
    /// or the bytes of an upload; blocks until it is done, the GIL released.
    #[pyo3(signature = (operation, ids, payload=None, *, timeout=None, deadline=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn call<'py>(
        &self,
        py: Python<'py>,
        operation: &str,
        ids: Vec<String>,
        payload: Option<&Bound<'py, PyAny>>,
        timeout: Option<f64>,
        deadline: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = Options::new(timeout, deadline, max_retries)?;
        calls::blocking(py, self.plan(py, operation, ids, payload, options)?)
    }

    /// [`call`](NativeClient::call) as an awaitable; cancelling it cancels the request.
    #[pyo3(signature = (operation, ids, payload=None, *, timeout=None, deadline=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        operation: &str,
        ids: Vec<String>,
        payload: Option<&Bound<'py, PyAny>>,
        timeout: Option<f64>,
        deadline: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = Options::new(timeout, deadline, max_retries)?;
        calls::awaitable(py, self.plan(py, operation, ids, payload, options)?)
    }
}
