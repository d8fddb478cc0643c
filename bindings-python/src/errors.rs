//! The one place a `langdock::Error` becomes a Python exception: the class named by the error's kind
//! (defined in pure Python in `langdock/_errors.py`, so that it pickles and subclasses normally), with
//! every detail the core knows, and the Rust source chain as `__cause__`. A panic becomes `InternalError`
//! here too, rather than pyo3's `PanicException`, a `BaseException` that `except Exception` misses.

use std::panic::AssertUnwindSafe;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple};

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS_MODULE.get_or_try_init(py, || py.import("langdock._errors").map(Bound::unbind)).map(|m| m.bind(py))
}

/// The Python exception for a core error.
pub fn to_py_err(py: Python<'_>, error: langdock::Error) -> PyErr {
    build(py, &error).unwrap_or_else(|failure| {
        let err = PyRuntimeError::new_err(format!("{error} (and it could not be raised as a langdock error)"));
        err.set_cause(py, Some(failure));
        err
    })
}

/// Runs `f` and raises a panic inside it as `InternalError` (a `LangdockError`).
pub fn catch_panic<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(to_py_err(py, langdock::binding::panic_error(payload.as_ref()))))
}

fn build(py: Python<'_>, error: &langdock::Error) -> PyResult<PyErr> {
    let module = errors_module(py)?;
    let kind = error.kind();
    let class = module.getattr(kind.class_name())?;
    let violation_class = module.getattr("Violation")?;

    let headers = PyDict::new(py);
    for (name, value) in error.headers() {
        match headers.get_item(name)? {
            Some(previous) => headers.set_item(name, format!("{}, {value}", previous.extract::<String>()?))?,
            None => headers.set_item(name, value)?,
        }
    }
    let violations = PyList::empty(py);
    for violation in error.violations() {
        violations.append(violation_class.call1((violation.path.as_str(), violation.message.as_str()))?)?;
    }

    let kwargs = PyDict::new(py);
    kwargs.set_item("status", error.status())?;
    kwargs.set_item("body", error.body())?;
    kwargs.set_item("headers", headers)?;
    kwargs.set_item("request_id", error.request_id())?;
    kwargs.set_item("attempts", error.attempts())?;
    kwargs.set_item("retry_after", error.retry_after().map(|wait| wait.as_secs_f64()))?;
    kwargs.set_item("maybe_created", error.maybe_created())?;
    kwargs.set_item("violations", PyTuple::new(py, violations)?)?;
    kwargs.set_item("code", kind.code())?;
    let exception = class.call((error.message(),), Some(&kwargs))?;
    let err = PyErr::from_value(exception);

    // The source chain, outermost first, as RustError causes.
    let rust_error = module.getattr("RustError")?;
    let mut cause: Option<PyErr> = None;
    for message in langdock::binding::causes(error).iter().rev() {
        let next = PyErr::from_value(rust_error.call1((message.as_str(),))?);
        next.set_cause(py, cause.take());
        cause = Some(next);
    }
    err.set_cause(py, cause);
    Ok(err)
}
