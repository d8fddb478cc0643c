//! Client-side validation through the public API: every violation in one error, nothing sent.

mod common;

use langdock::{
    ActionInput, AuthField, AuthFieldType, AuthType, CreateIntegration, ErrorKind, InputField, InputFieldType,
    OAuthClient, TriggerInput, UpdateAuth, UpdateIntegration,
};

fn paths(error: &langdock::Error) -> Vec<&str> {
    error.violations().iter().map(|v| v.path.as_str()).collect()
}

#[tokio::test]
async fn invalid_requests_fail_before_anything_is_sent() {
    let h = common::start().await;
    let id = h.integration().await;
    let action_id = uuid::Uuid::new_v4().to_string();
    let errors = vec![
        h.client.integrations().create(&CreateIntegration::new("n".repeat(41)).description("d".repeat(91))).await,
        h.client.integrations().update(&id, &UpdateIntegration::default()).await.map(|r| r.map(|_| Default::default())),
    ];
    for result in errors {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Validation);
        assert_eq!(error.attempts(), 0);
    }
    let oauth_on_api_key = UpdateAuth {
        auth_type: AuthType::ApiKey,
        auth_fields: Some(vec![
            AuthField::new("k", "K", AuthFieldType::Text),
            AuthField::new("k", "K2", AuthFieldType::Text),
        ]),
        oauth_client: Some(OAuthClient::default()),
        ..Default::default()
    };
    let error = h.client.integrations().update_auth(&id, &oauth_on_api_key).await.unwrap_err();
    assert_eq!(paths(&error), ["authFields[1].slug", "oauthClient"]);

    let error = h
        .client
        .actions()
        .create(
            &id,
            &ActionInput::new("").code("x".repeat(40_001)).input_fields([InputField::new("", InputFieldType::Text)]),
        )
        .await
        .unwrap_err();
    assert_eq!(paths(&error), ["name", "code", "inputFields[0].label"]);
    let error = h.client.actions().update(&id, &action_id, &ActionInput::new("a".repeat(101))).await.unwrap_err();
    assert_eq!(paths(&error), ["name"]);
    let error = h
        .client
        .triggers()
        .create(
            &id,
            &TriggerInput::new("t")
                .polling_code("p".repeat(1001))
                .input_fields([InputField::new("f", InputFieldType::File)]),
        )
        .await
        .unwrap_err();
    assert_eq!(paths(&error), ["pollingCode", "inputFields[0].type"]);
    let error = h.client.integrations().set_icon(&id, b"GIF89a".to_vec()).await.unwrap_err();
    assert_eq!(paths(&error), ["icon"]);
    assert_eq!(h.journal_len(), 0, "no request went out");
}

#[tokio::test]
async fn malformed_ids_are_refused_before_sending() {
    let h = common::start().await;
    let error = h.client.integrations().get("../../etc").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(paths(&error), ["integrationId"]);
    let error = h.client.triggers().delete("nope", "also-nope").await.unwrap_err();
    assert_eq!(paths(&error), ["integrationId", "triggerId"]);
    assert_eq!(h.journal_len(), 0);
}

#[tokio::test]
async fn lengths_count_utf16_units_like_the_server() {
    let h = common::start().await;
    // 20 emoji are 40 UTF-16 units: the limit exactly. Both sides accept it.
    let created = h.client.integrations().create(&CreateIntegration::new("😀".repeat(20))).await.unwrap();
    assert_eq!(created.name, "😀".repeat(20));
    // "e" + a combining accent is 2 units: 20 of them are 40, 21 are 42.
    assert!(h.client.integrations().create(&CreateIntegration::new("e\u{301}".repeat(20))).await.is_ok());
    let error = h.client.integrations().create(&CreateIntegration::new("e\u{301}".repeat(21))).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(error.message().contains("got 42"), "{error}");
    // The server counts the same way: with validation off it refuses what the client would.
    let unchecked = common::builder(&h.emulator).validation(false).build().unwrap();
    let error = unchecked.integrations().create(&CreateIntegration::new("😀".repeat(21))).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BadRequest);
}
