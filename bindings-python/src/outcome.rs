//! A finished call as Python: the core's [`Output`] becomes the model class of its answer, an error the
//! matching exception class.

use langdock::binding::Output;
use pyo3::prelude::*;

use crate::errors::{catch_panic, to_py_err};
use crate::models::{Action, Deleted, Icon, Integration, IntegrationList, IntegrationRef, Meta, Trigger};

fn wrap<'py, T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>, D>(
    py: Python<'py>,
    response: langdock::Response<D>,
    make: impl FnOnce(D, Meta) -> T,
) -> PyResult<Bound<'py, PyAny>> {
    let meta = Meta::of(&response);
    Ok(Bound::new(py, make(response.into_inner(), meta))?.into_any())
}

/// The model class of an answer (one arm per answer model, none per operation).
fn to_python(py: Python<'_>, output: Output) -> PyResult<Bound<'_, PyAny>> {
    match output {
        Output::IntegrationList(response) => Ok(Bound::new(py, IntegrationList::new(response))?.into_any()),
        Output::IntegrationRef(response) => wrap(py, response, IntegrationRef::wrap),
        Output::Integration(response) => wrap(py, response, Integration::wrap),
        Output::Icon(response) => wrap(py, response, Icon::wrap),
        Output::Action(response) => wrap(py, response, Action::wrap),
        Output::Trigger(response) => wrap(py, response, Trigger::wrap),
        Output::Deleted(response) => wrap(py, response, Deleted::wrap),
    }
}

/// A finished call: its answer, or its error raised as the matching exception class.
pub struct Outcome(pub langdock::Result<Output>);

impl<'py> IntoPyObject<'py> for Outcome {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.0 {
            // In an asyncio call this runs in the loop thread's drain of finished calls (runtime.rs), where an
            // uncaught panic would leave the awaiting Python future pending forever.
            Ok(output) => catch_panic(py, || {
                #[cfg(debug_assertions)]
                langdock::binding::debug::checkpoint("convert");
                to_python(py, output)
            }),
            Err(error) => Err(to_py_err(py, error)),
        }
    }
}
