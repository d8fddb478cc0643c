//! Every retry rule of SDK.md section 2, with faults injected by the emulator; each test checks the
//! outcome and the attempts the emulator's journal saw.

mod common;

use std::time::{Duration, SystemTime};

use langdock::{ActionInput, CreateIntegration, ErrorKind, RequestOptions, TriggerInput};
use serde_json::json;

/// An attempt timeout for tests that make the emulator slow on purpose. An answer without injected latency must
/// arrive well within it even on a loaded 2-core machine, or the test makes an extra attempt and flakes.
const SHORT_TIMEOUT: Duration = Duration::from_secs(2);
/// Injected latency, far beyond [`SHORT_TIMEOUT`].
const SLOW_MS: u64 = 8000;

#[tokio::test]
async fn retryable_statuses_are_retried_until_success() {
    let h = common::start().await;
    for status in [408, 429, 500, 502, 503, 504] {
        h.emulator.clear_journal();
        h.inject(json!({"operation": "list_integrations", "status": status, "times": 2}));
        let list = h.client.integrations().list().await.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(list.attempts(), 3, "{status}");
        assert_eq!(h.seen("list_integrations").len(), 3, "{status}");
    }
}

#[tokio::test]
async fn final_statuses_are_not_retried() {
    let h = common::start().await;
    for (status, kind) in [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Authentication),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
        (413, ErrorKind::Api),
        (422, ErrorKind::Api),
    ] {
        h.emulator.clear_journal();
        h.inject(json!({"operation": "list_integrations", "status": status, "body": "{\"message\": \"scripted\"}"}));
        let error = h.client.integrations().list().await.unwrap_err();
        assert_eq!(error.kind(), kind, "{status}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.attempts(), 1, "{status}");
        assert!(error.message().contains("scripted"), "{error}");
        assert_eq!(h.seen("list_integrations").len(), 1, "{status}");
    }
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_the_last_error() {
    let h = common::start().await;
    h.inject(json!({"operation": "list_integrations", "status": 503, "times": null}));
    let error = h.client.integrations().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InternalServer);
    assert_eq!(error.attempts(), 3, "2 retries by default");
    assert!(error.message().contains("3 attempts"), "{error}");
    assert_eq!(h.seen("list_integrations").len(), 3);

    h.emulator.clear_journal();
    let none = h.client.with_options(RequestOptions::new().max_retries(0));
    assert_eq!(none.integrations().list().await.unwrap_err().attempts(), 1);
    let more = h.client.with_options(RequestOptions::new().max_retries(4));
    assert_eq!(more.integrations().list().await.unwrap_err().attempts(), 5);
    assert_eq!(h.seen("list_integrations").len(), 6);
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let h = common::start().await;
    h.inject(json!({"operation": "list_integrations", "status": 429, "headers": {"Retry-After": "0.3"}}));
    let started = std::time::Instant::now();
    let list = h.client.integrations().list().await.unwrap();
    assert_eq!(list.attempts(), 2);
    // The client's own backoff is 5 ms: only Retry-After explains a wait this long.
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let h = common::start().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    h.inject(json!({"operation": "get_integration", "status": 503, "headers": {"Retry-After": date}}));
    let id = h.integration().await;
    let started = std::time::Instant::now();
    let integration = h.client.integrations().get(&id).await.unwrap();
    assert_eq!(integration.attempts(), 2);
    // HTTP dates have whole seconds: two seconds ahead is at least one second of waiting.
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_beyond_the_cap_fails_at_once_with_retry_after() {
    let h = common::start().await;
    h.inject(json!({"operation": "list_integrations", "status": 429, "headers": {"Retry-After": "120"}}));
    let error = h.client.integrations().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(error.attempts(), 1);
    assert!(error.message().contains("120 s"), "{error}");
    assert_eq!(h.seen("list_integrations").len(), 1);

    let patient = common::builder(&h.emulator).retry_after_cap(Duration::from_secs(1)).build().unwrap();
    h.inject(json!({"operation": "list_integrations", "status": 429, "headers": {"Retry-After": "2"}}));
    assert_eq!(patient.integrations().list().await.unwrap_err().retry_after(), Some(Duration::from_secs(2)));
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_reads_and_updates() {
    let h = common::start().await;
    let (id, action) = h.integration_with_action().await;
    h.inject(json!({"operation": "get_integration", "drop": "before_body"}));
    assert_eq!(h.client.integrations().get(&id).await.unwrap().attempts(), 2);
    h.inject(json!({"operation": "update_action", "drop": "after_body"}));
    let updated = h.client.actions().update(&id, &action, &ActionInput::new("Renamed")).await.unwrap();
    assert_eq!(updated.attempts(), 2);
    assert_eq!(updated.name, "Renamed");
    assert_eq!(h.seen("update_action").len(), 2);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let h = common::start().await;
    let client = common::builder(&h.emulator).timeout(SHORT_TIMEOUT).build().unwrap();
    h.inject(json!({"operation": "list_integrations", "latencyMs": SLOW_MS}));
    let list = client.integrations().list().await.unwrap();
    assert_eq!(list.attempts(), 2);
    assert_eq!(h.seen("list_integrations").len(), 2);

    h.inject(json!({"operation": "list_integrations", "latencyMs": SLOW_MS, "times": 3}));
    let error = client.integrations().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.attempts(), 3);
    assert!(std::error::Error::source(&error).is_some(), "the transport error is chained");
}

#[tokio::test]
async fn the_deadline_bounds_all_attempts_and_waits() {
    let h = common::start().await;
    h.inject(json!({"operation": "list_integrations", "latencyMs": 10000, "times": null}));
    let client = common::builder(&h.emulator).timeout(Duration::from_secs(10)).max_retries(10).build().unwrap();
    let started = std::time::Instant::now();
    let error = client
        .with_options(RequestOptions::new().deadline(Duration::from_millis(400)))
        .integrations()
        .list()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.attempts(), 1, "the one attempt used the whole deadline");
    // Far below the latency, with room for a loaded machine.
    assert!(started.elapsed() < Duration::from_secs(5), "stopped at the deadline, not the latency");
}

#[tokio::test]
async fn a_wait_that_would_pass_the_deadline_is_not_slept() {
    let h = common::start().await;
    h.inject(json!({"operation": "list_integrations", "status": 503, "headers": {"Retry-After": "30"}}));
    let client = common::builder(&h.emulator).deadline(Duration::from_secs(10)).build().unwrap();
    let started = std::time::Instant::now();
    let error = client.integrations().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InternalServer);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert!(error.message().contains("deadline"), "{error}");
    // Sleeping until the deadline would take 10 s; a loaded machine still answers one request well within 5.
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn connection_refused_is_a_connection_error_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = langdock::Client::builder()
        .api_key("sk-ld-x")
        .base_url(format!("http://127.0.0.1:{port}"))
        .no_proxy()
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let error = client.integrations().create(&CreateIntegration::new("x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert_eq!(error.attempts(), 3, "a connect failure is retried even for a create");
    assert!(!error.maybe_created(), "nothing reached the server");
    assert!(error.message().contains("connect"), "{error}");
}

#[tokio::test]
async fn integration_create_is_not_retried_after_an_ambiguous_failure() {
    let h = common::start().await;
    for fault in [
        json!({"operation": "create_integration", "status": 500, "apply": true}),
        json!({"operation": "create_integration", "status": 502}),
        json!({"operation": "create_integration", "drop": "after_body"}),
    ] {
        h.emulator.reset();
        h.inject(fault.clone());
        let error = h.client.integrations().create(&CreateIntegration::new("Once")).await.unwrap_err();
        assert!(error.maybe_created(), "{fault}: {error}");
        assert!(error.message().contains("may have been created"), "{error}");
        assert_eq!(error.attempts(), 1, "{fault}");
        assert_eq!(h.seen("create_integration").len(), 1, "{fault}");
    }
    let list = h.client.integrations().list().await.unwrap();
    assert_eq!(list.iter().filter(|i| i.name == "Once").count(), 1, "the applied create exists once");
}

#[tokio::test]
async fn integration_create_is_not_retried_after_a_timeout() {
    let h = common::start().await;
    let client = common::builder(&h.emulator).timeout(SHORT_TIMEOUT).build().unwrap();
    h.inject(json!({"operation": "create_integration", "latencyMs": SLOW_MS}));
    let error = client.integrations().create(&CreateIntegration::new("Slow")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.maybe_created());
    assert_eq!(h.seen("create_integration").len(), 1);
}

#[tokio::test]
async fn integration_create_is_retried_when_it_provably_did_not_happen() {
    let h = common::start().await;
    for fault in [
        json!({"operation": "create_integration", "status": 429}),
        json!({"operation": "create_integration", "status": 503, "headers": {"Retry-After": "0"}}),
    ] {
        h.emulator.reset();
        h.inject(fault.clone());
        let created = h.client.integrations().create(&CreateIntegration::new("Retried")).await.unwrap();
        assert_eq!(created.attempts(), 2, "{fault}");
        let list = h.client.integrations().list().await.unwrap();
        assert_eq!(list.iter().filter(|i| i.name == "Retried").count(), 1, "{fault}");
    }
}

#[tokio::test]
async fn an_integration_create_answered_201_with_an_unreadable_body_may_have_been_created() {
    let h = common::start().await;
    h.inject(json!({"operation": "create_integration", "status": 201, "apply": true, "body": "{\"integration\": 7}"}));
    let error = h.client.integrations().create(&CreateIntegration::new("Made")).await.unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::Api, Some(201)));
    assert!(error.maybe_created(), "{error}");
    assert!(error.message().contains("list your integrations before creating it again"), "{error}");
    assert_eq!(error.body(), Some("{\"integration\": 7}"), "the body is kept");
    assert_eq!(error.request_id(), h.seen("create_integration")[0].request_id.as_deref());
    assert_eq!(error.attempts(), 1, "not retried");
    let list = h.client.integrations().list().await.unwrap();
    assert_eq!(list.iter().filter(|i| i.name == "Made").count(), 1, "it exists, once");
}

#[tokio::test]
async fn an_integration_create_refused_with_a_4xx_is_not_maybe_created() {
    let h = common::start().await;
    for status in [400, 403, 404, 413, 422] {
        h.emulator.clear_journal();
        h.inject(json!({"operation": "create_integration", "status": status}));
        let error = h.client.integrations().create(&CreateIntegration::new("Refused")).await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert!(!error.maybe_created(), "{status}: {error}");
        assert!(!error.message().contains("may have been created"), "{status}: {error}");
    }
}

#[tokio::test]
async fn an_action_create_answered_201_with_an_unreadable_body_reads_the_action_back_once() {
    let h = common::start().await;
    let id = h.integration().await;
    h.inject(json!({"operation": "create_action", "status": 201, "apply": true, "body": "<html>ok</html>"}));
    let input = ActionInput::new("Once").code("return 1;");
    let action = h.client.actions().create(&id, &input).await.unwrap();
    assert_eq!((action.name.as_str(), action.code.as_deref()), ("Once", Some("return 1;")));
    assert_eq!(action.attempts(), 2, "the create and the read");
    assert_eq!(h.seen("create_action").len(), 1, "not sent again");
    assert_eq!(h.client.integrations().get(&id).await.unwrap().actions.len(), 1);
}

#[tokio::test]
async fn action_create_after_an_ambiguous_failure_returns_the_action_without_duplicating_it() {
    let h = common::start().await;
    for fault in [
        json!({"operation": "create_action", "drop": "after_body"}),
        json!({"operation": "create_action", "status": 500, "apply": true}),
        json!({"operation": "create_action", "status": 504, "apply": true}),
    ] {
        let id = h.integration().await;
        h.inject(fault.clone());
        let input = ActionInput::new("Once").code("return 1;");
        let action = h.client.actions().create(&id, &input).await.unwrap_or_else(|e| panic!("{fault}: {e}"));
        assert_eq!(action.name, "Once");
        assert_eq!(action.code.as_deref(), Some("return 1;"));
        assert_eq!(action.attempts(), 3, "create, create (409), get: {fault}");
        let creates = h.seen("create_action");
        assert_eq!(creates.iter().map(|e| e.status).collect::<Vec<_>>().len(), 2, "{fault}");
        assert_eq!(creates[1].status, Some(409));
        assert_eq!(h.seen("get_integration").len(), 1);
        let integration = h.client.integrations().get(&id).await.unwrap();
        assert_eq!(integration.actions.len(), 1, "no duplicate: {fault}");
    }
}

#[tokio::test]
async fn action_create_after_an_unapplied_failure_simply_succeeds_on_retry() {
    let h = common::start().await;
    let id = h.integration().await;
    h.inject(json!({"operation": "create_action", "status": 502}));
    let action = h.client.actions().create(&id, &ActionInput::new("Fresh")).await.unwrap();
    assert_eq!(action.attempts(), 2);
    assert!(h.seen("get_integration").is_empty(), "no 409, nothing to resolve");
}

#[tokio::test]
async fn a_409_stands_when_the_existing_action_differs_from_what_was_sent() {
    let h = common::start().await;
    let (id, _) = h.integration_with_action().await; // "Existing", code "return 1;"
    h.inject(json!({"operation": "create_action", "status": 500}));
    let error = h.client.actions().create(&id, &ActionInput::new("Existing").code("return 2;")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert_eq!(error.attempts(), 3, "two creates and the read that checked");
    assert_eq!(h.client.integrations().get(&id).await.unwrap().actions[0].code.as_deref(), Some("return 1;"));
}

#[tokio::test]
async fn a_plain_409_is_not_resolved() {
    let h = common::start().await;
    let (id, _) = h.integration_with_action().await;
    let error = h.client.actions().create(&id, &ActionInput::new("Existing").code("return 1;")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict, "without an ambiguous attempt a 409 is the caller's to see");
    assert!(h.seen("get_integration").is_empty());
}

#[tokio::test]
async fn trigger_create_after_a_timeout_returns_the_trigger_once() {
    let h = common::start().await;
    let client = common::builder(&h.emulator).timeout(SHORT_TIMEOUT).build().unwrap();
    let id = h.integration().await;
    h.inject(json!({"operation": "create_trigger", "latencyMs": SLOW_MS}));
    let trigger = client.triggers().create(&id, &TriggerInput::new("Poll").description("d")).await.unwrap();
    assert_eq!(trigger.name, "Poll");
    assert_eq!(trigger.attempts(), 3);
    assert_eq!(client.integrations().get(&id).await.unwrap().triggers.len(), 1);
}

#[tokio::test]
async fn a_delete_retried_after_an_ambiguous_failure_that_meets_404_succeeds() {
    let h = common::start().await;
    let (id, action) = h.integration_with_action().await;
    h.inject(json!({"operation": "delete_action", "drop": "after_body"}));
    let deleted = h.client.actions().delete(&id, &action).await.unwrap();
    assert!(deleted.already_deleted);
    assert_eq!(deleted.id, action);
    assert_eq!(deleted.attempts(), 2);
    let statuses: Vec<Option<u16>> = h.seen("delete_action").iter().map(|e| e.status).collect();
    assert_eq!(statuses, [None, Some(404)]);

    let trigger = h.client.triggers().create(&id, &TriggerInput::new("T")).await.unwrap();
    h.inject(json!({"operation": "delete_trigger", "status": 500, "apply": true}));
    let deleted = h.client.triggers().delete(&id, &trigger.id).await.unwrap();
    assert!(deleted.already_deleted);
}

#[tokio::test]
async fn every_attempt_of_a_call_carries_the_same_request_id() {
    let h = common::start().await;
    h.inject(json!({"operation": "list_integrations", "status": 503, "times": 2}));
    let list = h.client.integrations().list().await.unwrap();
    let ids: Vec<Option<String>> = h.seen("list_integrations").into_iter().map(|e| e.request_id).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| id.is_some() && *id == ids[0]), "{ids:?}");
    assert_eq!(list.request_id(), ids[0].as_deref());
}

#[tokio::test]
async fn the_retry_budget_stops_retry_storms() {
    let h = common::start().await;
    h.inject(json!({"operation": "list_integrations", "status": 500, "times": null}));
    // A full budget pays for 100 retries of 5 tokens: 50 failing calls of 2 retries each.
    for call in 0..50 {
        let error = h.client.integrations().list().await.unwrap_err();
        assert_eq!(error.attempts(), 3, "call {call} still retries");
    }
    let error = h.client.integrations().list().await.unwrap_err();
    assert_eq!(error.attempts(), 1, "the budget is spent");
    assert!(error.message().contains("budget"), "{error}");
    assert_eq!(h.client.retry_budget(), 0);

    // Successes earn it back, one token each.
    h.emulator.reset();
    for _ in 0..5 {
        h.client.integrations().list().await.unwrap();
    }
    assert_eq!(h.client.retry_budget(), 5);
    // The budget is client-wide: clones share it.
    assert_eq!(h.client.with_options(RequestOptions::new()).retry_budget(), 5);
}

#[tokio::test]
async fn adaptive_pacing_converges_on_the_rate_limit_without_failures() {
    let h = common::start().await;
    h.emulator.set_rate_limit(Some(1200)); // 20 requests per second
    let id = h.integration().await;
    assert_eq!(h.client.paced_rate(), None, "no pacing before the first 429");
    let client = h.client.with_options(RequestOptions::new().max_retries(10));
    let calls = (0..60).map(|n| {
        let client = client.clone();
        let id = id.clone();
        tokio::spawn(async move { client.actions().create(&id, &ActionInput::new(format!("Action {n}"))).await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().expect("every call succeeds under the rate limit");
    }
    assert!(client.paced_rate().is_some(), "the 429s turned pacing on");
    assert_eq!(h.client.integrations().get(&id).await.unwrap().actions.len(), 60, "no duplicates, none lost");
}
