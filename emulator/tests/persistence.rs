//! The state file: everything survives a restart with the same file, uploaded icons and keys added at run time
//! included, and every acknowledged write is in the file before its answer.

mod common;

use common::{Env, send, temp_path};
use langdock_emulator::{ApiKey, Config, Emulator};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_restart_with_the_same_state_file_loses_nothing() {
    let path = temp_path("state.json");
    let config = Config { state_file: Some(path.clone()), ..Config::default() };
    let env = Env::with(config.clone()).await;
    let id = env.integration("Kept").await;
    env.json(
        Method::PATCH,
        &format!("/integrations/v1/{id}/auth"),
        json!({ "authType": "OAUTH", "authTestCode": "t", "authFields": [{ "slug": "s", "label": "S", "type": "TEXT" }],
                "oauthClient": { "clientId": "c", "clientSecret": "secret" } }),
    )
    .await;
    let action = env
        .action(&id, json!({ "name": "A", "code": "return 1;", "inputFields": [{ "label": "Q", "type": "NUMBER" }] }))
        .await;
    env.trigger(&id, json!({ "name": "T", "pollingCode": "poll()", "inputFields": [{ "label": "F" }] })).await;
    let before_full = env.full(&id).await;
    let before_state = env.state().await;
    env.emu.shutdown().await;

    let again = Env::with(config).await;
    assert_eq!(again.full(&id).await, before_full);
    assert_eq!(again.state().await, before_state, "secret, polling code and trigger fields included");
    assert_eq!(before_state["integrations"][2]["oauthClient"]["clientSecret"], "secret");
    assert_eq!(again.full(&id).await["actions"][0]["id"], action["id"]);
    let list = again.get("/integrations/v1/get").await.json;
    assert_eq!(list["integrations"].as_array().unwrap().len(), 3);
    drop(again);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn the_file_is_written_after_each_change_without_waiting_for_shutdown() {
    let path = temp_path("live.json");
    let env = Env::with(Config { state_file: Some(path.clone()), ..Config::default() }).await;
    assert!(path.exists(), "written at start");
    let id = env.integration("Live").await;
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&id));
    let dir = path.parent().unwrap();
    let leftovers = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name().to_string_lossy().contains(".tmp-") && e.file_name().to_string_lossy().contains("live.json")
        })
        .count();
    assert_eq!(leftovers, 0, "temp files are renamed away");
    drop(env);
    // Dropped without shutdown: the file is still complete.
    let reloaded = Emulator::start(Config { state_file: Some(path.clone()), ..Config::default() }).await.unwrap();
    drop(reloaded);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn a_corrupt_state_file_is_refused_at_start_and_an_empty_one_is_a_fresh_start() {
    let path = temp_path("corrupt.json");
    std::fs::write(&path, "{ not state").unwrap();
    let err = Emulator::start(Config { state_file: Some(path.clone()), ..Config::default() }).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    std::fs::write(&path, "").unwrap();
    let env = Env::with(Config { state_file: Some(path.clone()), ..Config::default() }).await;
    assert_eq!(env.get("/integrations/v1/get").await.json["integrations"].as_array().unwrap().len(), 2);
    drop(env);
    let _ = std::fs::remove_file(&path);
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR kept png";

async fn upload_png(env: &Env, id: &str) -> String {
    let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("i.png").mime_str("image/png").unwrap();
    let form = reqwest::multipart::Form::new().part("icon", part);
    let put = common::send(env.req(Method::PUT, &format!("/integrations/v1/{id}/icon")).multipart(form)).await;
    assert_eq!(put.status, 200, "{}", put.text);
    put.json["iconUrl"].as_str().expect("iconUrl").to_owned()
}

#[tokio::test]
async fn an_uploaded_icon_still_serves_its_bytes_after_a_restart() {
    let path = temp_path("icon.json");
    let config = Config { state_file: Some(path.clone()), ..Config::default() };
    let env = Env::with(config.clone()).await;
    let id = env.integration("With icon").await;
    let url = upload_png(&env, &id).await;
    let icon_path = url.strip_prefix(&env.emu.base_url()).expect("served by the emulator").to_owned();
    env.emu.shutdown().await;

    // A new port (no race for the old one): the icon is at the same path under the new address.
    let again = Env::with(config).await;
    let url = format!("{}{icon_path}", again.emu.base_url());
    assert_eq!(again.get(&format!("/integrations/v1/{id}/icon")).await.json["iconUrl"], url);
    let served = again.http.get(&url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    drop(again);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn keys_added_at_run_time_are_accepted_after_a_restart_beside_the_configured_ones() {
    let path = temp_path("keys.json");
    let config =
        Config { state_file: Some(path.clone()), keys: vec![ApiKey::full("sk-configured")], ..Config::default() };
    let env = Env::with(config.clone()).await;
    let added = send(
        env.http.post(env.url("/_emulator/keys")).json(&json!({ "key": "sk-over-http", "scopes": ["ASSISTANT_API"] })),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.text);
    env.emu.add_key(ApiKey::full("sk-in-process"));
    // Reset keeps keys, in memory and in the file.
    assert_eq!(send(env.http.post(env.url("/_emulator/reset"))).await.status, 200);
    drop(env); // no graceful shutdown: the file must already hold the keys

    let again = Env::with(config).await;
    let list = |key: &'static str| again.http.get(again.url("/integrations/v1/get")).bearer_auth(key);
    assert_eq!(send(list("sk-configured")).await.status, 200);
    assert_eq!(send(list("sk-over-http")).await.status, 200);
    assert_eq!(send(list("sk-in-process")).await.status, 200);
    assert_eq!(send(list("sk-unknown")).await.status, 401);
    // The scopes come back too: an ASSISTANT_API key may only list.
    let create = again.http.post(again.url("/integrations/v1/create")).bearer_auth("sk-over-http");
    assert_eq!(send(create.json(&json!({ "name": "x" }))).await.status, 403);
    drop(again);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn every_acknowledged_write_is_in_the_file_when_its_answer_arrives() {
    let path = temp_path("acked.json");
    let env = Env::with(Config { state_file: Some(path.clone()), ..Config::default() }).await;
    let file = || std::fs::read_to_string(&path).expect("state file");
    // Markers that cannot occur in a UUID: a short one like "c-2" sometimes did, inside a random id.
    let id = env.integration("Acked").await;
    assert!(file().contains(&id));
    let patched =
        env.json(Method::PATCH, &format!("/integrations/v1/{id}"), json!({ "description": "desc-one" })).await;
    assert_eq!(patched.status, 200);
    assert!(file().contains("desc-one"));
    let action = env.action(&id, json!({ "name": "Act", "code": "return 'code-two';" })).await;
    assert!(file().contains("code-two"));
    let action_path = format!("/integrations/v1/{id}/actions/{}", action["id"].as_str().unwrap());
    assert_eq!(
        env.json(Method::PUT, &action_path, json!({ "name": "Act", "code": "return 'code-three';" })).await.status,
        200,
        "update action"
    );
    assert!(file().contains("code-three") && !file().contains("code-two"));
    assert_eq!(env.delete(&action_path).await.status, 200);
    assert!(!file().contains("code-three"));
    upload_png(&env, &id).await;
    assert!(file().contains(&base64_of(PNG)));
    assert_eq!(send(env.http.post(env.url("/_emulator/keys")).json(&json!({ "key": "sk-k-4" }))).await.status, 200);
    assert!(file().contains("sk-k-4"));
    drop(env);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn a_write_the_state_file_cannot_hold_is_answered_500_and_journaled_as_applied() {
    let dir = temp_path("gone-dir");
    std::fs::create_dir_all(&dir).unwrap();
    let env = Env::with(Config { state_file: Some(dir.join("state.json")), ..Config::default() }).await;
    std::fs::remove_dir_all(&dir).unwrap();
    let answer = env.json(Method::POST, "/integrations/v1/create", json!({ "name": "Unsaved" })).await;
    assert_eq!(answer.status, 500, "{}", answer.text);
    assert!(answer.message().contains("could not write the state file"), "{}", answer.text);
    let entry = env.emu.journal().pop().unwrap();
    assert_eq!((entry.status, entry.applied), (Some(500), true));
    let key = send(env.http.post(env.url("/_emulator/keys")).json(&json!({ "key": "sk-unsaved" }))).await;
    assert_eq!(key.status, 500, "{}", key.text);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
