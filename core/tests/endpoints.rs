//! Every endpoint against the emulator over real HTTP: the success shape and the documented errors.

mod common;

use langdock::{
    ActionInput, AuthField, AuthFieldType, AuthType, CreateIntegration, ErrorKind, InputField, InputFieldType,
    OAuthClient, SelectOption, TriggerInput, UpdateAuth, UpdateIntegration,
};
use langdock_emulator::{ApiKey, Config, Scope};
use serde_json::json;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[tokio::test]
async fn list_shows_langdock_built_integrations_then_custom_ones_in_creation_order() {
    let h = common::start().await;
    let before = h.client.integrations().list().await.unwrap();
    assert!(before.iter().filter(|i| i.built_by_langdock).count() >= 2, "two seeded Langdock integrations");
    let first = h.client.integrations().create(&CreateIntegration::new("First")).await.unwrap();
    let second = h.client.integrations().create(&CreateIntegration::new("Second")).await.unwrap();
    let after = h.client.integrations().list().await.unwrap();
    let custom: Vec<&str> = after.iter().filter(|i| !i.built_by_langdock).map(|i| i.id.as_str()).collect();
    assert_eq!(custom, [first.id.as_str(), second.id.as_str()]);
    assert_eq!(after.attempts(), 1);
    assert!(after.request_id().is_some());
}

#[tokio::test]
async fn create_integration_answers_id_name_description_and_created_at() {
    let h = common::start().await;
    let created =
        h.client.integrations().create(&CreateIntegration::new("Weather").description("Forecasts")).await.unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.name, "Weather");
    assert_eq!(created.description.as_deref(), Some("Forecasts"));
    uuid::Uuid::parse_str(&created.id).expect("a UUID id");
    let created_at = created.created_at.as_deref().expect("createdAt");
    assert!(created_at.ends_with('Z') && created_at.contains('.'), "{created_at}");
    let full = h.client.integrations().get(&created.id).await.unwrap();
    assert_eq!(full.auth_type, AuthType::None);
    assert!(full.actions.is_empty() && full.triggers.is_empty());
}

#[tokio::test]
async fn duplicate_integration_names_are_allowed() {
    let h = common::start().await;
    let a = h.client.integrations().create(&CreateIntegration::new("Same")).await.unwrap();
    let b = h.client.integrations().create(&CreateIntegration::new("Same")).await.unwrap();
    assert_ne!(a.id, b.id);
}

#[tokio::test]
async fn get_returns_actions_with_code_and_fields_and_triggers_without_code() {
    let h = common::start().await;
    let id = h.integration().await;
    let field = InputField::new("City", InputFieldType::Text).required().description("Where");
    h.client
        .actions()
        .create(&id, &ActionInput::new("Forecast").code("return 1;").input_fields([field]))
        .await
        .unwrap();
    h.client.triggers().create(&id, &TriggerInput::new("New mail").polling_code("return [];")).await.unwrap();
    let integration = h.client.integrations().get(&id).await.unwrap();
    let action = &integration.actions[0];
    assert_eq!(action.code.as_deref(), Some("return 1;"));
    assert_eq!(action.input_fields[0].label, "City");
    assert!(action.input_fields[0].required);
    assert_eq!(integration.triggers[0].name, "New mail");
    assert!(!integration.triggers[0].extra.contains_key("pollingCode"), "GET never returns polling code");
}

#[tokio::test]
async fn update_integration_changes_only_what_is_given() {
    let h = common::start().await;
    let created = h.client.integrations().create(&CreateIntegration::new("Old").description("Keep me")).await.unwrap();
    let update = UpdateIntegration { name: Some("New".into()), color: Some("#1A73E8".into()), ..Default::default() };
    let updated = h.client.integrations().update(&created.id, &update).await.unwrap();
    assert_eq!(updated.name, "New");
    assert_eq!(updated.description.as_deref(), Some("Keep me"));
}

#[tokio::test]
async fn update_auth_sets_fields_and_oauth_client_without_ever_returning_the_secret() {
    let h = common::start().await;
    let id = h.integration().await;
    let api_key = UpdateAuth {
        auth_type: AuthType::ApiKey,
        auth_fields: Some(vec![AuthField::new("apiKey", "API key", AuthFieldType::Password).required()]),
        auth_test_code: Some("return true;".into()),
        ..Default::default()
    };
    let integration = h.client.integrations().update_auth(&id, &api_key).await.unwrap();
    assert_eq!(integration.auth_type, AuthType::ApiKey);
    assert_eq!(integration.auth_fields[0].slug, "apiKey");
    assert!(integration.auth_fields[0].id.is_some(), "the server gives auth fields an id");
    assert_eq!(integration.auth_test_code.as_deref(), Some("return true;"));

    let oauth = UpdateAuth {
        auth_type: AuthType::OAuth,
        oauth_client: Some(OAuthClient {
            client_id: Some("client".into()),
            client_secret: Some("s3cret-value".into()),
            auth_url: Some("https://auth.example.com/authorize".into()),
            token_url: Some("https://auth.example.com/token".into()),
            scopes: Some("read write".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let integration = h.client.integrations().update_auth(&id, &oauth).await.unwrap();
    let client = integration.oauth_client.as_ref().expect("oauth client");
    assert_eq!(client.client_id.as_deref(), Some("client"));
    assert_eq!(client.client_secret, None);
    assert_eq!(integration.auth_test_code, None, "changing the auth type resets the test code");
    let fetched = h.client.integrations().get(&id).await.unwrap();
    assert!(!serde_json::to_string(&*fetched).unwrap().contains("s3cret-value"));
    assert!(!format!("{oauth:?}").contains("s3cret-value"), "Debug redacts the secret");
}

#[tokio::test]
async fn icon_is_none_until_uploaded() {
    let h = common::start().await;
    let id = h.integration().await;
    assert_eq!(h.client.integrations().icon(&id).await.unwrap().icon_url, None);
    let uploaded = h.client.integrations().set_icon(&id, PNG.to_vec()).await.unwrap();
    let url = uploaded.icon_url.clone().expect("icon url");
    assert_eq!(h.client.integrations().icon(&id).await.unwrap().icon_url.as_deref(), Some(url.as_str()));
}

#[tokio::test]
async fn actions_get_slugs_order_and_default_confirmation() {
    let h = common::start().await;
    let id = h.integration().await;
    let select = InputField {
        options: Some(vec![SelectOption::new("Metric", "c"), SelectOption::new("Imperial", "f")]),
        ..InputField::new("Unit system", InputFieldType::Select)
    };
    let first = h
        .client
        .actions()
        .create(
            &id,
            &ActionInput::new("Get Forecast!").input_fields([InputField::new("City", InputFieldType::Text), select]),
        )
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    assert_eq!(first.slug.as_deref(), Some("get_forecast"));
    assert_eq!(first.order, Some(0));
    assert_eq!(first.requires_confirmation, Some(true));
    assert_eq!(first.input_fields[1].slug.as_deref(), Some("unit_system"));
    assert_eq!(first.input_fields[1].order, Some(1));
    assert_eq!(first.input_fields[1].options.as_ref().map(Vec::len), Some(2));
    let second = h.client.actions().create(&id, &ActionInput::new("Get forecast")).await.unwrap();
    assert_eq!(second.slug.as_deref(), Some("get_forecast_2"), "a slug clash gets a suffix");
    assert_eq!(second.order, Some(1));
    let same_name = h.client.actions().create(&id, &ActionInput::new("Get forecast")).await.unwrap_err();
    assert_eq!(same_name.kind(), ErrorKind::Conflict);
    assert_eq!(same_name.attempts(), 1, "409 is never retried");
}

#[tokio::test]
async fn update_action_replaces_description_and_fields_but_keeps_code_and_slug() {
    let h = common::start().await;
    let id = h.integration().await;
    let created = h
        .client
        .actions()
        .create(
            &id,
            &ActionInput::new("Send")
                .description("Sends")
                .code("return 'v1';")
                .requires_confirmation(false)
                .input_fields([InputField::new("To", InputFieldType::Text)]),
        )
        .await
        .unwrap();
    let updated = h.client.actions().update(&id, &created.id, &ActionInput::new("Send message")).await.unwrap();
    assert_eq!(updated.name, "Send message");
    assert_eq!(updated.slug, created.slug, "a rename keeps the slug");
    assert_eq!(updated.description.as_deref().unwrap_or_default(), "", "an omitted description is cleared");
    assert!(updated.input_fields.is_empty(), "omitted input fields are removed");
    assert_eq!(updated.code.as_deref(), Some("return 'v1';"), "an omitted code is kept");
    assert_eq!(updated.requires_confirmation, Some(false), "an omitted requiresConfirmation is kept");
}

#[tokio::test]
async fn deleting_an_action_twice_gives_not_found() {
    let h = common::start().await;
    let (id, action) = h.integration_with_action().await;
    let deleted = h.client.actions().delete(&id, &action).await.unwrap();
    assert_eq!(deleted.id, action);
    assert_eq!(deleted.message, "Action deleted");
    assert!(!deleted.already_deleted);
    let again = h.client.actions().delete(&id, &action).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::NotFound);
    assert_eq!(again.attempts(), 1, "404 is never retried");
}

#[tokio::test]
async fn triggers_are_created_updated_and_deleted() {
    let h = common::start().await;
    let id = h.integration().await;
    let fields = [InputField::new("Folder", InputFieldType::Text)];
    let created = h
        .client
        .triggers()
        .create(
            &id,
            &TriggerInput::new("New file").description("Polls").polling_code("return [];").input_fields(fields),
        )
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.slug.as_deref(), Some("new_file"));
    let updated = h
        .client
        .triggers()
        .update(&id, &created.id, &TriggerInput::new("New document").polling_code("return [1];"))
        .await
        .unwrap();
    assert_eq!(updated.name, "New document");
    assert_eq!(updated.description.as_deref().unwrap_or_default(), "", "replaced, so cleared");
    let duplicate = h.client.triggers().create(&id, &TriggerInput::new("New document")).await.unwrap_err();
    assert_eq!(duplicate.kind(), ErrorKind::Conflict);
    let deleted = h.client.triggers().delete(&id, &created.id).await.unwrap();
    assert_eq!(deleted.message, "Trigger deleted");
    assert_eq!(h.client.triggers().delete(&id, &created.id).await.unwrap_err().kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let h = common::start().await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let error = h.client.integrations().get(&unknown).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.status(), Some(404));
    assert!(error.request_id().is_some());
    let id = h.integration().await;
    let error = h.client.actions().update(&id, &unknown, &ActionInput::new("x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    let error = h.client.triggers().delete(&id, &unknown).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn langdock_built_integrations_refuse_every_write() {
    let h = common::start().await;
    let list = h.client.integrations().list().await.unwrap();
    let built = list.iter().find(|i| i.built_by_langdock).expect("a seeded integration");
    let got = h.client.integrations().get(&built.id).await.unwrap();
    assert_eq!(got.id, built.id);
    let update = UpdateIntegration { name: Some("Mine".into()), ..Default::default() };
    let errors = [
        h.client.integrations().update(&built.id, &update).await.unwrap_err(),
        h.client.integrations().update_auth(&built.id, &UpdateAuth::new(AuthType::ApiKey)).await.unwrap_err(),
        h.client.integrations().set_icon(&built.id, PNG.to_vec()).await.unwrap_err(),
        h.client.actions().create(&built.id, &ActionInput::new("Mine")).await.unwrap_err(),
        h.client.triggers().create(&built.id, &TriggerInput::new("Mine")).await.unwrap_err(),
    ];
    for error in errors {
        assert_eq!(error.kind(), ErrorKind::PermissionDenied, "{error}");
        assert_eq!(error.attempts(), 1);
    }
}

#[tokio::test]
async fn an_unknown_key_is_an_authentication_error() {
    let h = common::start().await;
    let client = common::builder(&h.emulator).api_key("sk-ld-not-a-real-key").build().unwrap();
    let error = client.integrations().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert_eq!(error.status(), Some(401));
    assert!(!error.to_string().contains("not-a-real-key"));
}

#[tokio::test]
async fn an_assistant_key_may_list_but_nothing_else() {
    let config = Config {
        keys: vec![
            ApiKey::full(langdock_emulator::DEFAULT_API_KEY),
            ApiKey::new("sk-ld-assistant", vec![Scope::AssistantApi]),
        ],
        ..Config::default()
    };
    let h = common::start_with(config).await;
    let id = h.integration().await;
    let assistant = common::builder(&h.emulator).api_key("sk-ld-assistant").build().unwrap();
    assert!(assistant.integrations().list().await.is_ok());
    let error = assistant.integrations().get(&id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PermissionDenied);
}

#[tokio::test]
async fn with_validation_off_the_server_answers_bad_request() {
    let h = common::start().await;
    let client = common::builder(&h.emulator).validation(false).build().unwrap();
    let error = client.integrations().create(&CreateIntegration::new("x".repeat(41))).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BadRequest);
    assert_eq!(error.status(), Some(400));
    assert!(error.message().contains("name"), "{error}");
    assert!(error.body().unwrap_or_default().contains("message"));
    let error = client.integrations().get("not-a-uuid").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BadRequest, "a malformed id is a 400 from the server");
    let context = InputField {
        context_action_id: Some(uuid::Uuid::new_v4().to_string()),
        ..InputField::new("f", InputFieldType::Select)
    };
    let id = h.integration().await;
    let error = client.actions().create(&id, &ActionInput::new("a").input_fields([context])).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BadRequest, "contextActionId must name an action of the integration");
}

#[tokio::test]
async fn an_oversized_icon_is_refused_by_the_server_with_413() {
    let h = common::start().await;
    let client = common::builder(&h.emulator).validation(false).build().unwrap();
    let id = h.integration().await;
    let mut huge = PNG.to_vec();
    huge.resize(21 * 1024 * 1024, 0);
    let error = client.integrations().set_icon(&id, huge).await.unwrap_err();
    assert_eq!(error.status(), Some(413));
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.attempts(), 1, "413 is never retried");
    let error = client.integrations().set_icon(&id, b"plain text".to_vec()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BadRequest);
}

#[tokio::test]
async fn unknown_fields_and_enum_values_from_a_newer_server_are_kept() {
    let h = common::start().await;
    let body = json!({"integrations": [{
        "id": "7d0c6c1e-1b7e-4d8a-9d59-7b3c2c1d0e9f", "name": "Future", "description": null,
        "authType": "PASSKEY", "buildByLangdock": false, "actions": [], "tier": "gold"
    }], "nextPage": null});
    h.inject(json!({"operation": "list_integrations", "body": body.to_string()}));
    let list = h.client.integrations().list().await.unwrap();
    assert_eq!(list[0].auth_type.as_str(), "PASSKEY");
    assert!(!list[0].auth_type.is_known());
    assert_eq!(list[0].extra["tier"], "gold");
}

#[tokio::test]
async fn malformed_success_answers_are_typed_errors_that_keep_the_body() {
    let h = common::start().await;
    for (body, content_type, hint) in [
        ("{not json", "application/json", "not the expected JSON"),
        ("<html><body>Gateway</body></html>", "text/html", "HTML page"),
        ("", "application/json", "empty"),
        (r#"{"integrations": "nope"}"#, "application/json", "not the expected JSON"),
    ] {
        h.inject(json!({"operation": "list_integrations", "body": body, "contentType": content_type}));
        let error = h.client.integrations().list().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Api, "{body}");
        assert_eq!(error.status(), Some(200));
        assert!(error.message().contains(hint), "{error}");
        assert_eq!(error.body(), Some(body));
        assert_eq!(error.attempts(), 1, "a malformed answer is not retried");
    }
}

#[tokio::test]
async fn a_truncated_answer_is_retried_for_a_read() {
    let h = common::start().await;
    h.inject(json!({"operation": "list_integrations", "truncate": true}));
    let list = h.client.integrations().list().await.unwrap();
    assert_eq!(list.attempts(), 2);
    assert_eq!(h.seen("list_integrations").len(), 2);
}

/// `binding::call_text` of `operation`, and `binding::call` of it with the model shown as `response_json` does.
async fn as_text_and_typed(
    client: &langdock::Client,
    operation: &str,
    ids: &[&str],
    body: Option<serde_json::Value>,
) -> (langdock::Response<langdock::binding::JsonText>, serde_json::Value) {
    use langdock::binding::{call, call_text};
    let args = || langdock::Arguments {
        ids: ids.iter().map(|id| id.to_string()).collect(),
        body: body.clone(),
        ..Default::default()
    };
    let text = call_text(client, operation, args()).await.unwrap();
    let typed = call(client, operation, args()).await.unwrap().into_text().unwrap();
    (text, serde_json::from_slice(typed.as_bytes()).unwrap())
}

#[tokio::test]
async fn answers_as_text_say_what_the_typed_answers_say() {
    let h = common::start().await;
    let id = h
        .client
        .integrations()
        .create(&CreateIntegration::new("Weather").description("Rain"))
        .await
        .unwrap()
        .id
        .clone();
    h.client.actions().create(&id, &ActionInput::new("Forecast").code("return 1;")).await.unwrap();
    for (operation, ids, body) in [
        ("list_integrations", vec![], None),
        ("get_integration", vec![id.as_str()], None),
        ("get_icon", vec![id.as_str()], None),
        ("update_integration", vec![id.as_str()], Some(json!({"description": "Sun"}))),
    ] {
        let (text, typed) = as_text_and_typed(&h.client, operation, &ids, body.clone()).await;
        assert_eq!(serde_json::from_slice::<serde_json::Value>(text.as_bytes()).unwrap(), typed, "{operation}");
        assert_eq!((text.status(), text.attempts()), (200, 1));
        assert!(text.request_id().is_some());
    }
    // A custom operation (a create that can recover from a 409): its typed method's answer, serialized.
    let args = langdock::Arguments {
        ids: vec![id.clone()],
        body: Some(json!({"name": "Alerts", "code": "return 2;"})),
        ..Default::default()
    };
    let text = langdock::binding::call_text(&h.client, "create_action", args).await.unwrap();
    let integration = h.client.integrations().get(&id).await.unwrap();
    let made = integration.actions.iter().find(|action| action.name == "Alerts").unwrap();
    let shown = langdock::binding::response_json(made).unwrap();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(text.as_bytes()).unwrap(), shown);
}

#[tokio::test]
async fn a_text_answer_is_the_server_s_own_text_when_it_is_what_serializing_would_give() {
    let h = common::start().await;
    // Keys in another order than the model's and a property this version does not know: taken as they are.
    let as_serialized = r#"[{"name":"Future","id":"i1","tier":{"level":2.5},"description":null,"authType":"PASSKEY","buildByLangdock":false,"actions":[{"name":"A","id":"a1","description":"x"}]}]"#;
    for _ in 0..2 {
        h.inject(json!({"operation": "list_integrations", "body": format!(r#"{{"integrations":{as_serialized}}}"#)}));
    }
    let (text, typed) = as_text_and_typed(&h.client, "list_integrations", &[], None).await;
    assert_eq!(std::str::from_utf8(text.as_bytes()).unwrap(), as_serialized);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(text.as_bytes()).unwrap(), typed);

    // Absent properties (written as defaults), an alias, an envelope with spaces or more keys: decoded and
    // written again, so the text says what the typed answer says.
    for body in [
        r#"{"integrations":[{"id":"i1","auth_type":"NONE"}]}"#,
        r#"{"integrations":[{"id":"i1","name":"N","description":"d","authType":"NONE","buildByLangdock":true}]}"#,
        r#"{ "integrations": [] }"#,
        r#"{"integrations":[],"nextPage":null}"#,
    ] {
        h.inject(json!({"operation": "list_integrations", "body": body}));
        h.inject(json!({"operation": "list_integrations", "body": body}));
        let (text, typed) = as_text_and_typed(&h.client, "list_integrations", &[], None).await;
        assert_eq!(serde_json::from_slice::<serde_json::Value>(text.as_bytes()).unwrap(), typed, "{body}");
    }
}

#[tokio::test]
async fn a_text_answer_that_cannot_be_read_is_the_typed_call_s_error() {
    let h = common::start().await;
    for body in [
        "{not json",
        r#"{"integrations":"nope"}"#,
        r#"{"integrations":[{"name":"no id"}]}"#,
        r#"{"integrations":[{"id":"i","id":"j"}]}"#,
        r#"{"integrations":[{"id":"i","description":"\ud800"}]}"#,
    ] {
        let args = || langdock::Arguments::default();
        h.inject(json!({"operation": "list_integrations", "body": body}));
        let text = langdock::binding::call_text(&h.client, "list_integrations", args()).await.unwrap_err();
        h.inject(json!({"operation": "list_integrations", "body": body}));
        let typed = langdock::binding::call(&h.client, "list_integrations", args()).await.unwrap_err();
        assert_eq!(text.message(), typed.message(), "{body}");
        assert_eq!((text.kind(), text.status(), text.body()), (ErrorKind::Api, Some(200), Some(body)));
    }
}

#[tokio::test]
async fn a_large_text_answer_comes_before_its_check_which_says_whether_it_stands() {
    use langdock::binding::{DEFERRED_CHECK_BYTES, call, call_text_deferred};
    let h = common::start().await;
    let list = |item: &dyn Fn(usize) -> String| {
        let mut items = Vec::new();
        while items.iter().map(|item: &String| item.len() + 1).sum::<usize>() < DEFERRED_CHECK_BYTES {
            items.push(item(items.len()));
        }
        format!("[{}]", items.join(","))
    };
    let list_text = async |body: &str| {
        h.inject(json!({"operation": "list_integrations", "body": format!(r#"{{"integrations":{body}}}"#)}));
        call_text_deferred(&h.client, "list_integrations", Default::default()).await.unwrap()
    };
    let typed = async |body: &str| {
        h.inject(json!({"operation": "list_integrations", "body": format!(r#"{{"integrations":{body}}}"#)}));
        call(&h.client, "list_integrations", Default::default()).await
    };
    let json =
        |text: &langdock::binding::JsonText| serde_json::from_slice::<serde_json::Value>(text.as_bytes()).unwrap();

    // As serialization would write it: the server's text, and a check that lets it stand.
    let as_serialized = list(&|n| {
        format!(
            r#"{{"name":"Future {n}","id":"i{n}","tier":{{"level":2.5}},"description":null,"authType":"PASSKEY","buildByLangdock":false,"actions":[{{"name":"A","id":"a{n}","description":"x"}}]}}"#
        )
    });
    let (text, check) = list_text(&as_serialized).await;
    assert_eq!(std::str::from_utf8(text.as_bytes()).unwrap(), as_serialized);
    assert_eq!((text.status(), text.attempts()), (200, 1));
    assert!(check.expect("a large answer's check is deferred").run().unwrap().is_none(), "the text stands");

    // With an alias: the check gives the text serialization writes, as the typed call has it.
    let aliased = list(&|n| format!(r#"{{"id":"i{n}","auth_type":"NONE"}}"#));
    let (_, check) = list_text(&aliased).await;
    let replaced = check.unwrap().run().unwrap().expect("the text is replaced");
    let expected = typed(&aliased).await.unwrap().into_text().unwrap();
    assert_eq!(json(&replaced), json(expected.data()));

    // Not the model at all: the check fails as the typed call does.
    let wrong = list(&|n| format!(r#"{{"id":{n}}}"#));
    let (_, check) = list_text(&wrong).await;
    let error = check.unwrap().run().unwrap_err();
    let expected = typed(&wrong).await.unwrap_err();
    assert_eq!(
        (error.kind(), error.message(), error.status()),
        (expected.kind(), expected.message(), expected.status())
    );
    assert_eq!(error.request_id().is_some(), expected.request_id().is_some());

    // A small answer is checked before it is handed over.
    let (_, check) = call_text_deferred(&h.client, "list_integrations", Default::default()).await.unwrap();
    assert!(check.is_none());
}
