//! Update auth: types, fields, test code, OAuth client and the secret that never comes back.

mod common;

use common::Env;
use reqwest::Method;
use serde_json::{Value, json};

fn auth_path(id: &str) -> String {
    format!("/integrations/v1/{id}/auth")
}

#[tokio::test]
async fn update_auth_sets_type_fields_and_test_code_and_answers_the_full_integration() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let answer = env
        .json(
            Method::PATCH,
            &auth_path(&id),
            json!({ "authType": "API_KEY", "authTestCode": "return true;", "authFields": [
                { "slug": "apiKey", "label": "API key", "type": "PASSWORD", "required": true },
                { "slug": "region", "label": "Region", "type": "TEXT", "placeholder": "eu" },
            ] }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let integration = &answer.json["integration"];
    assert_eq!(integration["authType"], "API_KEY");
    assert_eq!(integration["authTestCode"], "return true;");
    let fields = integration["authFields"].as_array().unwrap();
    assert_eq!(fields.len(), 2);
    assert!(uuid::Uuid::parse_str(fields[0]["id"].as_str().unwrap()).is_ok(), "each field gets an id");
    assert_eq!(fields[0]["slug"], "apiKey");
    assert_eq!(fields[0]["required"], true);
    assert_eq!(fields[0]["description"], "", "description defaults to empty");
    assert_eq!(fields[1]["placeholder"], "eu");
    assert_eq!(fields[1]["required"], false);
    assert_eq!(integration["actions"], json!([]));
    assert_eq!(env.full(&id).await, *integration);
    let listed = env.get("/integrations/v1/get").await.json["integrations"][2]["authType"].clone();
    assert_eq!(listed, "API_KEY");
}

#[tokio::test]
async fn auth_fields_replace_the_whole_list_and_omitted_parts_are_kept_when_the_type_stays() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let first = env
        .json(
            Method::PATCH,
            &auth_path(&id),
            json!({ "authType": "API_KEY", "authTestCode": "test", "authFields": [
                { "slug": "a", "label": "A", "type": "TEXT" }, { "slug": "b", "label": "B", "type": "TEXT" }] }),
        )
        .await;
    let a_id = first.json["integration"]["authFields"][0]["id"].clone();
    let second = env
        .json(
            Method::PATCH,
            &auth_path(&id),
            json!({ "authType": "API_KEY", "authFields": [{ "slug": "a", "label": "A2", "type": "NUMBER" }] }),
        )
        .await;
    let integration = &second.json["integration"];
    assert_eq!(integration["authFields"].as_array().unwrap().len(), 1);
    assert_eq!(integration["authFields"][0]["label"], "A2");
    assert_eq!(integration["authFields"][0]["id"], a_id, "a field keeps its id while its slug stays");
    assert_eq!(integration["authTestCode"], "test", "omitted test code is kept");
    let third = env.json(Method::PATCH, &auth_path(&id), json!({ "authType": "API_KEY" })).await;
    assert_eq!(third.json["integration"]["authFields"].as_array().unwrap().len(), 1, "omitted fields are kept");
}

#[tokio::test]
async fn changing_the_auth_type_resets_omitted_test_code_oauth_client_and_fields() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    env.json(
        Method::PATCH,
        &auth_path(&id),
        json!({ "authType": "OAUTH", "authTestCode": "t", "authFields": [{ "slug": "s", "label": "S", "type": "TEXT" }],
                "oauthClient": { "clientId": "cid", "clientSecret": "shh", "authUrl": "https://a", "tokenUrl": "https://t", "scopes": "read write" } }),
    )
    .await;
    let same_type = env.json(Method::PATCH, &auth_path(&id), json!({ "authType": "OAUTH" })).await;
    assert_eq!(same_type.json["integration"]["oauthClient"]["clientId"], "cid", "kept while the type stays");
    let changed = env.json(Method::PATCH, &auth_path(&id), json!({ "authType": "OAUTH_DCR" })).await;
    let integration = &changed.json["integration"];
    assert_eq!(integration["authType"], "OAUTH_DCR");
    assert_eq!(integration["authTestCode"], Value::Null);
    assert_eq!(integration["oauthClient"], Value::Null);
    assert_eq!(integration["authFields"], json!([]));
}

#[tokio::test]
async fn client_secret_is_stored_but_never_returned() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let answer = env
        .json(
            Method::PATCH,
            &auth_path(&id),
            json!({ "authType": "OAUTH", "oauthClient": { "clientId": "cid", "clientSecret": "top-secret",
                    "authorizationCode": "code()", "label": "Sign in" } }),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert!(!answer.text.contains("top-secret"));
    let client = &answer.json["integration"]["oauthClient"];
    assert!(client.get("clientSecret").is_none());
    assert_eq!(client["clientId"], "cid");
    assert_eq!(client["authorizationCode"], "code()");
    assert_eq!(client["tokenUrl"], Value::Null);
    let get = env.get(&format!("/integrations/v1/{id}")).await;
    assert!(!get.text.contains("top-secret"));
    // A resent client without the secret keeps the stored secret (clients cannot read it back).
    env.json(Method::PATCH, &auth_path(&id), json!({ "authType": "OAUTH", "oauthClient": { "clientId": "cid2" } }))
        .await;
    let stored = env.state().await["integrations"][2]["oauthClient"].clone();
    assert_eq!(stored["clientSecret"], "top-secret");
    assert_eq!(stored["clientId"], "cid2");
}

#[tokio::test]
async fn auth_update_refusals() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let cases = [
        json!({}),
        json!({ "authType": "BASIC" }),
        json!({ "authType": 1 }),
        json!({ "authType": "API_KEY", "oauthClient": { "clientId": "x" } }),
        json!({ "authType": "NONE", "oauthClient": {} }),
        json!({ "authType": "API_KEY", "authFields": [{ "slug": "k", "label": "K", "type": "TEXT" }, { "slug": "k", "label": "K", "type": "TEXT" }] }),
        json!({ "authType": "API_KEY", "authFields": [{ "slug": "k", "label": "K" }] }),
        json!({ "authType": "API_KEY", "authFields": [{ "slug": "k", "label": "K", "type": "SELECT" }] }),
        json!({ "authType": "API_KEY", "authFields": [{ "label": "K", "type": "TEXT" }] }),
        json!({ "authType": "API_KEY", "authFields": [{ "slug": "s".repeat(101), "label": "K", "type": "TEXT" }] }),
        json!({ "authType": "API_KEY", "authFields": [{ "slug": "k", "label": "K", "type": "TEXT", "description": "d".repeat(501) }] }),
        json!({ "authType": "API_KEY", "authTestCode": "c".repeat(1001) }),
        json!({ "authType": "OAUTH", "oauthClient": { "refreshTokenCode": "c".repeat(1001) } }),
        json!({ "authType": "OAUTH", "oauthClient": "x" }),
    ];
    for body in cases {
        let answer = env.json(Method::PATCH, &auth_path(&id), body.clone()).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text);
    }
    assert_eq!(env.full(&id).await["authType"], "NONE", "nothing was applied");
}

#[tokio::test]
async fn every_auth_type_including_service_account_and_every_field_type_is_accepted() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    for auth_type in ["NONE", "API_KEY", "OAUTH", "OAUTH_DCR", "SERVICE_ACCOUNT"] {
        let answer = env.json(Method::PATCH, &auth_path(&id), json!({ "authType": auth_type })).await;
        assert_eq!(answer.status, 200, "{auth_type}");
    }
    let fields: Vec<Value> = ["TEXT", "MULTI_LINE_TEXT", "PASSWORD", "NUMBER", "EMBEDDING_MODEL"]
        .iter()
        .enumerate()
        .map(|(i, t)| json!({ "slug": format!("f{i}"), "label": t, "type": t }))
        .collect();
    let answer = env.json(Method::PATCH, &auth_path(&id), json!({ "authType": "API_KEY", "authFields": fields })).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}
