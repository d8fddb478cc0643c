//! Typed request and response models for every shape of the API.
//!
//! Forward compatible by construction: every struct keeps the fields it does not know in `extra`
//! (and sends request `extra` fields as they are), and every enum keeps a value it does not know as
//! `Unknown(String)`, so a newer server never breaks an older client.

#[macro_use]
mod string_enum;
mod actions;
mod auth;
mod fields;
mod integrations;
mod triggers;

pub use actions::{Action, ActionInput, Deleted};
pub use auth::{AuthField, AuthFieldType, AuthType, OAuthClient, UpdateAuth};
pub use fields::{InputField, InputFieldType, SelectOption};
pub use integrations::{
    ActionSummary, CreateIntegration, Icon, Integration, IntegrationRef, IntegrationSummary, UpdateIntegration,
};
pub use triggers::{Trigger, TriggerInput};

/// Unknown JSON properties, kept as they came.
pub type Extra = serde_json::Map<String, serde_json::Value>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_accept_snake_case_keys_from_python_dicts() {
        let input: ActionInput = serde_json::from_value(json!({
            "name": "a", "requires_confirmation": false,
            "input_fields": [{"label": "City", "type": "TEXT", "allow_multi_select": true}]
        }))
        .unwrap();
        assert_eq!(input.requires_confirmation, Some(false));
        let fields = input.input_fields.unwrap();
        assert_eq!(fields[0].allow_multi_select, Some(true));
        assert!(input.extra.is_empty());
        let body = serde_json::to_value(ActionInput { input_fields: Some(fields), ..ActionInput::new("a") }).unwrap();
        assert!(body["inputFields"][0].get("allowMultiSelect").is_some(), "always sent in camelCase: {body}");
    }

    #[test]
    fn unknown_enum_values_survive_a_round_trip() {
        let field: InputField = serde_json::from_value(json!({"label": "x", "type": "COLOR"})).unwrap();
        assert_eq!(field.field_type, InputFieldType::Unknown("COLOR".into()));
        assert_eq!(serde_json::to_value(&field).unwrap()["type"], "COLOR");
    }
}
