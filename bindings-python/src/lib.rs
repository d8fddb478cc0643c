//! `langdock._native`: the Python face of the langdock Rust core. It converts types and errors and
//! decides nothing; the Python package `langdock` (in `python/langdock/`) wraps it.
//!
//! - [`client`]: `NativeClient`, the core client: settings, and every endpoint by name;
//! - [`calls`]: how a call runs, blocking (GIL released) or as an asyncio awaitable, and per-call options;
//! - [`outcome`]: a finished call as a Python object or exception;
//! - [`convert`]: JSON values as Python values, seconds as durations;
//! - [`models`]: the API's models as Python classes;
//! - [`errors`]: core errors as the Python exception classes of `langdock._errors`;
//! - [`runtime`]: the tokio runtime, rebuilt after `os.fork()`;
//! - [`logging`]: `tracing` events to Python's `logging`;
//! - [`emulator`]: the in-process emulator for `langdock.testing`;
//! - [`sandbox`]: the local runner of integration code behind `langdock.sandbox`.

use pyo3::prelude::*;

mod calls;
mod client;
mod convert;
mod emulator;
mod errors;
mod logging;
mod models;
mod outcome;
mod runtime;
mod sandbox;

/// The base URL of a dedicated deployment, from its address: adds `/api/public`.
#[pyfunction]
fn deployment_base_url(deployment_url: &str) -> String {
    langdock::deployment_base_url(deployment_url)
}

/// Makes the next call panic at `site`: `"dispatch"` (while its arguments are converted, before it runs),
/// `"call"` (in the call's future: on the caller's thread for a blocking call, in a runtime task or the
/// loop's thread for an asyncio call) or `"convert"` (while its answer becomes a Python object). For the
/// tests of panic handling; debug builds only.
#[cfg(debug_assertions)]
#[pyfunction]
fn _debug_panic_next(site: &str) -> PyResult<()> {
    if !["dispatch", "call", "convert"].contains(&site) {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("unknown panic site {site:?}")));
    }
    langdock::binding::debug::panic_next(site);
    Ok(())
}

/// Makes every call made alone be spun for, whatever the machine and the calls before (see
/// `langdock::binding::debug::spin_always`), or stops that. For the tests of what a spun-for asyncio call does;
/// debug builds only.
#[cfg(debug_assertions)]
#[pyfunction]
fn _debug_spin_always(on: bool) {
    langdock::binding::debug::spin_always(on);
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install();
    m.add("VERSION", langdock::VERSION)?;
    m.add("DEFAULT_BASE_URL", langdock::DEFAULT_BASE_URL)?;
    m.add("EMULATOR_API_KEY", langdock_emulator::DEFAULT_API_KEY)?;
    models::register(m)?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<emulator::Emulator>()?;
    m.add_function(wrap_pyfunction!(calls::_in_flight, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::_drain_tasks, m)?)?;
    m.add_function(wrap_pyfunction!(logging::set_log_level, m)?)?;
    m.add_function(wrap_pyfunction!(logging::log_level, m)?)?;
    m.add_function(wrap_pyfunction!(logging::_log_level_from_env, m)?)?;
    m.add_function(wrap_pyfunction!(deployment_base_url, m)?)?;
    m.add_function(wrap_pyfunction!(sandbox::sandbox_run, m)?)?;
    m.add_function(wrap_pyfunction!(sandbox::sandbox_run_async, m)?)?;
    #[cfg(debug_assertions)]
    m.add_function(wrap_pyfunction!(_debug_panic_next, m)?)?;
    #[cfg(debug_assertions)]
    m.add_function(wrap_pyfunction!(_debug_spin_always, m)?)?;
    Ok(())
}
