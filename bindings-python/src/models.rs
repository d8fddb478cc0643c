//! The API's models as Python classes: each wraps the core's serde type, is built from keyword
//! arguments through the core's serde (snake_case or camelCase keys), and shows its fields as
//! snake_case attributes. Unknown fields the server sent stay reachable in `extra`.

use std::hash::{Hash, Hasher};

use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PySlice, PyString, PyTuple, PyType};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::convert::{map_to_dict, to_python};
use crate::errors::to_py_err;

/// Python values -> JSON values. Requests go Python -> `serde_json::Value` -> core model (the core's serde
/// accepts snake_case and camelCase keys), so nothing here decides about the API's shapes.
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

/// A request model from a Python value; a value of the wrong shape is the core's validation error.
pub fn request<T: DeserializeOwned>(what: &str, value: &Bound<'_, PyAny>) -> PyResult<T> {
    let json = to_json(value)?;
    langdock::binding::from_json(what, json).map_err(|e| to_py_err(value.py(), e))
}

/// What a call took: on the objects the client returns, not on nested ones or ones you build.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub attempts: u32,
    pub request_id: Option<String>,
    pub status: u16,
}

impl Meta {
    pub fn of<T>(response: &langdock::Response<T>) -> Meta {
        Meta {
            attempts: response.attempts(),
            request_id: response.request_id().map(str::to_owned),
            status: response.status(),
        }
    }
}

/// What a model pickles (and so copies) as: its JSON as the API spells it, server-made fields included,
/// then the call's `attempts`, `request_id` and `status`. JSON rather than Rust's layout, so that a pickle
/// made by one version of the package loads in another (fields it does not know land in `extra`).
type State = (String, u32, Option<String>, u16);

fn to_state<T: Serialize>(value: &T, meta: &Meta) -> PyResult<State> {
    let json = langdock::binding::response_json(value)
        .and_then(|json| serde_json::to_string(&json))
        .map_err(|e| PyTypeError::new_err(e.to_string()))?;
    Ok((json, meta.attempts, meta.request_id.clone(), meta.status))
}

/// A model back from its [`State`]; one that is not this model's JSON (a corrupted pickle) is a `ValueError`.
fn from_state<T: DeserializeOwned>(what: &str, state: State) -> PyResult<(T, Meta)> {
    let (json, attempts, request_id, status) = state;
    let inner = serde_json::from_str(&json).map_err(|e| PyValueError::new_err(format!("not a pickled {what}: {e}")))?;
    Ok((inner, Meta { attempts, request_id, status }))
}

/// Hashes a model consistently with its `==`, which compares the data (not `attempts` or `request_id`):
/// over its JSON, object keys in order and -0.0 as 0.0, as JSON equality has them.
fn hash_model<T: Serialize, H: Hasher>(value: &T, state: &mut H) {
    if let Ok(json) = langdock::binding::response_json(value) {
        hash_json(&json, state);
    }
}

fn hash_json<H: Hasher>(value: &Value, state: &mut H) {
    std::mem::discriminant(value).hash(state);
    match value {
        Value::Null => {}
        Value::Bool(b) => b.hash(state),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => (f + 0.0).to_bits().hash(state),
            _ => n.to_string().hash(state),
        },
        Value::String(s) => s.hash(state),
        Value::Array(items) => {
            items.len().hash(state);
            items.iter().for_each(|item| hash_json(item, state));
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            entries.len().hash(state);
            for (key, item) in entries {
                key.hash(state);
                hash_json(item, state);
            }
        }
    }
}

/// A field of a model as Python: `to_py` gives the typed value (nested models as classes),
/// `to_plain` the plain one (nested models as dicts), for `to_dict()`.
pub trait Field {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_py(py)
    }
}

macro_rules! plain_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(self.clone().into_pyobject(py)?.to_owned().into_any())
            }
        }
    )*};
}
plain_field!(bool, u32);

impl Field for String {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self).into_any())
    }
}

macro_rules! enum_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(PyString::new(py, self.as_str()).into_any())
            }
        }
    )*};
}
enum_field!(langdock::AuthType, langdock::AuthFieldType, langdock::InputFieldType);

impl<T: Field> Field for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_plain(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: Field> Field for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self.iter().map(|item| item.to_py(py)).collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self.iter().map(|item| item.to_plain(py)).collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

impl Field for langdock::Extra {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(map_to_dict(py, self)?.into_any())
    }
}

/// The unknown fields of a model (SelectOption keeps none).
pub trait Extras {
    fn extras(&self) -> &langdock::Extra;
}

macro_rules! extras {
    ($($t:ty),*) => {$(
        impl Extras for $t {
            fn extras(&self) -> &langdock::Extra {
                &self.extra
            }
        }
    )*};
}
extras!(
    langdock::ActionSummary,
    langdock::IntegrationSummary,
    langdock::IntegrationRef,
    langdock::Integration,
    langdock::CreateIntegration,
    langdock::UpdateIntegration,
    langdock::Icon,
    langdock::AuthField,
    langdock::OAuthClient,
    langdock::UpdateAuth,
    langdock::InputField,
    langdock::Action,
    langdock::ActionInput,
    langdock::Trigger,
    langdock::TriggerInput,
    langdock::Deleted
);

impl Extras for langdock::SelectOption {
    fn extras(&self) -> &langdock::Extra {
        static EMPTY: std::sync::LazyLock<langdock::Extra> = std::sync::LazyLock::new(langdock::Extra::new);
        &EMPTY
    }
}

fn repr_of(
    py: Python<'_>,
    class: &str,
    fields: &[(&str, Bound<'_, PyAny>)],
    extra: &langdock::Extra,
) -> PyResult<String> {
    let mut parts = Vec::new();
    for (name, value) in fields {
        if value.is_none() {
            continue;
        }
        if langdock::is_secret_field(name) {
            parts.push(format!("{name}='[redacted]'"));
        } else {
            parts.push(format!("{name}={}", value.repr()?.to_cow()?));
        }
    }
    if !extra.is_empty() {
        parts.push(format!("extra={}", map_to_dict(py, extra)?.repr()?.to_cow()?));
    }
    Ok(format!("{class}({})", parts.join(", ")))
}

macro_rules! model {
    ($(
        $(#[$doc:meta])*
        $py:ident($core:ty) $(with $attempts:ident)? { $($field:ident $(as $pyname:literal)?),* $(,)? }
    )*) => {$(
        $(#[$doc])*
        ///
        /// Immutable, so it compares and hashes by value (its data, not the call's `attempts` and
        /// `request_id`), and pickles and copies through its JSON form.
        #[pyclass(frozen, module = "langdock", eq, hash)]
        #[derive(Clone)]
        pub struct $py {
            pub(crate) inner: $core,
            /// Read by the `attempts`/`request_id` getters of the classes the client returns.
            #[allow(dead_code)]
            pub(crate) meta: Meta,
        }

        impl PartialEq for $py {
            fn eq(&self, other: &Self) -> bool {
                self.inner == other.inner
            }
        }

        impl Hash for $py {
            fn hash<H: Hasher>(&self, state: &mut H) {
                hash_model(&self.inner, state);
            }
        }

        impl $py {
            pub fn wrap(inner: $core, meta: Meta) -> Self {
                $py { inner, meta }
            }

            fn fields<'py>(&self, py: Python<'py>) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
                Ok(vec![$( (model!(@name $field $($pyname)?), self.inner.$field.to_py(py)?), )*])
            }

            /// `to_dict()` of a core model, without wrapping (and so copying) it first. The keys are
            /// interned: `to_list()` of a long list makes the same few keys thousands of times.
            fn dict_of<'py>(inner: &$core, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                let dict = PyDict::new(py);
                $( dict.set_item(pyo3::intern!(py, model!(@name $field $($pyname)?)), inner.$field.to_plain(py)?)?; )*
                for (key, value) in inner.extras() {
                    if !dict.contains(key)? {
                        dict.set_item(key, to_python(py, value)?)?;
                    }
                }
                Ok(dict)
            }
        }

        impl Field for $core {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(Bound::new(py, $py::wrap(self.clone(), Meta::default()))?.into_any())
            }
            fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok($py::dict_of(self, py)?.into_any())
            }
        }

        #[pymethods]
        impl $py {
            /// Builds one from keyword arguments (snake_case or camelCase names); unknown names are kept in `extra`.
            #[new]
            #[pyo3(signature = (**fields))]
            fn new(py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
                let fields = match fields {
                    Some(fields) => fields.clone().into_any(),
                    None => PyDict::new(py).into_any(),
                };
                Ok($py::wrap(request(stringify!($py), &fields)?, Meta::default()))
            }

            $(
                #[getter]
                $(#[pyo3(name = $pyname)])?
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    self.inner.$field.to_py(py)
                }
            )*

            /// Properties the server sent that this version does not know, as they came.
            #[getter]
            fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                map_to_dict(py, self.inner.extras())
            }

            /// The fields as a plain dict with snake_case keys (nested objects as dicts), then `extra`.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                $py::dict_of(&self.inner, py)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                repr_of(py, stringify!($py), &self.fields(py)?, self.inner.extras())
            }

            /// Pickles (and so copies) by value: the JSON form, `attempts` and `request_id`.
            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, State)> {
                let this = slf.get();
                Ok((slf.get_type().getattr("_from_state")?, to_state(&this.inner, &this.meta)?))
            }

            /// Rebuilds one from what `__reduce__` gave. A class method, so that pickle stores it as
            /// `getattr(<the class>, "_from_state")`, found again by the class's name.
            #[classmethod]
            fn _from_state(
                _cls: &Bound<'_, PyType>,
                json: String,
                attempts: u32,
                request_id: Option<String>,
                status: u16,
            ) -> PyResult<Self> {
                let (inner, meta) = from_state(stringify!($py), (json, attempts, request_id, status))?;
                Ok($py::wrap(inner, meta))
            }

            $(
                /// How many HTTP attempts the call took (1 when nothing was retried; 0 on objects not returned by a call).
                #[getter]
                fn $attempts(&self) -> u32 {
                    self.meta.attempts
                }

                /// The request id of the call: the server's `x-request-id`, else the one the client sent.
                #[getter]
                fn request_id(&self) -> Option<String> {
                    self.meta.request_id.clone()
                }
            )?
        }
    )*

        /// The JSON of a model object, when `value` is one.
        pub struct ToJson;

        impl ToJson {
            pub fn try_from_model(value: &Bound<'_, PyAny>) -> PyResult<Option<Value>> {
                $(
                    if let Ok(model) = value.cast::<$py>() {
                        return serde_json::to_value(&model.get().inner)
                            .map(Some)
                            .map_err(|e| PyTypeError::new_err(e.to_string()));
                    }
                )*
                Ok(None)
            }
        }

        /// Registers every model class.
        pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
            $( module.add_class::<$py>()?; )*
            module.add_class::<IntegrationList>()?;
            Ok(())
        }
    };
    (@name $field:ident $pyname:literal) => { $pyname };
    (@name $field:ident) => { stringify!($field) };
}

// A field name with `as` is shown under another name: `type` for the field type, as in the API.
model! {
    /// An action as the list endpoint shows it.
    ActionSummary(langdock::ActionSummary) { id, name, description }

    /// One entry of the integration list: Langdock-built and custom integrations alike.
    IntegrationSummary(langdock::IntegrationSummary) { id, name, description, auth_type, built_by_langdock, actions }

    /// What integration create and update answer: the integration's identity, not its contents.
    IntegrationRef(langdock::IntegrationRef) with attempts { id, name, description, created_at }

    /// A whole integration, as `get` and the auth update answer it.
    Integration(langdock::Integration) with attempts {
        id, name, description, auth_type, auth_test_code, auth_fields, oauth_client, actions, triggers
    }

    /// The body of an integration create.
    CreateIntegration(langdock::CreateIntegration) { name, description }

    /// A partial update of an integration: only the properties given change.
    UpdateIntegration(langdock::UpdateIntegration) { name, description, icon_url, color }

    /// An integration's icon.
    Icon(langdock::Icon) with attempts { icon_url }

    /// A value the user enters when connecting; action code reads it as `data.auth.<slug>`.
    AuthField(langdock::AuthField) { id, slug, label, field_type as "type", description, placeholder, required }

    /// The OAuth client of an OAUTH or OAUTH_DCR integration; `client_secret` is never shown.
    OAuthClient(langdock::OAuthClient) {
        client_id, client_secret, auth_url, token_url, scopes, label,
        authorization_code, access_token_code, refresh_token_code
    }

    /// The body of an auth update. Changing `auth_type` disconnects every user of the integration.
    UpdateAuth(langdock::UpdateAuth) { auth_type, auth_fields, auth_test_code, oauth_client }

    /// One choice of a SELECT field.
    SelectOption(langdock::SelectOption) { label, value }

    /// An input field of an action or trigger, as sent and as returned (`slug`, `order` are the server's).
    InputField(langdock::InputField) {
        label, field_type as "type", description, placeholder, required, options,
        allow_multi_select, context_action_id, slug, order
    }

    /// An action as the API returns it.
    Action(langdock::Action) with attempts {
        id, name, slug, description, code, order, requires_confirmation, input_fields
    }

    /// The body of an action create, and of an update (a full replacement).
    ActionInput(langdock::ActionInput) { name, description, code, input_fields, requires_confirmation }

    /// A trigger as the API returns it (the API never returns its polling code or input fields).
    Trigger(langdock::Trigger) with attempts { id, name, slug, description }

    /// The body of a trigger create, and of an update (a full replacement).
    TriggerInput(langdock::TriggerInput) { name, description, polling_code, input_fields }

    /// What a delete answers; `already_deleted` when a retried delete found it gone.
    Deleted(langdock::Deleted) with attempts { message, id, already_deleted }
}

/// Every integration of the workspace: a sequence of `IntegrationSummary`, with the call's
/// `attempts` and `request_id`. Immutable: compares and hashes by its items, pickles and copies like the models.
#[pyclass(frozen, module = "langdock", sequence)]
pub struct IntegrationList {
    items: Vec<langdock::IntegrationSummary>,
    meta: Meta,
}

impl IntegrationList {
    pub fn new(response: langdock::Response<Vec<langdock::IntegrationSummary>>) -> Self {
        let meta = Meta::of(&response);
        IntegrationList { items: response.into_inner(), meta }
    }
}

#[pymethods]
impl IntegrationList {
    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(slice) = index.cast::<PySlice>() {
            let indices = slice.indices(self.items.len() as isize)?;
            let list = PyList::empty(py);
            let mut i = indices.start;
            for _ in 0..indices.slicelength {
                list.append(self.items[i as usize].to_py(py)?)?;
                i += indices.step;
            }
            return Ok(list.into_any());
        }
        let i: isize = index.extract()?;
        let len = self.items.len() as isize;
        let at = if i < 0 { i + len } else { i };
        if at < 0 || at >= len {
            return Err(PyIndexError::new_err("integration list index out of range"));
        }
        self.items[at as usize].to_py(py)
    }

    /// Makes each `IntegrationSummary` when it is reached, not all of them up front.
    fn __iter__(slf: Bound<'_, Self>) -> IntegrationListIter {
        IntegrationListIter { list: slf.unbind(), next: std::sync::atomic::AtomicUsize::new(0) }
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        if let Ok(other) = other.cast::<IntegrationList>() {
            return Ok(self.items == other.get().items);
        }
        if other.is_instance_of::<PyList>() {
            return self.items.to_py(py)?.eq(other);
        }
        Ok(false)
    }

    fn __hash__(&self) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        hash_model(&self.items, &mut hasher);
        hasher.finish()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("IntegrationList({})", self.items.to_py(py)?.repr()?.to_cow()?))
    }

    /// Pickles (and so copies) by value: the items' JSON form, `attempts` and `request_id`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, State)> {
        let this = slf.get();
        Ok((slf.get_type().getattr("_from_state")?, to_state(&this.items, &this.meta)?))
    }

    /// Rebuilds one from what `__reduce__` gave (a class method, as on the models).
    #[classmethod]
    fn _from_state(
        _cls: &Bound<'_, PyType>,
        json: String,
        attempts: u32,
        request_id: Option<String>,
        status: u16,
    ) -> PyResult<Self> {
        let (items, meta) = from_state("IntegrationList", (json, attempts, request_id, status))?;
        Ok(IntegrationList { items, meta })
    }

    /// The integrations as a list of plain dicts.
    pub fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.items.to_plain(py)
    }

    /// How many HTTP attempts the call took (1 when nothing was retried).
    #[getter]
    fn attempts(&self) -> u32 {
        self.meta.attempts
    }

    /// The request id of the call: the server's `x-request-id`, else the one the client sent.
    #[getter]
    fn request_id(&self) -> Option<String> {
        self.meta.request_id.clone()
    }
}

/// An iterator over an [`IntegrationList`]: each item is made as it is reached.
#[pyclass(frozen, module = "langdock")]
pub struct IntegrationListIter {
    list: Py<IntegrationList>,
    next: std::sync::atomic::AtomicUsize,
}

#[pymethods]
impl IntegrationListIter {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let items = &self.list.get().items;
        // Frozen, and so shared: the position is claimed atomically (the GIL may be off on free-threaded builds).
        let at = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match items.get(at) {
            Some(item) => item.to_py(py).map(Some),
            None => {
                self.next.store(items.len(), std::sync::atomic::Ordering::Relaxed);
                Ok(None)
            }
        }
    }

    fn __length_hint__(&self) -> usize {
        self.list.get().items.len().saturating_sub(self.next.load(std::sync::atomic::Ordering::Relaxed))
    }
}
