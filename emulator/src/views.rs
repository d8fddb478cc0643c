//! What the API shows of the state: the response shapes of API.md section 4. Secrets (`clientSecret`) and
//! trigger internals (`pollingCode`, trigger input fields) never appear here.

use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::state::{Action, AuthField, InputField, Integration, OAuthClient, Trigger};

/// The answer of the list endpoint (4.1), written straight to JSON text: a workspace of 10,000 integrations would
/// otherwise be built as a tree of `Value`s first, which costs the emulator more than serving the bytes and
/// makes every client's per-item cost in the scaling bench look worse than it is.
pub(crate) fn list(integrations: &[Integration]) -> ListAnswer<'_> {
    ListAnswer { integrations: integrations.iter().map(ListItem::of).collect() }
}

/// `{"integrations": [...]}`.
#[derive(Serialize)]
pub(crate) struct ListAnswer<'a> {
    integrations: Vec<ListItem<'a>>,
}

/// An entry of the list endpoint.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItem<'a> {
    id: &'a Uuid,
    name: &'a str,
    description: &'a str,
    auth_type: &'a str,
    build_by_langdock: bool,
    actions: Vec<ListAction<'a>>,
}

impl<'a> ListItem<'a> {
    fn of(i: &'a Integration) -> ListItem<'a> {
        ListItem {
            id: &i.id,
            name: &i.name,
            description: &i.description,
            auth_type: &i.auth_type,
            build_by_langdock: i.build_by_langdock,
            actions: i
                .actions
                .iter()
                .map(|a| ListAction { id: &a.id, name: &a.name, description: &a.description })
                .collect(),
        }
    }
}

/// An action of a list entry: id, name, description.
#[derive(Serialize)]
struct ListAction<'a> {
    id: &'a Uuid,
    name: &'a str,
    description: &'a str,
}

/// The answer of create integration (4.2).
pub(crate) fn created(i: &Integration) -> Value {
    json!({ "id": i.id, "name": i.name, "description": i.description, "createdAt": i.created_at })
}

/// The answer of update integration (4.4).
pub(crate) fn summary(i: &Integration) -> Value {
    json!({ "id": i.id, "name": i.name, "description": i.description })
}

/// The full integration of get integration (4.3) and update auth (4.5).
pub(crate) fn full(i: &Integration) -> Value {
    json!({
        "id": i.id,
        "name": i.name,
        "description": i.description,
        "authType": i.auth_type,
        "authTestCode": i.auth_test_code,
        "authFields": i.auth_fields.iter().map(auth_field).collect::<Vec<_>>(),
        "oauthClient": i.oauth_client.as_ref().map(oauth_client),
        "actions": i.actions.iter().enumerate().map(|(n, a)| action(a, n)).collect::<Vec<_>>(),
        "triggers": i.triggers.iter().map(trigger).collect::<Vec<_>>(),
    })
}

fn auth_field(f: &AuthField) -> Value {
    json!({
        "id": f.id,
        "slug": f.slug,
        "label": f.label,
        "type": f.field_type,
        "description": f.description,
        "placeholder": f.placeholder,
        "required": f.required,
    })
}

/// The OAuth client without its secret.
fn oauth_client(c: &OAuthClient) -> Value {
    json!({
        "clientId": c.client_id,
        "authUrl": c.auth_url,
        "tokenUrl": c.token_url,
        "scopes": c.scopes,
        "label": c.label,
        "authorizationCode": c.authorization_code,
        "accessTokenCode": c.access_token_code,
        "refreshTokenCode": c.refresh_token_code,
    })
}

/// An action at position `order` (4.7).
pub(crate) fn action(a: &Action, order: usize) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "slug": a.slug,
        "description": a.description,
        "code": a.code,
        "order": order,
        "requiresConfirmation": a.requires_confirmation,
        "inputFields": a.input_fields.iter().enumerate().map(|(n, f)| input_field(f, n)).collect::<Vec<_>>(),
    })
}

fn input_field(f: &InputField, order: usize) -> Value {
    json!({
        "slug": f.slug,
        "label": f.label,
        "type": f.field_type,
        "description": f.description,
        "placeholder": f.placeholder,
        "required": f.required,
        "options": f.options.as_ref().map(|o| o.iter().map(|o| json!({ "label": o.label, "value": o.value })).collect::<Vec<_>>()),
        "allowMultiSelect": f.allow_multi_select,
        "contextActionId": f.context_action_id,
        "order": order,
    })
}

/// A trigger as every endpoint shows it (4.10).
pub(crate) fn trigger(t: &Trigger) -> Value {
    json!({ "id": t.id, "name": t.name, "slug": t.slug, "description": t.description })
}
