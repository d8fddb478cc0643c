//! Create, replace and delete polling triggers (API.md 4.10 to 4.12).

use http::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::writable;
use crate::app::App;
use crate::reply::{ApiError, Reply};
use crate::state::{Integration, Trigger, make_slug};
use crate::{validate, views};

fn duplicate(name: &str) -> ApiError {
    ApiError::conflict(format!("a trigger named {name:?} already exists in this integration"))
}

fn not_found(integration: &Integration, id: Uuid) -> ApiError {
    ApiError::not_found(format!("trigger {id} not found in integration {}", integration.id))
}

/// `POST …/triggers/create`: `pollingCode` and input fields are stored although GET never shows them.
pub(super) fn create(app: &App, integration_id: Uuid, body: &Value) -> Result<Reply, ApiError> {
    let spec = validate::trigger_spec(body)?;
    let mut store = app.store();
    let integration = writable(&mut store, integration_id)?;
    if integration.triggers.iter().any(|t| t.name == spec.name) {
        return Err(duplicate(&spec.name));
    }
    let slug = make_slug(&spec.name, "trigger", |slug| integration.triggers.iter().any(|t| t.slug == slug));
    let trigger = Trigger {
        id: Uuid::new_v4(),
        name: spec.name,
        slug,
        description: spec.description.unwrap_or_default(),
        polling_code: spec.polling_code,
        input_fields: spec.input_fields.unwrap_or_default(),
    };
    let answer = json!({ "trigger": views::trigger(&trigger) });
    integration.triggers.push(trigger);
    Ok(Reply::json(StatusCode::CREATED, &answer).applied())
}

/// `PUT …/triggers/{id}`: full replacement (what is omitted is cleared); the slug never changes.
pub(super) fn update(app: &App, integration_id: Uuid, id: Uuid, body: &Value) -> Result<Reply, ApiError> {
    let spec = validate::trigger_spec(body)?;
    let mut store = app.store();
    let integration = writable(&mut store, integration_id)?;
    if !integration.triggers.iter().any(|t| t.id == id) {
        return Err(not_found(integration, id));
    }
    if integration.triggers.iter().any(|t| t.id != id && t.name == spec.name) {
        return Err(duplicate(&spec.name));
    }
    let Some(trigger) = integration.triggers.iter_mut().find(|t| t.id == id) else {
        return Err(ApiError::not_found(format!("trigger {id} not found")));
    };
    trigger.name = spec.name;
    trigger.description = spec.description.unwrap_or_default();
    trigger.polling_code = spec.polling_code;
    trigger.input_fields = spec.input_fields.unwrap_or_default();
    Ok(Reply::ok(&json!({ "trigger": views::trigger(trigger) })).applied())
}

/// `DELETE …/triggers/{id}`: permanent.
pub(super) fn delete(app: &App, integration_id: Uuid, id: Uuid) -> Result<Reply, ApiError> {
    let mut store = app.store();
    let integration = writable(&mut store, integration_id)?;
    let position = integration.triggers.iter().position(|t| t.id == id).ok_or_else(|| not_found(integration, id))?;
    integration.triggers.remove(position);
    Ok(Reply::ok(&json!({ "message": "Trigger deleted", "id": id })).applied())
}
