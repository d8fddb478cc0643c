//! The API's handlers, one file per resource. Each checks the body, finds its target, changes the state under
//! one short lock and answers; the pipeline around them does auth, limits, faults and the journal.

mod actions;
mod auth;
mod icon;
mod integrations;
mod triggers;

use bytes::Bytes;
use serde_json::Value;
use uuid::Uuid;

pub(crate) use icon::{serve_icon_file, sniff as sniff_icon};

use crate::app::App;
use crate::operation::Operation;
use crate::reply::{ApiError, Reply};
use crate::router::ApiRoute;
use crate::state::{Integration, Store};

/// What a handler sees of the request.
pub(crate) struct Request<'a> {
    pub route: ApiRoute,
    pub content_type: Option<&'a str>,
    pub body: &'a Bytes,
    /// The body parsed as JSON, or why it could not be.
    pub parsed: &'a Result<Value, String>,
}

impl Request<'_> {
    /// The `integrationId` of the path; the router guarantees it for every route that reads it, and the nil
    /// UUID it falls back to names no integration.
    fn integration(&self) -> Uuid {
        self.route.integration.unwrap_or_default()
    }

    /// The `actionId`/`triggerId` of the path (same guarantee).
    fn item(&self) -> Uuid {
        self.route.item.unwrap_or_default()
    }

    /// The JSON body of a JSON route: 415 without `Content-Type: application/json`, 400 when not JSON.
    fn json(&self) -> Result<&Value, ApiError> {
        if !self.content_type.is_some_and(is_json) {
            return Err(ApiError::new(
                http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "unsupported content type {}: send Content-Type: application/json",
                    self.content_type.map_or_else(|| "(none)".to_owned(), |c| format!("{c:?}"))
                ),
            ));
        }
        self.parsed.as_ref().map_err(|e| ApiError::bad_request(e.clone()))
    }
}

/// Whether a `Content-Type` value is JSON (parameters such as `charset` are fine).
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Runs the handler of `req.route.op`.
pub(crate) async fn dispatch(app: &App, req: &Request<'_>) -> Result<Reply, ApiError> {
    match req.route.op {
        Operation::ListIntegrations => Ok(integrations::list(app)),
        Operation::CreateIntegration => integrations::create(app, req.json()?),
        Operation::GetIntegration => integrations::get(app, req.integration()),
        Operation::UpdateIntegration => integrations::update(app, req.integration(), req.json()?),
        Operation::UpdateAuth => auth::update(app, req.integration(), req.json()?),
        Operation::GetIcon => icon::get(app, req.integration()),
        Operation::PutIcon => icon::put(app, req).await,
        Operation::CreateAction => actions::create(app, req.integration(), req.json()?),
        Operation::UpdateAction => actions::update(app, req.integration(), req.item(), req.json()?),
        Operation::DeleteAction => actions::delete(app, req.integration(), req.item()),
        Operation::CreateTrigger => triggers::create(app, req.integration(), req.json()?),
        Operation::UpdateTrigger => triggers::update(app, req.integration(), req.item(), req.json()?),
        Operation::DeleteTrigger => triggers::delete(app, req.integration(), req.item()),
        // The vocabulary is `non_exhaustive` for the client's users; an operation added there but not served here
        // is answered plainly instead of panicking (the router's tests resolve every operation).
        other => {
            Err(ApiError::new(http::StatusCode::NOT_IMPLEMENTED, format!("the emulator does not serve {other} yet")))
        }
    }
}

fn integration_not_found(id: Uuid) -> ApiError {
    ApiError::not_found(format!("integration {id} not found"))
}

/// The integration `id`, for reading: 404 when unknown.
fn find(store: &Store, id: Uuid) -> Result<&Integration, ApiError> {
    store.get(id).ok_or_else(|| integration_not_found(id))
}

/// The integration `id`, for writing: 404 when unknown, 403 when Langdock built it.
fn writable(store: &mut Store, id: Uuid) -> Result<&mut Integration, ApiError> {
    let integration = store.get_mut(id).ok_or_else(|| integration_not_found(id))?;
    if integration.build_by_langdock {
        return Err(ApiError::forbidden(format!(
            "integration {id} is built by Langdock and cannot be changed through the API"
        )));
    }
    Ok(integration)
}

/// 400 when an input field's `contextActionId` names no action of `integration`.
fn check_context_actions(
    integration: &Integration,
    fields: Option<&[crate::state::InputField]>,
) -> Result<(), ApiError> {
    for (i, field) in fields.unwrap_or_default().iter().enumerate() {
        if let Some(context) = field.context_action_id
            && !integration.actions.iter().any(|a| a.id == context)
        {
            return Err(ApiError::bad_request(format!(
                "inputFields[{i}].contextActionId: no action {context} in integration {}",
                integration.id
            )));
        }
    }
    Ok(())
}
