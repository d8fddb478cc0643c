//! `langdock.sandbox`'s native half: a run spec in, an outcome out, both as the engine's JSON
//! (`langdock_sandbox::run_json`), so that nothing the engine decides (defaults, limits, checks, spec errors) is
//! repeated here. `langdock/sandbox.py` builds the spec from keyword arguments and shapes the outcome.

use pyo3::prelude::*;

use crate::runtime;

/// Runs integration code in the local sandbox with the GIL released; `spec_json` is a `RunSpec` as JSON and
/// the answer an `Outcome` as JSON. Ctrl-C stops the wait.
#[pyfunction]
pub fn sandbox_run(py: Python<'_>, spec_json: String) -> PyResult<String> {
    runtime::block_on(py, langdock_sandbox::run_json(spec_json))
}

/// `sandbox_run` as an asyncio awaitable: the event loop keeps running while the code runs.
#[pyfunction]
pub fn sandbox_run_async(py: Python<'_>, spec_json: String) -> PyResult<Bound<'_, PyAny>> {
    let fut = async move { Ok(langdock_sandbox::run_json(spec_json).await) };
    runtime::into_awaitable(&runtime::running_loop(py)?, fut, None)
}
