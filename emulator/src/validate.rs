//! Reads request bodies field by field into checked values. Every limit of API.md lives in [`limits`]; lengths
//! are counted in UTF-16 code units, like JavaScript's `.length`, so the emulator agrees with the client's own
//! checks. Messages name the field: `name: expected a string`.

use serde_json::{Map, Value};

use langdock_wire::limits::utf16_len;
use langdock_wire::values::{
    ACTION_FIELD_TYPES, AUTH_FIELD_TYPES, AUTH_TYPES, DEFAULT_FIELD_TYPE, OAUTH_TYPES, TRIGGER_FIELD_TYPES,
};

use crate::reply::ApiError;
use crate::state::{InputField, OAuthClient, SelectOption};

/// The limits of API.md sections 3 and 4, from the vocabulary the client checks too.
pub(crate) mod limits {
    pub use langdock_wire::limits::*;
    /// Strings without a documented limit (URLs, option values, …) are still bounded by the body limit.
    pub const UNBOUNDED: usize = usize::MAX;
}

/// A field that may be absent, explicitly `null`, or set.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tri<T> {
    Absent,
    Null,
    Value(T),
}

/// A JSON object read with field paths for messages (`inputFields[2].label`).
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

impl<'a> Obj<'a> {
    /// The request body, which must be a JSON object.
    pub fn body(value: &'a Value) -> Result<Obj<'a>, ApiError> {
        Obj::at(value, String::new(), "request body")
    }

    fn at(value: &'a Value, prefix: String, what: &str) -> Result<Obj<'a>, ApiError> {
        match value {
            Value::Object(map) => Ok(Obj { map, prefix }),
            _ => Err(ApiError::bad_request(format!("{what}: expected a JSON object"))),
        }
    }

    fn name(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn error(&self, key: &str, problem: impl std::fmt::Display) -> ApiError {
        ApiError::bad_request(format!("{}: {problem}", self.name(key)))
    }

    /// Whether any of `keys` is present (even as `null`).
    pub fn has_any(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.map.contains_key(*k))
    }

    /// A string field, `null` and absence told apart, checked against `max` UTF-16 code units.
    pub fn tri_string(&self, key: &str, max: usize) -> Result<Tri<String>, ApiError> {
        match self.map.get(key) {
            None => Ok(Tri::Absent),
            Some(Value::Null) => Ok(Tri::Null),
            Some(Value::String(s)) => {
                let len = utf16_len(s);
                if len > max {
                    return Err(
                        self.error(key, format!("at most {max} characters allowed (UTF-16 code units), got {len}"))
                    );
                }
                Ok(Tri::Value(s.clone()))
            }
            Some(_) => Err(self.error(key, "expected a string")),
        }
    }

    /// An optional string field (`null` counts as absent).
    pub fn string(&self, key: &str, max: usize) -> Result<Option<String>, ApiError> {
        Ok(match self.tri_string(key, max)? {
            Tri::Value(s) => Some(s),
            Tri::Absent | Tri::Null => None,
        })
    }

    /// A required string field.
    pub fn required_string(&self, key: &str, max: usize) -> Result<String, ApiError> {
        self.string(key, max)?.ok_or_else(|| self.error(key, "is required (a string)"))
    }

    /// A required name: also not empty or whitespace only.
    pub fn required_name(&self, key: &str, max: usize) -> Result<String, ApiError> {
        let name = self.required_string(key, max)?;
        self.check_name(key, &name)?;
        Ok(name)
    }

    fn check_name(&self, key: &str, name: &str) -> Result<(), ApiError> {
        if name.trim().is_empty() {
            return Err(self.error(key, "must not be empty or whitespace only"));
        }
        Ok(())
    }

    /// An optional boolean field (`null` counts as absent).
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.error(key, "expected a boolean")),
        }
    }

    /// An optional array field (`null` counts as absent).
    pub fn array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(self.error(key, "expected an array")),
        }
    }

    /// The objects of an array field, each with its own path prefix.
    fn objects(&self, key: &str) -> Result<Option<Vec<Obj<'a>>>, ApiError> {
        let Some(items) = self.array(key)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let name = format!("{}[{i}]", self.name(key));
                Obj::at(item, format!("{name}."), &name)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// A string that must be one of `allowed`.
    fn one_of(&self, key: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
        match self.string(key, limits::UNBOUNDED)? {
            None => Ok(None),
            Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v)),
            Some(v) => Err(self.error(key, format!("{v:?} is not one of {}", allowed.join(", ")))),
        }
    }
}

/// Body of create integration (API.md 4.2).
#[derive(Debug)]
pub(crate) struct NewIntegration {
    pub name: String,
    pub description: String,
}

/// Checks an integration name: the common rules plus no control characters.
fn integration_name(obj: &Obj<'_>, name: String) -> Result<String, ApiError> {
    obj.check_name("name", &name)?;
    if name.chars().any(char::is_control) {
        return Err(obj.error("name", "must not contain control characters"));
    }
    Ok(name)
}

/// Reads the body of create integration.
pub(crate) fn new_integration(body: &Value) -> Result<NewIntegration, ApiError> {
    let obj = Obj::body(body)?;
    let name = obj.required_string("name", limits::INTEGRATION_NAME)?;
    Ok(NewIntegration {
        name: integration_name(&obj, name)?,
        description: obj.string("description", limits::INTEGRATION_DESCRIPTION)?.unwrap_or_default(),
    })
}

/// Body of update integration (API.md 4.4): only what changes.
#[derive(Debug)]
pub(crate) struct IntegrationPatch {
    pub name: Option<String>,
    pub description: Tri<String>,
    pub icon_url: Tri<String>,
    pub color: Tri<String>,
}

/// Reads the body of update integration; a body that changes nothing is refused.
pub(crate) fn integration_patch(body: &Value) -> Result<IntegrationPatch, ApiError> {
    let obj = Obj::body(body)?;
    if !obj.has_any(&["name", "description", "iconUrl", "color"]) {
        return Err(ApiError::bad_request("empty update: send at least one of name, description, iconUrl, color"));
    }
    let name = match obj.tri_string("name", limits::INTEGRATION_NAME)? {
        Tri::Absent => None,
        Tri::Null => return Err(obj.error("name", "expected a string")),
        Tri::Value(name) => Some(integration_name(&obj, name)?),
    };
    let color = obj.tri_string("color", limits::UNBOUNDED)?;
    if let Tri::Value(c) = &color
        && !is_hex_color(c)
    {
        return Err(obj.error("color", format!("{c:?} is not a hex color (#RGB or #RRGGBB)")));
    }
    Ok(IntegrationPatch {
        name,
        description: obj.tri_string("description", limits::INTEGRATION_DESCRIPTION)?,
        icon_url: obj.tri_string("iconUrl", limits::UNBOUNDED)?,
        color,
    })
}

fn is_hex_color(c: &str) -> bool {
    c.strip_prefix('#').is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|h| h.is_ascii_hexdigit()))
}

/// Body of update auth (API.md 4.5).
#[derive(Debug)]
pub(crate) struct AuthUpdate {
    pub auth_type: String,
    pub auth_fields: Option<Vec<AuthFieldSpec>>,
    pub auth_test_code: Tri<String>,
    pub oauth_client: Tri<OAuthClient>,
}

/// One auth field as sent (the server adds the `id`).
#[derive(Debug)]
pub(crate) struct AuthFieldSpec {
    pub slug: String,
    pub label: String,
    pub field_type: String,
    pub description: String,
    pub placeholder: Option<String>,
    pub required: bool,
}

/// Reads the body of update auth; the rules that need the stored state are applied by the route.
pub(crate) fn auth_update(body: &Value) -> Result<AuthUpdate, ApiError> {
    let obj = Obj::body(body)?;
    let auth_type = obj
        .one_of("authType", &AUTH_TYPES)?
        .ok_or_else(|| obj.error("authType", format!("is required (one of {})", AUTH_TYPES.join(", "))))?;
    let auth_fields = match obj.objects("authFields")? {
        None => None,
        Some(fields) => {
            let mut specs: Vec<AuthFieldSpec> = Vec::with_capacity(fields.len());
            for field in fields {
                let spec = auth_field(&field)?;
                if specs.iter().any(|s| s.slug == spec.slug) {
                    return Err(field.error("slug", format!("duplicate auth field slug {:?}", spec.slug)));
                }
                specs.push(spec);
            }
            Some(specs)
        }
    };
    let oauth_client = match obj.map.get("oauthClient") {
        None => Tri::Absent,
        Some(Value::Null) => Tri::Null,
        Some(value) => Tri::Value(oauth_client(&Obj::at(value, "oauthClient.".into(), "oauthClient")?)?),
    };
    if matches!(oauth_client, Tri::Value(_)) && !OAUTH_TYPES.contains(&auth_type.as_str()) {
        return Err(obj.error("oauthClient", format!("only allowed with authType OAUTH or OAUTH_DCR, not {auth_type}")));
    }
    Ok(AuthUpdate {
        auth_test_code: obj.tri_string("authTestCode", limits::AUTH_TEST_CODE)?,
        auth_type,
        auth_fields,
        oauth_client,
    })
}

fn auth_field(obj: &Obj<'_>) -> Result<AuthFieldSpec, ApiError> {
    let slug = obj.required_string("slug", limits::AUTH_FIELD_SLUG)?;
    obj.check_name("slug", &slug)?;
    Ok(AuthFieldSpec {
        slug,
        label: obj.required_string("label", limits::AUTH_FIELD_LABEL)?,
        field_type: obj
            .one_of("type", &AUTH_FIELD_TYPES)?
            .ok_or_else(|| obj.error("type", format!("is required (one of {})", AUTH_FIELD_TYPES.join(", "))))?,
        description: obj.string("description", limits::AUTH_FIELD_DESCRIPTION)?.unwrap_or_default(),
        placeholder: obj.string("placeholder", limits::AUTH_FIELD_PLACEHOLDER)?,
        required: obj.bool("required")?.unwrap_or(false),
    })
}

fn oauth_client(obj: &Obj<'_>) -> Result<OAuthClient, ApiError> {
    let any = |key: &str| obj.string(key, limits::UNBOUNDED);
    let code = |key: &str| obj.string(key, limits::OAUTH_CODE);
    Ok(OAuthClient {
        client_id: any("clientId")?,
        client_secret: any("clientSecret")?,
        auth_url: any("authUrl")?,
        token_url: any("tokenUrl")?,
        scopes: any("scopes")?,
        label: any("label")?,
        authorization_code: code("authorizationCode")?,
        access_token_code: code("accessTokenCode")?,
        refresh_token_code: code("refreshTokenCode")?,
    })
}

/// Whose input fields are read: actions allow more types and `contextActionId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldOwner {
    Action,
    Trigger,
}

/// Body of create/update action (API.md 4.7, 4.8).
#[derive(Debug)]
pub(crate) struct ActionSpec {
    pub name: String,
    pub description: Option<String>,
    pub code: Option<String>,
    pub requires_confirmation: Option<bool>,
    pub input_fields: Option<Vec<InputField>>,
}

/// Reads the body of create or update action. Input field slugs are assigned here; `contextActionId`
/// existence is checked by the route, which knows the integration.
pub(crate) fn action_spec(body: &Value) -> Result<ActionSpec, ApiError> {
    let obj = Obj::body(body)?;
    Ok(ActionSpec {
        name: obj.required_name("name", limits::ACTION_NAME)?,
        description: obj.string("description", limits::ACTION_DESCRIPTION)?,
        code: obj.string("code", limits::ACTION_CODE)?,
        requires_confirmation: obj.bool("requiresConfirmation")?,
        input_fields: input_fields(&obj, FieldOwner::Action)?,
    })
}

/// Body of create/update trigger (API.md 4.10, 4.11).
#[derive(Debug)]
pub(crate) struct TriggerSpec {
    pub name: String,
    pub description: Option<String>,
    pub polling_code: Option<String>,
    pub input_fields: Option<Vec<InputField>>,
}

/// Reads the body of create or update trigger.
pub(crate) fn trigger_spec(body: &Value) -> Result<TriggerSpec, ApiError> {
    let obj = Obj::body(body)?;
    Ok(TriggerSpec {
        name: obj.required_name("name", limits::TRIGGER_NAME)?,
        description: obj.string("description", limits::TRIGGER_DESCRIPTION)?,
        polling_code: obj.string("pollingCode", limits::POLLING_CODE)?,
        input_fields: input_fields(&obj, FieldOwner::Trigger)?,
    })
}

fn input_fields(obj: &Obj<'_>, owner: FieldOwner) -> Result<Option<Vec<InputField>>, ApiError> {
    let Some(items) = obj.objects("inputFields")? else {
        return Ok(None);
    };
    let mut fields: Vec<InputField> = Vec::with_capacity(items.len());
    for item in items {
        let mut field = input_field(&item, owner)?;
        field.slug = crate::state::make_slug(&field.label, "field", |slug| fields.iter().any(|f| f.slug == slug));
        fields.push(field);
    }
    Ok(Some(fields))
}

fn input_field(obj: &Obj<'_>, owner: FieldOwner) -> Result<InputField, ApiError> {
    let types = match owner {
        FieldOwner::Action => &ACTION_FIELD_TYPES[..],
        FieldOwner::Trigger => &TRIGGER_FIELD_TYPES[..],
    };
    let label = obj.required_string("label", limits::FIELD_LABEL)?;
    obj.check_name("label", &label)?;
    let options = match obj.objects("options")? {
        None => None,
        Some(items) => Some(
            items
                .iter()
                .map(|o| {
                    Ok(SelectOption {
                        label: o.required_string("label", limits::UNBOUNDED)?,
                        value: o.required_string("value", limits::UNBOUNDED)?,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?,
        ),
    };
    // Triggers have no contextActionId; like any unknown property it is ignored there.
    let context_action_id = match owner {
        FieldOwner::Trigger => None,
        FieldOwner::Action => match obj.string("contextActionId", limits::UNBOUNDED)? {
            None => None,
            Some(raw) => Some(
                crate::router::parse_id("contextActionId", &raw)
                    .map_err(|_| obj.error("contextActionId", format!("{raw:?} is not a UUID")))?,
            ),
        },
    };
    Ok(InputField {
        slug: String::new(),
        label,
        field_type: obj.one_of("type", types)?.unwrap_or_else(|| DEFAULT_FIELD_TYPE.to_owned()),
        description: obj.string("description", limits::FIELD_DESCRIPTION)?,
        placeholder: obj.string("placeholder", limits::FIELD_PLACEHOLDER)?,
        required: obj.bool("required")?.unwrap_or(false),
        options,
        allow_multi_select: obj.bool("allowMultiSelect")?,
        context_action_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(result: Result<impl std::fmt::Debug, ApiError>) -> String {
        result.unwrap_err().message
    }

    #[test]
    fn lengths_are_counted_in_utf16_code_units() {
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("ä"), 1);
        assert_eq!(utf16_len("😀"), 2);
        let twenty_emoji = "😀".repeat(20);
        assert!(new_integration(&json!({ "name": twenty_emoji })).is_ok());
        let over = format!("{twenty_emoji}a");
        assert!(message(new_integration(&json!({ "name": over }))).starts_with("name: at most 40"));
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(message(new_integration(&json!({ "name": 5 }))), "name: expected a string");
        assert_eq!(message(new_integration(&json!({}))), "name: is required (a string)");
        assert_eq!(message(new_integration(&json!([]))), "request body: expected a JSON object");
        let err = message(action_spec(&json!({ "name": "a", "inputFields": [{ "label": "x" }, { "label": 1 }] })));
        assert_eq!(err, "inputFields[1].label: expected a string");
    }

    #[test]
    fn integration_names_reject_blank_and_control_characters() {
        assert!(new_integration(&json!({ "name": "   " })).is_err());
        assert!(new_integration(&json!({ "name": "a\u{7}b" })).is_err());
        assert!(new_integration(&json!({ "name": "ok", "description": "x".repeat(91) })).is_err());
    }

    #[test]
    fn colors_must_be_short_or_long_hex() {
        for ok in ["#abc", "#1A73E8"] {
            assert!(integration_patch(&json!({ "color": ok })).is_ok(), "{ok}");
        }
        for bad in ["abc", "#abcd", "#ggg", "#1A73E8FF"] {
            assert!(integration_patch(&json!({ "color": bad })).is_err(), "{bad}");
        }
        assert!(integration_patch(&json!({})).is_err());
        assert!(integration_patch(&json!({ "unknown": 1 })).is_err());
    }

    #[test]
    fn trigger_fields_accept_only_the_first_seven_types() {
        assert!(trigger_spec(&json!({ "name": "t", "inputFields": [{ "label": "v", "type": "VECTOR" }] })).is_ok());
        assert!(trigger_spec(&json!({ "name": "t", "inputFields": [{ "label": "f", "type": "FILE" }] })).is_err());
        assert!(action_spec(&json!({ "name": "a", "inputFields": [{ "label": "f", "type": "FILE" }] })).is_ok());
    }

    #[test]
    fn auth_rules_checked_without_state() {
        let dup = json!({ "authType": "API_KEY", "authFields": [
            { "slug": "k", "label": "K", "type": "TEXT" }, { "slug": "k", "label": "K2", "type": "PASSWORD" }] });
        assert!(message(auth_update(&dup)).contains("duplicate"));
        let oauth_on_key = json!({ "authType": "API_KEY", "oauthClient": { "clientId": "x" } });
        assert!(auth_update(&oauth_on_key).is_err());
        assert!(auth_update(&json!({ "authType": "BASIC" })).is_err());
        assert!(auth_update(&json!({ "authType": "SERVICE_ACCOUNT" })).is_ok());
    }

    #[test]
    fn input_field_slugs_and_defaults() {
        let spec =
            action_spec(&json!({ "name": "a", "inputFields": [{ "label": "To Address" }, { "label": "to address" }] }))
                .unwrap();
        let fields = spec.input_fields.unwrap();
        assert_eq!(fields[0].slug, "to_address");
        assert_eq!(fields[1].slug, "to_address_2");
        assert_eq!(fields[0].field_type, "TEXT");
        assert!(!fields[0].required);
    }
}
