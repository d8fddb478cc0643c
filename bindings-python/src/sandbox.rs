//! `langdock.sandbox`'s native half: a run spec in, an outcome out, both as the engine's JSON, so that this
//! file converts nothing the engine decides (defaults, limits, checks). `langdock/sandbox.py` builds the spec
//! from keyword arguments and turns the outcome into dataclasses.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::runtime;

/// The engine's spec from its JSON text; a bad spec is a `ValueError` naming the problem.
fn spec(spec_json: &str) -> PyResult<langdock_sandbox::RunSpec> {
    serde_json::from_str(spec_json).map_err(|e| PyValueError::new_err(format!("invalid sandbox run spec: {e}")))
}

fn outcome_json(outcome: &langdock_sandbox::Outcome) -> PyResult<String> {
    serde_json::to_string(outcome).map_err(|e| PyValueError::new_err(format!("cannot encode the outcome: {e}")))
}

/// Runs integration code in the local sandbox with the GIL released; `spec_json` is a `RunSpec` as JSON and
/// the answer an `Outcome` as JSON. Ctrl-C stops the run.
#[pyfunction]
pub fn sandbox_run(py: Python<'_>, spec_json: &str) -> PyResult<String> {
    let spec = spec(spec_json)?;
    let outcome = runtime::block_on(py, langdock_sandbox::run(spec))?;
    outcome_json(&outcome)
}

/// `sandbox_run` as an asyncio awaitable: the event loop keeps running while the code runs.
#[pyfunction]
pub fn sandbox_run_async<'py>(py: Python<'py>, spec_json: &str) -> PyResult<Bound<'py, PyAny>> {
    let spec = spec(spec_json)?;
    runtime::into_awaitable(py, async move { outcome_json(&langdock_sandbox::run(spec).await) })
}
