//! `_native.Emulator`: the in-process emulator (`langdock_emulator::run_blocking`) behind
//! `langdock.testing.Emulator`. Faults and journal entries cross as JSON in the emulator's own
//! (camelCase) shape; `langdock/testing.py` gives them snake_case names.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;

use langdock_emulator::{ApiKey, BlockingEmulator, Config, Fault};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::convert::to_python;
use crate::models::to_json;

/// A local emulator of the Langdock Integrations API on 127.0.0.1, on its own threads.
#[pyclass(frozen, module = "langdock._native")]
pub struct Emulator {
    inner: Mutex<Option<BlockingEmulator>>,
    base_url: String,
    ca_pem: Option<String>,
}

impl Emulator {
    fn with<T>(&self, f: impl FnOnce(&BlockingEmulator) -> T) -> PyResult<T> {
        let inner = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.as_ref().map(f).ok_or_else(|| PyRuntimeError::new_err("the emulator is stopped"))
    }
}

fn parse_key(spec: &str) -> PyResult<ApiKey> {
    spec.parse::<ApiKey>().map_err(PyValueError::new_err)
}

#[pymethods]
impl Emulator {
    /// Starts an emulator. `keys` ("KEY" or "KEY:SCOPE1,SCOPE2") replace the default key when given; `tls`
    /// serves HTTPS with a CA generated for this run.
    #[new]
    #[pyo3(signature = (*, port=0, keys=None, rate_limit=None, seed=true, state_file=None, tls=false))]
    fn new(
        py: Python<'_>,
        port: u16,
        keys: Option<Vec<String>>,
        rate_limit: Option<u32>,
        seed: bool,
        state_file: Option<PathBuf>,
        tls: bool,
    ) -> PyResult<Emulator> {
        let mut config = Config { rate_limit_per_minute: rate_limit, seed, state_file, tls, ..Config::default() };
        if let Some(keys) = keys {
            config.keys = keys.iter().map(|spec| parse_key(spec)).collect::<PyResult<_>>()?;
        }
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let emulator = py
            .detach(|| langdock_emulator::run_blocking(config, addr))
            .map_err(|e| PyOSError::new_err(format!("cannot start the emulator: {e}")))?;
        let base_url = emulator.base_url();
        let ca_pem = emulator.ca_pem();
        Ok(Emulator { inner: Mutex::new(Some(emulator)), base_url, ca_pem })
    }

    /// `http://127.0.0.1:PORT` (`https://` with `tls`).
    #[getter]
    fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// With `tls`, the PEM of this run's CA; else None.
    #[getter]
    fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// Queues a fault given as the control API's JSON (camelCase).
    fn inject(&self, fault: &Bound<'_, PyAny>) -> PyResult<()> {
        let fault: Fault = serde_json::from_value(to_json(fault)?)
            .map_err(|e| PyValueError::new_err(format!("invalid fault: {e}")))?;
        fault.check().map_err(|e| PyValueError::new_err(format!("invalid fault: {e}")))?;
        self.with(|emulator| emulator.inject(fault))
    }

    /// The pending faults, as the control API's JSON.
    fn faults<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let faults = self.with(|emulator| emulator.faults())?;
        to_python(py, &serde_json::to_value(faults).map_err(|e| PyRuntimeError::new_err(e.to_string()))?)
    }

    /// Removes every pending fault.
    fn clear_faults(&self) -> PyResult<()> {
        self.with(|emulator| emulator.clear_faults())
    }

    /// The requests received, oldest first, as the control API's JSON.
    fn journal<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let entries = self.with(|emulator| emulator.journal())?;
        to_python(py, &serde_json::to_value(entries).map_err(|e| PyRuntimeError::new_err(e.to_string()))?)
    }

    /// Empties the journal.
    fn clear_journal(&self) -> PyResult<()> {
        self.with(|emulator| emulator.clear_journal())
    }

    /// Back to the start state: seed data only, no faults, empty journal.
    fn reset(&self) -> PyResult<()> {
        self.with(|emulator| emulator.reset())
    }

    /// Requests per minute and key; None turns rate limiting off.
    #[pyo3(signature = (per_minute))]
    fn set_rate_limit(&self, per_minute: Option<u32>) -> PyResult<()> {
        self.with(|emulator| emulator.set_rate_limit(per_minute))
    }

    /// Accepts another key: "KEY" (every scope) or "KEY:SCOPE1,SCOPE2" ("KEY:" for none).
    fn add_key(&self, spec: &str) -> PyResult<()> {
        let key = parse_key(spec)?;
        self.with(|emulator| emulator.add_key(key))
    }

    /// Stops the emulator (idempotent).
    fn stop(&self, py: Python<'_>) {
        let emulator = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(emulator) = emulator {
            py.detach(|| emulator.stop());
        }
    }
}
