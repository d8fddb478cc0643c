//! Request bodies from flags and JSON/YAML files.

use std::path::Path;

use langdock::{AuthField, AuthFieldType, InputField, InputFieldType};
use serde::de::DeserializeOwned;

use crate::args::{BodyFile, ItemFlags};
use crate::failure::Failure;

/// Reads a file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::file(path, format!("cannot read it: {e}")))
}

/// Parses JSON or YAML text (JSON is YAML, but its errors read better as JSON).
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Failure> {
    let is_json = path.extension().is_some_and(|ext| ext == "json") || text.trim_start().starts_with('{');
    if is_json {
        serde_json::from_str(text).map_err(|e| Failure::file(path, e))
    } else {
        serde_norway::from_str(text).map_err(|e| Failure::file(path, e))
    }
}

/// The body in `--file`, or the default body when no file is given.
pub fn from_file<T: DeserializeOwned + Default>(file: &BodyFile) -> Result<T, Failure> {
    match &file.path {
        Some(path) => parse(path, &read_text(path)?),
        None => Ok(T::default()),
    }
}

/// The code from `--code` or `--code-file`.
pub fn code(item: &ItemFlags) -> Result<Option<String>, Failure> {
    match (&item.code, &item.code_file) {
        (Some(code), _) => Ok(Some(code.clone())),
        (None, Some(path)) => read_text(path).map(Some),
        (None, None) => Ok(None),
    }
}

/// An input field from `LABEL[:TYPE][:required]`.
pub fn input_field(spec: &str) -> Result<InputField, Failure> {
    let mut parts = spec.split(':');
    let label = parts.next().unwrap_or_default();
    let mut field = InputField::new(label, InputFieldType::Text);
    for part in parts {
        if part.eq_ignore_ascii_case("required") {
            field.required = true;
        } else if !part.is_empty() {
            field.field_type = InputFieldType::from(part.to_ascii_uppercase().as_str());
        }
    }
    Ok(field)
}

/// An auth field from `SLUG:LABEL[:TYPE][:required]`.
pub fn auth_field(spec: &str) -> Result<AuthField, Failure> {
    let mut parts = spec.split(':');
    let (Some(slug), Some(label)) = (parts.next(), parts.next()) else {
        return Err(Failure::usage(format!("--field {spec:?}: expected SLUG:LABEL[:TYPE][:required]")));
    };
    let mut field = AuthField::new(slug, label, AuthFieldType::Text);
    for part in parts {
        if part.eq_ignore_ascii_case("required") {
            field.required = true;
        } else if !part.is_empty() {
            field.field_type = AuthFieldType::from(part.to_ascii_uppercase().as_str());
        }
    }
    Ok(field)
}

/// The input fields given with `--input`, or `None` when there are none.
pub fn input_fields(item: &ItemFlags) -> Result<Option<Vec<InputField>>, Failure> {
    if item.inputs.is_empty() {
        return Ok(None);
    }
    item.inputs.iter().map(|spec| input_field(spec)).collect::<Result<Vec<_>, _>>().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_field_specs_take_a_type_and_required() {
        let field = input_field("City:text:required").unwrap();
        assert_eq!(field.label, "City");
        assert_eq!(field.field_type, InputFieldType::Text);
        assert!(field.required);
        assert_eq!(input_field("Count:NUMBER").unwrap().field_type, InputFieldType::Number);
        assert!(!input_field("Plain").unwrap().required);
    }

    #[test]
    fn auth_field_specs_need_a_slug_and_label() {
        let field = auth_field("apiKey:API key:PASSWORD:required").unwrap();
        assert_eq!((field.slug.as_str(), field.label.as_str()), ("apiKey", "API key"));
        assert_eq!(field.field_type, AuthFieldType::Password);
        assert!(field.required);
        assert!(auth_field("lonely").is_err());
    }
}
