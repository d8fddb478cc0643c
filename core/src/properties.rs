//! Property tests: whatever bytes or JSON a server sends, the decoders give a value or a typed
//! error, never a panic; whatever a caller sends, the validators answer consistently.

use proptest::prelude::*;
use serde_json::Value;

use crate::error::ErrorKind;
use crate::error_shaping::decode_bytes;
use crate::models::{
    Action, ActionInput, AuthField, CreateIntegration, Deleted, Icon, InputField, Integration, IntegrationRef,
    IntegrationSummary, Trigger, TriggerInput, UpdateAuth, UpdateIntegration,
};
use crate::validate::{Validate, utf16_len};

/// Arbitrary JSON, nested a few levels, with the API's own keys mixed in so that decoders get past
/// the envelope now and then.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("integrations".to_owned()),
        Just("integration".to_owned()),
        Just("id".to_owned()),
        Just("name".to_owned()),
        Just("authType".to_owned()),
        Just("actions".to_owned()),
        Just("inputFields".to_owned()),
        Just("type".to_owned()),
        Just("order".to_owned()),
        "[a-zA-Z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn decodes_or_fails_typed<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Err(error) = decode_bytes::<T>(bytes) {
        prop_assert_eq!(error.kind(), ErrorKind::Api);
        prop_assert_eq!(error.status(), Some(200));
    }
    Ok(())
}

fn every_model(bytes: &[u8]) -> Result<(), TestCaseError> {
    decodes_or_fails_typed::<Vec<IntegrationSummary>>(bytes)?;
    decodes_or_fails_typed::<Integration>(bytes)?;
    decodes_or_fails_typed::<IntegrationRef>(bytes)?;
    decodes_or_fails_typed::<Action>(bytes)?;
    decodes_or_fails_typed::<Trigger>(bytes)?;
    decodes_or_fails_typed::<Icon>(bytes)?;
    decodes_or_fails_typed::<Deleted>(bytes)?;
    decodes_or_fails_typed::<InputField>(bytes)
}

/// Text with the characters that make UTF-16 counting interesting.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![Just('a'), Just(' '), Just('\n'), Just('é'), Just('\u{301}'), Just('😀'), any::<char>()],
        0..130,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_decode_or_fail_typed(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        every_model(&bytes)?;
        // Error bodies are read leniently: any bytes give a message or none, without panicking.
        let _ = crate::error_shaping::server_message(&bytes);
    }

    #[test]
    fn arbitrary_json_decodes_or_fails_typed(value in json()) {
        every_model(&serde_json::to_vec(&value).unwrap())?;
        let wrapped = serde_json::json!({"integration": value.clone(), "integrations": [value]});
        every_model(&serde_json::to_vec(&wrapped).unwrap())?;
    }

    #[test]
    fn arbitrary_json_as_a_request_never_panics_the_validators(value in json()) {
        // Bindings turn a dict or object into a request through serde: a wrong shape is an error, a
        // right one is validated.
        if let Ok(input) = serde_json::from_value::<ActionInput>(value.clone()) {
            prop_assert_eq!(input.validate().is_ok(), input.violations().is_empty());
        }
        if let Ok(input) = serde_json::from_value::<TriggerInput>(value.clone()) {
            prop_assert_eq!(input.validate().is_ok(), input.violations().is_empty());
        }
        if let Ok(input) = serde_json::from_value::<UpdateAuth>(value.clone()) {
            let _ = input.violations();
        }
        if let Ok(input) = serde_json::from_value::<UpdateIntegration>(value) {
            let _ = input.violations();
        }
    }

    #[test]
    fn the_name_limit_is_exactly_forty_utf16_units(name in text()) {
        let flagged = CreateIntegration::new(name.clone()).violations().iter().any(|v| v.path == "name");
        let expected = utf16_len(&name) > 40 || name.trim().is_empty() || name.chars().any(char::is_control);
        prop_assert_eq!(flagged, expected, "{:?}", name);
    }

    #[test]
    fn action_validation_lists_every_field_over_its_limit(name in text(), description in text(), label in text()) {
        let input = ActionInput::new(name.clone()).description(description.repeat(9)).input_fields([InputField {
            label: label.clone(),
            ..InputField::default()
        }]);
        let paths: Vec<String> = input.violations().into_iter().map(|v| v.path).collect();
        prop_assert_eq!(paths.contains(&"name".to_owned()), name.trim().is_empty() || utf16_len(&name) > 100);
        prop_assert_eq!(paths.contains(&"description".to_owned()), utf16_len(&description.repeat(9)) > 1000);
        prop_assert_eq!(paths.contains(&"inputFields[0].label".to_owned()), label.trim().is_empty() || utf16_len(&label) > 100);
    }

    #[test]
    fn auth_field_slugs_must_be_unique(slugs in prop::collection::vec("[a-c]{1,2}", 0..6)) {
        let fields = slugs.iter().map(|slug| AuthField::new(slug.clone(), "Label", Default::default())).collect();
        let update = UpdateAuth { auth_fields: Some(fields), ..UpdateAuth::default() };
        let duplicates = slugs.len() - slugs.iter().collect::<std::collections::HashSet<_>>().len();
        let flagged = update.violations().iter().filter(|v| v.message.contains("earlier auth field")).count();
        prop_assert_eq!(flagged, duplicates);
    }
}
