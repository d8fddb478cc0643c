//! Update auth (API.md 4.5): the auth type, its fields, test code and OAuth client.

use serde_json::{Value, json};
use uuid::Uuid;

use super::writable;
use crate::app::App;
use crate::reply::{ApiError, Reply};
use crate::state::{AuthField, OAuthClient};
use crate::validate::{self, Tri};
use crate::views;

/// `PATCH /integrations/v1/{id}/auth`. Sent `authFields` replace the whole list (a field keeps its `id` when
/// its slug stays); omitted `authFields`, `authTestCode` and `oauthClient` are kept unless the auth type
/// changes, then they reset. A sent `oauthClient` replaces the stored one, except that an omitted
/// `clientSecret` keeps the stored secret: clients can never read it back to resend it.
pub(super) fn update(app: &App, id: Uuid, body: &Value) -> Result<Reply, ApiError> {
    let spec = validate::auth_update(body)?;
    let mut store = app.store();
    let integration = writable(&mut store, id)?;
    let type_changed = spec.auth_type != integration.auth_type;
    integration.auth_type = spec.auth_type;

    match spec.auth_fields {
        Some(fields) => {
            let old = std::mem::take(&mut integration.auth_fields);
            integration.auth_fields = fields
                .into_iter()
                .map(|f| AuthField {
                    id: old.iter().find(|o| o.slug == f.slug).map_or_else(Uuid::new_v4, |o| o.id),
                    slug: f.slug,
                    label: f.label,
                    field_type: f.field_type,
                    description: f.description,
                    placeholder: f.placeholder,
                    required: f.required,
                })
                .collect();
        }
        None if type_changed => integration.auth_fields.clear(),
        None => {}
    }

    match spec.auth_test_code {
        Tri::Value(code) => integration.auth_test_code = Some(code),
        Tri::Null => integration.auth_test_code = None,
        Tri::Absent if type_changed => integration.auth_test_code = None,
        Tri::Absent => {}
    }

    let is_oauth = langdock_wire::values::OAUTH_TYPES.contains(&integration.auth_type.as_str());
    integration.oauth_client = match spec.oauth_client {
        Tri::Value(mut client) => {
            if client.client_secret.is_none() {
                client.client_secret =
                    integration.oauth_client.as_ref().and_then(|c: &OAuthClient| c.client_secret.clone());
            }
            Some(client)
        }
        Tri::Null => None,
        Tri::Absent if type_changed || !is_oauth => None,
        Tri::Absent => integration.oauth_client.take(),
    };

    Ok(Reply::ok(&json!({ "integration": views::full(integration) })).applied())
}
