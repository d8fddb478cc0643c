//! `_native.NativeClient`: the core client behind `langdock.Client` and `langdock.AsyncClient`. Every endpoint
//! is one [`NativeClient::call`] by name (made from the core's operation table, so nothing here lists the
//! endpoints), blocking or as an asyncio awaitable ([`NativeClient::call_async`]).
//!
//! The core client is rebuilt from the stored settings the first time it is used in a forked child,
//! because its connections belong to the parent's runtime.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::calls::{self, Call, Options};
use crate::convert::seconds;
use crate::errors::{catch_panic, to_py_err};
use crate::models::to_json;

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
pub struct NativeClient {
    settings: Settings,
    /// The client and the process it was built in.
    client: Mutex<(u32, langdock::Client)>,
}

impl NativeClient {
    fn from_settings(py: Python<'_>, settings: Settings) -> PyResult<NativeClient> {
        let client = catch_panic(py, || settings.build().map_err(|e| to_py_err(py, e)))?;
        Ok(NativeClient { settings, client: Mutex::new((std::process::id(), client)) })
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
    ) -> PyResult<NativeClient> {
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
        NativeClient::from_settings(py, settings)
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
        Ok(NativeClient { settings, client: Mutex::new((std::process::id(), client)) })
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
