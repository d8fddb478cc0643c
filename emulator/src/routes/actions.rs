//! Create, replace and delete actions (API.md 4.7 to 4.9).

use http::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{check_context_actions, writable};
use crate::app::App;
use crate::reply::{ApiError, Reply};
use crate::state::{Action, Integration, make_slug};
use crate::{validate, views};

fn duplicate(name: &str) -> ApiError {
    ApiError::conflict(format!("an action named {name:?} already exists in this integration"))
}

fn not_found(integration: &Integration, id: Uuid) -> ApiError {
    ApiError::not_found(format!("action {id} not found in integration {}", integration.id))
}

/// `POST …/actions/create`: `requiresConfirmation` defaults to true, the slug comes from the name.
pub(super) fn create(app: &App, integration_id: Uuid, body: &Value) -> Result<Reply, ApiError> {
    let spec = validate::action_spec(body)?;
    let mut store = app.store();
    let integration = writable(&mut store, integration_id)?;
    if integration.actions.name_taken(&spec.name, None) {
        return Err(duplicate(&spec.name));
    }
    check_context_actions(integration, spec.input_fields.as_deref())?;
    let slug = make_slug(&spec.name, "action", |slug| integration.actions.slug_taken(slug));
    let action = Action {
        id: Uuid::new_v4(),
        name: spec.name,
        slug,
        description: spec.description.unwrap_or_default(),
        code: spec.code,
        requires_confirmation: spec.requires_confirmation.unwrap_or(true),
        input_fields: spec.input_fields.unwrap_or_default(),
    };
    let answer = json!({ "action": views::action(&action, integration.actions.len()) });
    integration.actions.push(action);
    Ok(Reply::json(StatusCode::CREATED, &answer).applied())
}

/// `PUT …/actions/{id}`: full replacement, except that an omitted `code` or `requiresConfirmation` keeps its
/// value (as observed on the real service); the slug never changes.
pub(super) fn update(app: &App, integration_id: Uuid, id: Uuid, body: &Value) -> Result<Reply, ApiError> {
    let spec = validate::action_spec(body)?;
    let mut store = app.store();
    let integration = writable(&mut store, integration_id)?;
    let position = integration.actions.iter().position(|a| a.id == id).ok_or_else(|| not_found(integration, id))?;
    if integration.actions.name_taken(&spec.name, Some(id)) {
        return Err(duplicate(&spec.name));
    }
    check_context_actions(integration, spec.input_fields.as_deref())?;
    integration.actions.rename(position, spec.name);
    let Some(action) = integration.actions.get_mut(position) else {
        return Err(ApiError::not_found(format!("action {id} not found")));
    };
    action.description = spec.description.unwrap_or_default();
    action.input_fields = spec.input_fields.unwrap_or_default();
    if let Some(code) = spec.code {
        action.code = Some(code);
    }
    if let Some(confirm) = spec.requires_confirmation {
        action.requires_confirmation = confirm;
    }
    Ok(Reply::ok(&json!({ "action": views::action(action, position) })).applied())
}

/// `DELETE …/actions/{id}`: permanent; later actions move up one position.
pub(super) fn delete(app: &App, integration_id: Uuid, id: Uuid) -> Result<Reply, ApiError> {
    let mut store = app.store();
    let integration = writable(&mut store, integration_id)?;
    let position = integration.actions.iter().position(|a| a.id == id).ok_or_else(|| not_found(integration, id))?;
    integration.actions.remove(position);
    Ok(Reply::ok(&json!({ "message": "Action deleted", "id": id })).applied())
}
