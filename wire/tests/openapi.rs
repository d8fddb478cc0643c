//! The wire vocabulary agrees with `tests/openapi.yaml`, the HTTP contract the emulator serves and the SDK speaks:
//! every operation's path, method and name, every length limit, every enum value.

use std::collections::BTreeSet;

use langdock_wire::{Operation, limits, values};
use serde_json::Value;

fn openapi() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("tests/openapi.yaml is readable");
    serde_norway::from_str(&text).expect("tests/openapi.yaml is YAML")
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let found = &doc["components"]["schemas"][name];
    assert!(found.is_object(), "openapi.yaml has no schema {name}");
    found
}

fn max_length(property: &Value) -> usize {
    let max = property["maxLength"].as_u64().unwrap_or_else(|| panic!("no maxLength in {property}"));
    usize::try_from(max).unwrap()
}

fn strings(list: &Value) -> Vec<&str> {
    list.as_array().unwrap_or_else(|| panic!("not a list: {list}")).iter().map(|v| v.as_str().unwrap()).collect()
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[test]
fn every_operation_has_the_path_method_and_name_of_the_openapi_description() {
    let doc = openapi();
    let mut described = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(id) = item[method]["operationId"].as_str() {
                described.insert((id.to_owned(), method.to_uppercase(), path.clone()));
            }
        }
    }
    let ours: BTreeSet<_> = Operation::ALL
        .iter()
        .map(|op| (op.name().to_owned(), op.method().as_str().to_owned(), op.path_template().to_owned()))
        .collect();
    assert_eq!(ours, described);
}

#[test]
fn path_parameters_are_the_ones_openapi_declares() {
    let doc = openapi();
    for op in Operation::ALL {
        let item = &doc["paths"][op.path_template()];
        let declared: Vec<String> = item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| match p["$ref"].as_str() {
                Some(reference) => {
                    let name = reference.rsplit('/').next().unwrap();
                    doc["components"]["parameters"][name]["name"].as_str().unwrap().to_owned()
                }
                None => p["name"].as_str().unwrap().to_owned(),
            })
            .collect();
        assert_eq!(op.path_params(), declared, "{}", op.name());
    }
}

#[test]
fn length_limits_match_the_openapi_schemas() {
    let doc = openapi();
    let prop = |schema_name: &str, field: &str| max_length(&schema(&doc, schema_name)["properties"][field]);
    let trigger_field = &schema(&doc, "TriggerInput")["properties"]["inputFields"]["items"]["properties"];
    let oauth = &schema(&doc, "UpdateAuth")["properties"]["oauthClient"]["properties"];
    let cases = [
        ("CreateIntegration.name", prop("CreateIntegration", "name"), limits::INTEGRATION_NAME),
        ("CreateIntegration.description", prop("CreateIntegration", "description"), limits::INTEGRATION_DESCRIPTION),
        ("UpdateIntegration.name", prop("UpdateIntegration", "name"), limits::INTEGRATION_NAME),
        ("UpdateIntegration.description", prop("UpdateIntegration", "description"), limits::INTEGRATION_DESCRIPTION),
        ("ActionInput.name", prop("ActionInput", "name"), limits::ACTION_NAME),
        ("ActionInput.description", prop("ActionInput", "description"), limits::ACTION_DESCRIPTION),
        ("ActionInput.code", prop("ActionInput", "code"), limits::ACTION_CODE),
        ("TriggerInput.name", prop("TriggerInput", "name"), limits::TRIGGER_NAME),
        ("TriggerInput.description", prop("TriggerInput", "description"), limits::TRIGGER_DESCRIPTION),
        ("TriggerInput.pollingCode", prop("TriggerInput", "pollingCode"), limits::POLLING_CODE),
        ("InputFieldInput.label", prop("InputFieldInput", "label"), limits::FIELD_LABEL),
        ("InputFieldInput.description", prop("InputFieldInput", "description"), limits::FIELD_DESCRIPTION),
        ("InputFieldInput.placeholder", prop("InputFieldInput", "placeholder"), limits::FIELD_PLACEHOLDER),
        ("TriggerInput.inputFields.label", max_length(&trigger_field["label"]), limits::FIELD_LABEL),
        ("TriggerInput.inputFields.description", max_length(&trigger_field["description"]), limits::FIELD_DESCRIPTION),
        ("TriggerInput.inputFields.placeholder", max_length(&trigger_field["placeholder"]), limits::FIELD_PLACEHOLDER),
        ("AuthFieldInput.slug", prop("AuthFieldInput", "slug"), limits::AUTH_FIELD_SLUG),
        ("AuthFieldInput.label", prop("AuthFieldInput", "label"), limits::AUTH_FIELD_LABEL),
        ("AuthFieldInput.description", prop("AuthFieldInput", "description"), limits::AUTH_FIELD_DESCRIPTION),
        ("AuthFieldInput.placeholder", prop("AuthFieldInput", "placeholder"), limits::AUTH_FIELD_PLACEHOLDER),
        ("UpdateAuth.authTestCode", prop("UpdateAuth", "authTestCode"), limits::AUTH_TEST_CODE),
        ("oauthClient.authorizationCode", max_length(&oauth["authorizationCode"]), limits::OAUTH_CODE),
        ("oauthClient.accessTokenCode", max_length(&oauth["accessTokenCode"]), limits::OAUTH_CODE),
        ("oauthClient.refreshTokenCode", max_length(&oauth["refreshTokenCode"]), limits::OAUTH_CODE),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(_, described, ours)| described != ours)
        .map(|(field, described, ours)| format!("{field}: openapi {described}, wire {ours}"))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_icon_limit_is_the_twenty_megabytes_openapi_states() {
    let doc = openapi();
    let icon = &doc["paths"]["/integrations/v1/{integrationId}/icon"]["put"]["requestBody"]["content"]["multipart/form-data"]
        ["schema"]["properties"]["icon"]["description"];
    assert!(icon.as_str().unwrap().contains("at most 20 MB"), "{icon}");
    assert_eq!(limits::ICON_BYTES, 20 * 1024 * 1024);
}

#[test]
fn enum_values_match_the_openapi_schemas() {
    let doc = openapi();
    assert_eq!(strings(&schema(&doc, "InputFieldType")["enum"]), values::ACTION_FIELD_TYPES);
    assert_eq!(strings(&schema(&doc, "TriggerFieldType")["enum"]), values::TRIGGER_FIELD_TYPES);
    assert_eq!(strings(&schema(&doc, "AuthFieldType")["enum"]), values::AUTH_FIELD_TYPES);
    assert_eq!(strings(&schema(&doc, "UpdateAuth")["properties"]["authType"]["enum"]), values::AUTH_TYPES);
}
