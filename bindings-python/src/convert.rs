//! Python values <-> JSON values. Requests go Python -> `serde_json::Value` -> core model (the core's
//! serde accepts snake_case and camelCase keys), so this file decides nothing about the API's shapes.

use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::errors::to_py_err;
use crate::models::ToJson;

/// A Python value as JSON: None, bool, int, float, str, mappings, lists and tuples, and the request
/// and response classes of this module.
pub fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = value.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(PyValueError::new_err("integer out of range for JSON"));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("NaN and infinity are not JSON numbers"));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Some(json) = ToJson::try_from_model(value)? {
        return Ok(json);
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, item) in dict.iter() {
            map.insert(key_to_string(&key)?, to_json(&item)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let seq = value.cast::<PySequence>()?;
        let mut items = Vec::with_capacity(seq.len()?);
        for item in seq.try_iter()? {
            items.push(to_json(&item?)?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(mapping) = value.cast::<PyMapping>() {
        let mut map = Map::new();
        for item in mapping.items()?.try_iter()? {
            let (key, item): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
            map.insert(key_to_string(&key)?, to_json(&item)?);
        }
        return Ok(Value::Object(map));
    }
    Err(PyTypeError::new_err(format!(
        "cannot send a {} to the API: use dicts, lists, str, int, float, bool, None or langdock's classes",
        value.get_type().name()?
    )))
}

fn key_to_string(key: &Bound<'_, PyAny>) -> PyResult<String> {
    key.cast::<PyString>()
        .map_err(|_| PyTypeError::new_err("dictionary keys sent to the API must be strings"))?
        .to_cow()
        .map(|key| key.into_owned())
}

/// A JSON value as plain Python: dict, list, str, int, float, bool, None.
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.into_pyobject(py)?.into_any(),
            (_, Some(u), _) => u.into_pyobject(py)?.into_any(),
            (_, _, f) => f.unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_dict(py, map)?.into_any(),
    })
}

/// A JSON object as a Python dict.
pub fn map_to_dict<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, item) in map {
        dict.set_item(key, to_python(py, item)?)?;
    }
    Ok(dict)
}

/// A request model from a Python value; a value of the wrong shape is the core's validation error.
pub fn request<T: DeserializeOwned>(what: &str, value: &Bound<'_, PyAny>) -> PyResult<T> {
    let json = to_json(value)?;
    langdock::binding::from_json(what, json).map_err(|e| to_py_err(value.py(), e))
}

/// Seconds as a `Duration`; the core refuses a negative, zero or non-finite number (`ConfigurationError`).
pub fn seconds(name: &str, value: Option<f64>) -> PyResult<Option<Duration>> {
    langdock::binding::duration(name, value, langdock::Face::Python).map_err(|e| Python::attach(|py| to_py_err(py, e)))
}
