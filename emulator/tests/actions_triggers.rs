//! Actions and triggers: shapes, slugs, order, replace semantics, conflicts, deletes.

mod common;

use common::{Env, UNKNOWN};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn create_action_answers_201_with_the_full_action_and_defaults() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let action = env.action(&id, json!({ "name": "Send Mail!" })).await;
    assert_eq!(action["name"], "Send Mail!");
    assert_eq!(action["slug"], "send_mail");
    assert_eq!(action["description"], "");
    assert_eq!(action["code"], Value::Null);
    assert_eq!(action["order"], 0);
    assert_eq!(action["requiresConfirmation"], true, "defaults to true");
    assert_eq!(action["inputFields"], json!([]));
    let second =
        env.action(&id, json!({ "name": "send-mail", "code": "return 1;", "requiresConfirmation": false })).await;
    assert_eq!(second["slug"], "send_mail_2", "slug clash gets a counter");
    assert_eq!(second["order"], 1);
    assert_eq!(second["code"], "return 1;");
    assert_eq!(second["requiresConfirmation"], false);
    let full = env.full(&id).await;
    assert_eq!(full["actions"][1], second, "GET shows the same action");
}

#[tokio::test]
async fn input_fields_get_slugs_order_and_nulls_for_unset_options() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let action = env
        .action(
            &id,
            json!({ "name": "a", "inputFields": [
                { "label": "E-Mail Address", "type": "TEXT", "required": true, "unknown": "ignored" },
                { "label": "Kind", "type": "SELECT", "options": [{ "label": "A", "value": "a" }], "allowMultiSelect": true },
                { "label": "e-mail address" },
            ] }),
        )
        .await;
    let fields = action["inputFields"].as_array().unwrap();
    assert_eq!(fields[0]["slug"], "e_mail_address");
    assert_eq!(fields[0]["order"], 0);
    assert_eq!(fields[0]["required"], true);
    assert_eq!(fields[0]["description"], Value::Null);
    assert_eq!(fields[0]["placeholder"], Value::Null);
    assert_eq!(fields[0]["options"], Value::Null);
    assert!(fields[0].get("unknown").is_none());
    assert_eq!(fields[1]["options"], json!([{ "label": "A", "value": "a" }]));
    assert_eq!(fields[1]["allowMultiSelect"], true);
    assert_eq!(fields[2]["slug"], "e_mail_address_2");
    assert_eq!(fields[2]["type"], "TEXT");
    assert_eq!(fields[2]["order"], 2);
}

#[tokio::test]
async fn action_limits_and_types_are_enforced() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let path = format!("/integrations/v1/{id}/actions/create");
    let cases = [
        json!({}),
        json!({ "name": "n".repeat(101) }),
        json!({ "name": "a", "description": "d".repeat(1001) }),
        json!({ "name": "a", "code": "c".repeat(40_001) }),
        json!({ "name": "a", "requiresConfirmation": "yes" }),
        json!({ "name": "a", "inputFields": {} }),
        json!({ "name": "a", "inputFields": [{ "type": "TEXT" }] }),
        json!({ "name": "a", "inputFields": [{ "label": "l".repeat(101) }] }),
        json!({ "name": "a", "inputFields": [{ "label": "x", "type": "DATE" }] }),
        json!({ "name": "a", "inputFields": [{ "label": "x", "description": "d".repeat(501) }] }),
        json!({ "name": "a", "inputFields": [{ "label": "x", "placeholder": "p".repeat(201) }] }),
        json!({ "name": "a", "inputFields": [{ "label": "x", "options": [{ "label": "a" }] }] }),
        json!({ "name": "a", "inputFields": [{ "label": "x", "contextActionId": "nope" }] }),
        json!({ "name": "a", "inputFields": [{ "label": "x", "contextActionId": UNKNOWN }] }),
    ];
    for body in cases {
        let answer = env.json(Method::POST, &path, body.clone()).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text);
    }
    for kind in ["TEXT", "MULTI_LINE_TEXT", "NUMBER", "BOOLEAN", "SELECT", "PASSWORD", "VECTOR", "OBJECT", "FILE", "ID"]
    {
        let body = json!({ "name": format!("t {kind}"), "inputFields": [{ "label": "x", "type": kind }] });
        assert_eq!(env.json(Method::POST, &path, body).await.status, 201, "{kind}");
    }
    assert_eq!(
        env.json(Method::POST, &path, json!({ "name": "c".repeat(100), "code": "c".repeat(40_000) })).await.status,
        201
    );
}

#[tokio::test]
async fn context_action_id_must_name_an_action_of_the_same_integration() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let other = env.integration("Other").await;
    let source = env.action(&id, json!({ "name": "List projects" })).await;
    let foreign = env.action(&other, json!({ "name": "Foreign" })).await;
    let ok = env
        .action(&id, json!({ "name": "Use", "inputFields": [{ "label": "Project", "contextActionId": source["id"] }] }))
        .await;
    assert_eq!(ok["inputFields"][0]["contextActionId"], source["id"]);
    let path = format!("/integrations/v1/{id}/actions/create");
    let answer = env
        .json(
            Method::POST,
            &path,
            json!({ "name": "Bad", "inputFields": [{ "label": "P", "contextActionId": foreign["id"] }] }),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.message().contains("contextActionId"), "{}", answer.message());
}

#[tokio::test]
async fn duplicate_action_name_is_409_also_on_rename() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    env.action(&id, json!({ "name": "One" })).await;
    let two = env.action(&id, json!({ "name": "Two" })).await;
    let create =
        env.json(Method::POST, &format!("/integrations/v1/{id}/actions/create"), json!({ "name": "One" })).await;
    assert_eq!(create.status, 409);
    let path = format!("/integrations/v1/{id}/actions/{}", two["id"].as_str().unwrap());
    let rename = env.json(Method::PUT, &path, json!({ "name": "One" })).await;
    assert_eq!(rename.status, 409);
    let same = env.json(Method::PUT, &path, json!({ "name": "Two" })).await;
    assert_eq!(same.status, 200, "keeping its own name is no conflict");
    let other = env.integration("Other").await;
    env.action(&other, json!({ "name": "One" })).await;
}

#[tokio::test]
async fn put_action_replaces_but_keeps_omitted_code_and_confirmation_and_the_slug() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let action = env
        .action(
            &id,
            json!({ "name": "Original", "description": "desc", "code": "return 1;", "requiresConfirmation": false,
                    "inputFields": [{ "label": "Q" }] }),
        )
        .await;
    let path = format!("/integrations/v1/{id}/actions/{}", action["id"].as_str().unwrap());
    let answer = env.json(Method::PUT, &path, json!({ "name": "Renamed" })).await;
    assert_eq!(answer.status, 200);
    let updated = &answer.json["action"];
    assert_eq!(updated["name"], "Renamed");
    assert_eq!(updated["slug"], "original", "slug never changes");
    assert_eq!(updated["description"], "", "omitted description is cleared");
    assert_eq!(updated["inputFields"], json!([]), "omitted input fields are removed");
    assert_eq!(updated["code"], "return 1;", "omitted code is kept");
    assert_eq!(updated["requiresConfirmation"], false, "omitted requiresConfirmation is kept");
    let answer = env
        .json(Method::PUT, &path, json!({ "name": "Renamed", "code": "return 2;", "requiresConfirmation": true }))
        .await;
    assert_eq!(answer.json["action"]["code"], "return 2;");
    assert_eq!(answer.json["action"]["requiresConfirmation"], true);
    assert_eq!(env.full(&id).await["actions"][0], answer.json["action"]);
}

#[tokio::test]
async fn put_action_validates_like_create_and_unknown_action_is_404() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let action = env.action(&id, json!({ "name": "A" })).await;
    let path = format!("/integrations/v1/{id}/actions/{}", action["id"].as_str().unwrap());
    assert_eq!(env.json(Method::PUT, &path, json!({})).await.status, 400);
    assert_eq!(env.json(Method::PUT, &path, json!({ "name": "n".repeat(101) })).await.status, 400);
    let missing =
        env.json(Method::PUT, &format!("/integrations/v1/{id}/actions/{UNKNOWN}"), json!({ "name": "A" })).await;
    assert_eq!(missing.status, 404);
    assert!(missing.message().contains(UNKNOWN));
    let no_integration =
        env.json(Method::PUT, &format!("/integrations/v1/{UNKNOWN}/actions/{UNKNOWN}"), json!({ "name": "A" })).await;
    assert_eq!(no_integration.status, 404);
}

#[tokio::test]
async fn delete_action_answers_message_and_id_then_404_and_order_closes_up() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let first = env.action(&id, json!({ "name": "First" })).await;
    env.action(&id, json!({ "name": "Second" })).await;
    let path = format!("/integrations/v1/{id}/actions/{}", first["id"].as_str().unwrap());
    let answer = env.delete(&path).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json, json!({ "message": "Action deleted", "id": first["id"] }));
    assert_eq!(env.delete(&path).await.status, 404);
    let actions = env.full(&id).await["actions"].clone();
    assert_eq!(actions.as_array().unwrap().len(), 1);
    assert_eq!(actions[0]["name"], "Second");
    assert_eq!(actions[0]["order"], 0);
    let list = env.get("/integrations/v1/get").await.json;
    let entry = list["integrations"].as_array().unwrap().iter().find(|i| i["id"] == id.as_str()).unwrap().clone();
    assert_eq!(entry["actions"], json!([{ "id": actions[0]["id"], "name": "Second", "description": "" }]));
}

#[tokio::test]
async fn create_trigger_answers_id_name_slug_description_and_stores_hidden_parts() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let trigger = env
        .trigger(
            &id,
            json!({ "name": "New Ticket", "description": "d", "pollingCode": "return [];",
                    "inputFields": [{ "label": "Queue", "type": "SELECT" }] }),
        )
        .await;
    let keys: Vec<&String> = trigger.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{trigger}");
    assert_eq!(trigger["slug"], "new_ticket");
    let full = env.full(&id).await;
    assert_eq!(full["triggers"], json!([trigger]));
    assert!(full["triggers"][0].get("pollingCode").is_none());
    let stored = env.state().await;
    let stored_trigger = &stored["integrations"][2]["triggers"][0];
    assert_eq!(stored_trigger["pollingCode"], "return [];");
    assert_eq!(stored_trigger["inputFields"][0]["slug"], "queue");
}

#[tokio::test]
async fn trigger_limits_types_and_conflicts() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let path = format!("/integrations/v1/{id}/triggers/create");
    for body in [
        json!({}),
        json!({ "name": "n".repeat(101) }),
        json!({ "name": "t", "description": "d".repeat(91) }),
        json!({ "name": "t", "pollingCode": "c".repeat(1001) }),
        json!({ "name": "t", "inputFields": [{ "label": "f", "type": "FILE" }] }),
        json!({ "name": "t", "inputFields": [{ "label": "o", "type": "OBJECT" }] }),
    ] {
        let answer = env.json(Method::POST, &path, body.clone()).await;
        assert_eq!(answer.status, 400, "{body}");
    }
    env.trigger(&id, json!({ "name": "T", "inputFields": [{ "label": "v", "type": "VECTOR" }] })).await;
    assert_eq!(env.json(Method::POST, &path, json!({ "name": "T" })).await.status, 409);
    let other = env.trigger(&id, json!({ "name": "U" })).await;
    let put = format!("/integrations/v1/{id}/triggers/{}", other["id"].as_str().unwrap());
    assert_eq!(env.json(Method::PUT, &put, json!({ "name": "T" })).await.status, 409);
}

#[tokio::test]
async fn put_trigger_is_a_full_replacement_that_keeps_the_slug() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let trigger = env
        .trigger(
            &id,
            json!({ "name": "Poll", "description": "d", "pollingCode": "old", "inputFields": [{ "label": "x" }] }),
        )
        .await;
    let path = format!("/integrations/v1/{id}/triggers/{}", trigger["id"].as_str().unwrap());
    let answer = env.json(Method::PUT, &path, json!({ "name": "Poll Renamed", "pollingCode": "new" })).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json["trigger"],
        json!({ "id": trigger["id"], "name": "Poll Renamed", "slug": "poll", "description": "" })
    );
    let stored = env.state().await["integrations"][2]["triggers"][0].clone();
    assert_eq!(stored["pollingCode"], "new");
    assert_eq!(stored["inputFields"], json!([]));
    let answer = env.json(Method::PUT, &path, json!({ "name": "Poll Renamed" })).await;
    assert_eq!(answer.status, 200);
    assert_eq!(env.state().await["integrations"][2]["triggers"][0]["pollingCode"], Value::Null);
}

#[tokio::test]
async fn delete_trigger_then_again_is_404() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let trigger = env.trigger(&id, json!({ "name": "T" })).await;
    let path = format!("/integrations/v1/{id}/triggers/{}", trigger["id"].as_str().unwrap());
    let answer = env.delete(&path).await;
    assert_eq!(answer.json, json!({ "message": "Trigger deleted", "id": trigger["id"] }));
    assert_eq!(env.delete(&path).await.status, 404);
    assert_eq!(env.full(&id).await["triggers"], json!([]));
}

#[tokio::test]
async fn actions_and_triggers_have_separate_slug_namespaces() {
    let env = Env::start().await;
    let id = env.integration("I").await;
    let action = env.action(&id, json!({ "name": "Sync" })).await;
    let trigger = env.trigger(&id, json!({ "name": "Sync" })).await;
    assert_eq!((action["slug"].as_str(), trigger["slug"].as_str()), (Some("sync"), Some("sync")));
    let symbols = env.action(&id, json!({ "name": "???" })).await;
    assert_eq!(symbols["slug"], "action");
}
