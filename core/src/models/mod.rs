//! Typed request and response models for every shape of the API.
//!
//! Forward compatible by construction: every struct keeps the fields it does not know in `extra`
//! (and sends request `extra` fields as they are), and every enum keeps a value it does not know as
//! `Unknown(String)`, so a newer server never breaks an older client.

#[macro_use]
mod string_enum;
#[macro_use]
mod deserialize;
mod actions;
mod auth;
pub(crate) mod check;
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
    use proptest::prelude::*;
    use serde_json::{Value, json};

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

    #[test]
    fn unknown_properties_are_kept_as_they_came_beside_the_known_ones() {
        let text = r##"{"id": "i1", "name": "Weather", "color": "#fff", "tags": ["a", 1, null],
            "owner": {"id": "u1", "name": "Ann"}, "builtByLangdock": true, "score": 1.5,
            "actions": [{"id": "a1", "name": "Get", "slug": "get", "order": 2}]}"##;
        let summary: IntegrationSummary = serde_json::from_str(text).unwrap();
        assert_eq!((summary.id.as_str(), summary.name.as_str()), ("i1", "Weather"));
        // `builtByLangdock` is not the API's spelling (`buildByLangdock`): it is kept, not read.
        assert!(!summary.built_by_langdock);
        let expected = json!({"color": "#fff", "tags": ["a", 1, null], "owner": {"id": "u1", "name": "Ann"},
            "builtByLangdock": true, "score": 1.5});
        assert_eq!(Value::Object(summary.extra.clone()), expected);
        assert_eq!(Value::Object(summary.actions[0].extra.clone()), json!({"slug": "get", "order": 2}));
        // And they go back out as they came, beside the known fields.
        let back = serde_json::to_value(&summary).unwrap();
        assert_eq!(back["owner"], expected["owner"]);
        assert_eq!(back["buildByLangdock"], false);
    }

    #[test]
    fn snake_case_aliases_read_the_same_fields_as_the_api_names() {
        let camel: Integration = serde_json::from_value(json!({"id": "i", "authType": "OAUTH",
            "authTestCode": "t", "authFields": [{"slug": "s", "label": "l"}], "oauthClient": {"clientId": "c"}}))
        .unwrap();
        let snake: Integration = serde_json::from_value(json!({"id": "i", "auth_type": "OAUTH",
            "auth_test_code": "t", "auth_fields": [{"slug": "s", "label": "l"}], "oauth_client": {"client_id": "c"}}))
        .unwrap();
        assert_eq!(camel, snake);
        assert_eq!(camel.auth_type, AuthType::OAuth);
        assert_eq!(camel.oauth_client.unwrap().client_id.as_deref(), Some("c"));
        let created: IntegrationRef = serde_json::from_value(json!({"id": "i", "created_at": "2025"})).unwrap();
        assert_eq!(created.created_at.as_deref(), Some("2025"));
        let icon: Icon = serde_json::from_value(json!({"icon_url": "https://x/i.png"})).unwrap();
        assert_eq!(icon.icon_url.as_deref(), Some("https://x/i.png"));
        let deleted: Deleted = serde_json::from_value(json!({"already_deleted": true})).unwrap();
        assert!(deleted.already_deleted);
        let trigger: TriggerInput = serde_json::from_value(json!({"name": "t", "polling_code": "p"})).unwrap();
        assert_eq!(trigger.polling_code.as_deref(), Some("p"));
    }

    #[test]
    fn absent_fields_take_their_defaults_and_null_options_are_none() {
        let summary: IntegrationSummary = serde_json::from_value(json!({"id": "i", "description": null})).unwrap();
        assert_eq!(summary, IntegrationSummary { id: "i".into(), ..IntegrationSummary::default() });
        let field: InputField = serde_json::from_value(json!({"label": "City"})).unwrap();
        assert_eq!((field.field_type, field.required, field.slug), (InputFieldType::Text, false, None));
        assert_eq!(serde_json::from_value::<OAuthClient>(json!({})).unwrap(), OAuthClient::default());
    }

    #[test]
    fn a_missing_required_field_or_a_duplicate_one_is_the_derive_s_error() {
        let missing = serde_json::from_value::<IntegrationSummary>(json!({"name": "n"})).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `id`");
        let missing = serde_json::from_value::<UpdateAuth>(json!({})).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `authType`");
        // An alias and the API name are the same field.
        let twice = serde_json::from_str::<UpdateAuth>(r#"{"authType": "NONE", "auth_type": "NONE"}"#).unwrap_err();
        assert!(twice.to_string().starts_with("duplicate field `authType`"), "{twice}");
        let derived = UpdateAuth::derived_from_str(r#"{"authType": "NONE", "auth_type": "NONE"}"#).unwrap_err();
        assert_eq!(twice.to_string(), derived.to_string());
        // Unknown keys given twice: the last one is kept, as before.
        let text = r#"{"id": "i", "x": 1, "x": 2}"#;
        assert_eq!(serde_json::from_str::<Trigger>(text).unwrap(), Trigger::derived_from_str(text).unwrap());
        let wrong = serde_json::from_value::<Action>(json!({"id": "a", "order": "first"})).unwrap_err();
        assert!(wrong.to_string().starts_with("invalid type: string \"first\", expected u32"), "{wrong}");
        // A model is an object: an array of its values is refused, as the derive with `flatten` refused it.
        assert!(serde_json::from_value::<ActionSummary>(json!(["a", "n", null])).is_err());
    }

    /// Every wire name and alias of the models, and a few unknown ones.
    const KEYS: &[&str] = &[
        "id",
        "name",
        "description",
        "slug",
        "code",
        "order",
        "label",
        "type",
        "required",
        "message",
        "color",
        "options",
        "value",
        "scopes",
        "actions",
        "triggers",
        "authType",
        "auth_type",
        "buildByLangdock",
        "builtByLangdock",
        "createdAt",
        "created_at",
        "authTestCode",
        "auth_test_code",
        "authFields",
        "auth_fields",
        "oauthClient",
        "oauth_client",
        "inputFields",
        "input_fields",
        "requiresConfirmation",
        "requires_confirmation",
        "allowMultiSelect",
        "allow_multi_select",
        "contextActionId",
        "context_action_id",
        "iconUrl",
        "icon_url",
        "pollingCode",
        "polling_code",
        "alreadyDeleted",
        "already_deleted",
        "clientId",
        "client_secret",
        "tokenUrl",
        "refresh_token_code",
        "placeholder",
        "extra",
        "x",
    ];

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (0u64..5).prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            Just(json!(-1.5)),
            prop_oneof![Just("NONE"), Just("OAUTH"), Just("TEXT"), Just("COLOR"), Just("x")]
                .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(4, 48, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(prop::sample::select(KEYS).prop_map(str::to_owned), inner, 0..8)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    /// Decodes `text` as `T` by hand and by the former derive: the same model, or errors with the same message.
    fn same_as_derived<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        text: &str,
        derived: fn(&str) -> serde_json::Result<T>,
    ) -> Result<(), TestCaseError> {
        match (serde_json::from_str::<T>(text), derived(text)) {
            (Ok(ours), Ok(theirs)) => prop_assert_eq!(ours, theirs),
            (Err(ours), Err(theirs)) => {
                // The reference is a struct of another name, which its "expected struct ..." says.
                let name = std::any::type_name::<T>().rsplit("::").next().unwrap_or_default();
                prop_assert_eq!(
                    ours.to_string(),
                    theirs.to_string().replace("struct Derived", &format!("struct {name}"))
                )
            }
            (ours, theirs) => prop_assert!(false, "{text}: hand-written {ours:?}, derived {theirs:?}"),
        }
        Ok(())
    }

    /// `value` as text and, when it is an object, with each model's required fields added too (so that deeper
    /// fields are reached).
    fn with_required_fields(value: &Value) -> Vec<String> {
        let mut texts = vec![value.to_string()];
        if let Value::Object(map) = value {
            let mut with_required = map.clone();
            for (key, text) in [("id", "i"), ("name", "n"), ("slug", "s"), ("label", "l"), ("authType", "NONE")] {
                with_required.entry(key).or_insert_with(|| json!(text));
            }
            texts.push(Value::Object(with_required).to_string());
        }
        texts
    }

    /// The texts a check is tried on, made from `text`: itself and, when it decodes as `T`, `T`'s serialization,
    /// and that serialization with each property removed, set to `null`, or spelled in snake case (an alias).
    fn near_serialized<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> Vec<String> {
        let mut texts = vec![text.to_owned()];
        let Ok(model) = serde_json::from_str::<T>(text) else { return texts };
        let serialized = crate::binding::response_json(&model).unwrap();
        texts.push(serialized.to_string());
        if let Value::Object(map) = &serialized {
            for (key, value) in map {
                let snake: String = key
                    .chars()
                    .flat_map(|c| if c.is_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] })
                    .collect();
                let mut without = map.clone();
                without.remove(key);
                texts.push(Value::Object(without.clone()).to_string());
                let mut null = map.clone();
                null.insert(key.clone(), Value::Null);
                texts.push(Value::Object(null).to_string());
                let mut alias = without;
                alias.insert(snake, value.clone());
                texts.push(Value::Object(alias).to_string());
            }
        }
        texts
    }

    /// A check of `text` as `T` agrees with decoding it: it passes when decoding does, it takes the text as
    /// serialized only when decoding and serializing give the same JSON, and `T`'s serialization passes as it is.
    fn check_agrees<T>(text: &str) -> Result<(), TestCaseError>
    where
        T: serde::de::DeserializeOwned + serde::Serialize,
        check::Checked<T>: serde::de::DeserializeOwned,
    {
        for (n, text) in near_serialized::<T>(text).iter().enumerate() {
            let decoded = serde_json::from_str::<T>(text);
            let checked = serde_json::from_str::<check::Checked<T>>(text);
            prop_assert_eq!(checked.is_ok(), decoded.is_ok(), "{}", text);
            let Ok(model) = decoded else { continue };
            let serialized = crate::binding::response_json(&model).unwrap();
            let same = serde_json::from_str::<Value>(text).unwrap() == serialized;
            prop_assert_eq!(check::as_serialized::<T>(text), same, "{}", text);
            if n == 1 {
                prop_assert!(same, "{text} is T's serialization");
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn a_check_takes_a_text_as_serialized_exactly_when_it_is(value in any_json()) {
            for text in &with_required_fields(&value) {
                check_agrees::<ActionSummary>(text)?;
                check_agrees::<IntegrationSummary>(text)?;
                check_agrees::<Vec<IntegrationSummary>>(&format!("[{text}, {text}]"))?;
                check_agrees::<IntegrationRef>(text)?;
                check_agrees::<Integration>(text)?;
                check_agrees::<Icon>(text)?;
                check_agrees::<AuthField>(text)?;
                check_agrees::<OAuthClient>(text)?;
                check_agrees::<InputField>(text)?;
                check_agrees::<Action>(text)?;
                check_agrees::<Deleted>(text)?;
                check_agrees::<Trigger>(text)?;
            }
        }

        #[test]
        fn decoding_matches_the_serde_derive_with_flatten_on_any_json(value in any_json()) {
            for text in &with_required_fields(&value) {
                same_as_derived(text, ActionSummary::derived_from_str)?;
                same_as_derived(text, IntegrationSummary::derived_from_str)?;
                same_as_derived(text, IntegrationRef::derived_from_str)?;
                same_as_derived(text, Integration::derived_from_str)?;
                same_as_derived(text, CreateIntegration::derived_from_str)?;
                same_as_derived(text, UpdateIntegration::derived_from_str)?;
                same_as_derived(text, Icon::derived_from_str)?;
                same_as_derived(text, AuthField::derived_from_str)?;
                same_as_derived(text, OAuthClient::derived_from_str)?;
                same_as_derived(text, UpdateAuth::derived_from_str)?;
                same_as_derived(text, InputField::derived_from_str)?;
                same_as_derived(text, Action::derived_from_str)?;
                same_as_derived(text, ActionInput::derived_from_str)?;
                same_as_derived(text, Deleted::derived_from_str)?;
                same_as_derived(text, Trigger::derived_from_str)?;
                same_as_derived(text, TriggerInput::derived_from_str)?;
            }
        }
    }
}
