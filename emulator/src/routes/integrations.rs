//! List, create, get and update integrations (API.md 4.1 to 4.4).

use http::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{find, writable};
use crate::app::App;
use crate::reply::{ApiError, Reply};
use crate::state::{Icon, Integration};
use crate::validate::{self, Tri};
use crate::{time, views};

/// `GET /integrations/v1/get`: seeded first, then custom ones in creation order.
pub(super) fn list(app: &App) -> Reply {
    let store = app.store();
    Reply::ok(&views::list(store.all()))
}

/// `POST /integrations/v1/create`: duplicate names are allowed.
pub(super) fn create(app: &App, body: &Value) -> Result<Reply, ApiError> {
    let spec = validate::new_integration(body)?;
    let integration = Integration::new_custom(spec.name, spec.description, time::now_iso());
    let answer = json!({ "integration": views::created(&integration) });
    app.store().insert(integration);
    Ok(Reply::json(StatusCode::CREATED, &answer).applied())
}

/// `GET /integrations/v1/{id}`.
pub(super) fn get(app: &App, id: Uuid) -> Result<Reply, ApiError> {
    let store = app.store();
    let integration = find(&store, id)?;
    Ok(Reply::ok(&json!({ "integration": views::full(integration) })))
}

/// `PATCH /integrations/v1/{id}`: only what is sent changes; `null` clears description, icon URL and color.
pub(super) fn update(app: &App, id: Uuid, body: &Value) -> Result<Reply, ApiError> {
    let patch = validate::integration_patch(body)?;
    let mut store = app.store();
    let integration = writable(&mut store, id)?;
    if let Some(name) = patch.name {
        integration.name = name;
    }
    match patch.description {
        Tri::Value(d) => integration.description = d,
        Tri::Null => integration.description.clear(),
        Tri::Absent => {}
    }
    match patch.icon_url {
        Tri::Value(url) => integration.icon = Some(Icon::Url { url }),
        Tri::Null => integration.icon = None,
        Tri::Absent => {}
    }
    match patch.color {
        Tri::Value(c) => integration.color = Some(c),
        Tri::Null => integration.color = None,
        Tri::Absent => {}
    }
    Ok(Reply::ok(&json!({ "integration": views::summary(integration) })).applied())
}
