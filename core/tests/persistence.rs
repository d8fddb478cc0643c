//! The emulator's state file: a restart loses nothing.

mod common;

use langdock::{ActionInput, AuthField, AuthFieldType, AuthType, CreateIntegration, TriggerInput, UpdateAuth};
use langdock_emulator::Config;

#[tokio::test]
async fn an_emulator_restart_with_the_same_state_file_loses_nothing() {
    let dir = std::env::temp_dir().join(format!("langdock-state-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let config = || Config { state_file: Some(state.clone()), ..Config::default() };

    let h = common::start_with(config()).await;
    let id = h.client.integrations().create(&CreateIntegration::new("Kept")).await.unwrap().into_inner().id;
    let auth = UpdateAuth {
        auth_type: AuthType::ApiKey,
        auth_fields: Some(vec![AuthField::new("token", "Token", AuthFieldType::Password)]),
        ..Default::default()
    };
    h.client.integrations().update_auth(&id, &auth).await.unwrap();
    h.client.actions().create(&id, &ActionInput::new("Act").code("return 42;")).await.unwrap();
    h.client.triggers().create(&id, &TriggerInput::new("Poll").polling_code("return [];")).await.unwrap();
    let before = h.client.integrations().get(&id).await.unwrap().into_inner();
    h.emulator.shutdown().await;

    let restarted = common::start_with(config()).await;
    let after = restarted.client.integrations().get(&id).await.unwrap().into_inner();
    assert_eq!(after, before);
    assert_eq!(after.actions[0].code.as_deref(), Some("return 42;"));
    assert_eq!(after.auth_fields[0].slug, "token");
    restarted.emulator.shutdown().await;
    std::fs::remove_dir_all(&dir).ok();
}
