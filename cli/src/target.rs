//! Which code `run` and `test` run: a single `.js` file, or an action, trigger or the auth test of a
//! directory written by `export`, found by name in its `integration.yaml`.

use std::path::{Path, PathBuf};

use langdock::{InputField, InputFieldType};

use crate::bodies;
use crate::failure::Failure;
use crate::inputs::{self, Field, FieldKind};
use crate::manifest::{MANIFEST, Manifest};

pub use langdock_sandbox::Kind;

/// `--kind`: `action`, `trigger` or `auth`, as the engine spells them.
pub fn parse_kind(text: &str) -> Result<Kind, String> {
    serde_json::from_value(serde_json::Value::String(text.to_ascii_lowercase()))
        .map_err(|_| format!("expected action, trigger or auth, got {text:?}"))
}

/// What to pick in a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// The action of this name.
    Action(String),
    /// The trigger of this name.
    Trigger(String),
    /// The auth test code.
    AuthTest,
}

/// One piece of code, ready to run.
#[derive(Debug, Clone)]
pub struct Target {
    /// The code.
    pub code: String,
    /// Its file, as errors name it.
    pub path: PathBuf,
    /// What it is.
    pub kind: Kind,
    /// What the manifest says it is, for tables (`action "Get forecast"`).
    pub label: String,
    /// Its input fields, for typing `--input` values.
    pub input_fields: Vec<Field>,
    /// The integration's auth fields, for `--auth` and `--auth-env`.
    pub auth_fields: Vec<Field>,
}

/// A `.js` file run as `kind` (an action unless told).
pub fn file(path: &Path, kind: Option<Kind>) -> Result<Target, Failure> {
    Ok(Target {
        code: bodies::read_text(path)?,
        path: path.to_path_buf(),
        kind: kind.unwrap_or(Kind::Action),
        label: path.display().to_string(),
        input_fields: Vec::new(),
        auth_fields: Vec::new(),
    })
}

/// Reads `integration.yaml` only (not the secrets `apply` needs: running code needs no OAuth client secret).
pub fn manifest(dir: &Path) -> Result<Manifest, Failure> {
    let path = dir.join(MANIFEST);
    bodies::parse(&path, &bodies::read_text(&path)?)
}

/// The code `pick` names in the directory `dir`.
pub fn in_dir(dir: &Path, manifest: &Manifest, pick: &Pick) -> Result<Target, Failure> {
    // Connection values are what users typed into a form: text.
    let auth_fields: Vec<Field> = manifest
        .auth
        .fields
        .iter()
        .map(|f| Field { key: f.slug.clone(), label: f.label.clone(), kind: FieldKind::Text })
        .collect();
    let names = |names: Vec<&str>| if names.is_empty() { "none".to_owned() } else { format!("{names:?}") };
    let (file, kind, label, fields) = match pick {
        Pick::Action(name) => {
            let action = find(&manifest.actions, name, |a| &a.name).ok_or_else(|| {
                Failure::usage(format!("{}: no action named {name:?}", dir.join(MANIFEST).display())).hint(format!(
                    "the actions are {}",
                    names(manifest.actions.iter().map(|a| a.name.as_str()).collect())
                ))
            })?;
            (action.file.clone(), Kind::Action, format!("action {:?}", action.name), &action.input_fields)
        }
        Pick::Trigger(name) => {
            let trigger = find(&manifest.triggers, name, |t| &t.name).ok_or_else(|| {
                Failure::usage(format!("{}: no trigger named {name:?}", dir.join(MANIFEST).display())).hint(format!(
                    "the triggers are {}",
                    names(manifest.triggers.iter().map(|t| t.name.as_str()).collect())
                ))
            })?;
            (trigger.file.clone(), Kind::Trigger, format!("trigger {:?}", trigger.name), &trigger.input_fields)
        }
        Pick::AuthTest => (manifest.auth.test_code_file.clone(), Kind::Auth, "auth test".to_owned(), &Vec::new()),
    };
    let Some(file) = file else {
        return Err(Failure::usage(format!("{}: the {label} names no code file", dir.join(MANIFEST).display())));
    };
    let path = dir.join(&file);
    Ok(Target {
        code: bodies::read_text(&path)?,
        path,
        kind,
        label,
        input_fields: fields.iter().map(input_field).collect(),
        auth_fields,
    })
}

/// By exact name, else ignoring case.
fn find<'a, T>(items: &'a [T], name: &str, name_of: impl Fn(&T) -> &String) -> Option<&'a T> {
    items
        .iter()
        .find(|item| name_of(item) == name)
        .or_else(|| items.iter().find(|item| name_of(item).eq_ignore_ascii_case(name)))
}

/// An input field of the manifest as `--input` and starter tests see it: its slug and how to type it.
pub fn input_field(field: &InputField) -> Field {
    let kind = match field.field_type {
        InputFieldType::Number => FieldKind::Number,
        InputFieldType::Boolean => FieldKind::Boolean,
        InputFieldType::Object => FieldKind::Json,
        _ => FieldKind::Text,
    };
    let key = field.slug.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| inputs::slug(&field.label));
    Field { key, label: field.label.clone(), kind }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST_TEXT: &str = "\
name: Weather
auth:
  type: API_KEY
  testCodeFile: auth/test.js
  fields:
    - slug: apiKey
      label: API key
      type: PASSWORD
actions:
  - name: Get forecast
    file: actions/get_forecast.js
    inputFields:
      - label: City
      - label: Days ahead
        type: NUMBER
triggers:
  - name: Storm warning
";

    fn dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), MANIFEST_TEXT).unwrap();
        for file in ["actions/get_forecast.js", "auth/test.js"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, format!("// {file}\nreturn 1;")).unwrap();
        }
        dir
    }

    #[test]
    fn an_action_is_found_by_name_ignoring_case_with_its_fields_typed() {
        let dir = dir();
        let manifest = manifest(dir.path()).unwrap();
        let target = in_dir(dir.path(), &manifest, &Pick::Action("get FORECAST".into())).unwrap();
        assert_eq!(target.kind, Kind::Action);
        assert!(target.code.starts_with("// actions/get_forecast.js"));
        let keys: Vec<(&str, FieldKind)> = target.input_fields.iter().map(|f| (f.key.as_str(), f.kind)).collect();
        assert_eq!(keys, [("city", FieldKind::Text), ("days_ahead", FieldKind::Number)]);
        assert_eq!(target.auth_fields[0].key, "apiKey");
        let auth = in_dir(dir.path(), &manifest, &Pick::AuthTest).unwrap();
        assert_eq!((auth.kind, auth.code.starts_with("// auth/test.js")), (Kind::Auth, true));
    }

    #[test]
    fn an_unknown_name_lists_the_names_there_are_and_a_trigger_without_file_says_so() {
        let dir = dir();
        let manifest = manifest(dir.path()).unwrap();
        let failure = in_dir(dir.path(), &manifest, &Pick::Action("Nope".into())).unwrap_err();
        assert!(failure.to_string().contains("no action named \"Nope\""), "{failure}");
        assert!(format!("{failure:?}").contains("the actions are [\\\"Get forecast\\\"]"), "{failure:?}");
        let failure = in_dir(dir.path(), &manifest, &Pick::Trigger("Storm warning".into())).unwrap_err();
        assert!(failure.to_string().contains("names no code file"), "{failure}");
    }
}
