//! The state file: everything survives a restart with the same file; keys and icon bytes do not.

mod common;

use common::{Env, temp_path};
use langdock_emulator::{Config, Emulator};
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
