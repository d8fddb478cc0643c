//! The control API and its library twins: journal, reset, rate limit, keys, health; plus the blocking handle.

mod common;

use common::{Env, send};
use langdock_emulator::{ApiKey, Config, FaultKind, Operation, Scope, run_blocking};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn journal_records_api_requests_with_operation_status_body_and_request_id_but_no_authorization() {
    let env = Env::start().await;
    send(env.req(Method::POST, "/integrations/v1/create").header("x-request-id", "r-1").json(&json!({ "name": "J" })))
        .await;
    env.get("/integrations/v1/not-a-uuid").await;
    send(env.http.get(env.url("/integrations/v1/get"))).await;
    env.get("/_emulator/health").await;
    let journal = send(env.http.get(env.url("/_emulator/journal"))).await;
    let requests = journal.json["requests"].as_array().unwrap().clone();
    assert_eq!(requests.len(), 3, "control routes are not journaled: {requests:?}");
    let first = &requests[0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/integrations/v1/create");
    assert_eq!(first["operation"], "create_integration");
    assert_eq!(first["status"], 201);
    assert_eq!(first["fault"], Value::Null);
    assert_eq!(first["applied"], true);
    assert_eq!(first["requestId"], "r-1");
    assert_eq!(first["body"], json!({ "name": "J" }));
    assert!(first["receivedAt"].is_u64());
    assert_eq!(
        (requests[1]["operation"].as_str(), requests[1]["status"].as_u64()),
        (Some("get_integration"), Some(400))
    );
    assert_eq!((requests[2]["status"].as_u64(), requests[2]["applied"].as_bool()), (Some(401), Some(false)));
    assert!(!journal.text.contains(langdock_emulator::DEFAULT_API_KEY), "no Authorization recorded");
    assert_eq!(env.emu.journal().len(), 3);
    send(env.http.delete(env.url("/_emulator/journal"))).await;
    assert!(env.emu.journal().is_empty());
    env.get("/integrations/v1/get").await;
    assert_eq!(env.emu.journal()[0].seq, 1);
    env.emu.clear_journal();
    assert!(env.emu.journal().is_empty());
}

#[tokio::test]
async fn reset_returns_to_the_seed_and_clears_faults_and_journal_but_keeps_the_rate_limit() {
    let env = Env::start().await;
    env.integration("Gone").await;
    env.emu.set_rate_limit(Some(6000));
    env.emu.inject(langdock_emulator::Fault::any().status(500));
    let answer = send(env.http.post(env.url("/_emulator/reset"))).await;
    assert_eq!(answer.status, 200);
    assert!(env.emu.faults().is_empty());
    assert!(env.emu.journal().is_empty());
    let list = env.get("/integrations/v1/get").await;
    assert_eq!(list.json["integrations"].as_array().unwrap().len(), 2);
    let limit = send(env.http.get(env.url("/_emulator/rate-limit"))).await;
    assert_eq!(limit.json["perMinute"], 6000);
}

#[tokio::test]
async fn no_seed_starts_empty_and_reset_keeps_it_empty() {
    let env = Env::with(Config { seed: false, ..Config::default() }).await;
    assert_eq!(env.get("/integrations/v1/get").await.json, json!({ "integrations": [] }));
    env.integration("X").await;
    env.emu.reset();
    assert_eq!(env.get("/integrations/v1/get").await.json, json!({ "integrations": [] }));
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_and_is_journaled() {
    // One request per minute: the second is limited however slowly this machine sends it.
    let env = Env::with(Config { rate_limit_per_minute: Some(1), ..Config::default() }).await;
    assert_eq!(env.get("/integrations/v1/get").await.status, 200);
    let limited = env.get("/integrations/v1/get").await;
    assert_eq!(limited.status, 429);
    let retry: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1, "{retry}");
    assert!(limited.message().contains("rate limit"));
    let entry = env.emu.journal().pop().unwrap();
    assert_eq!((entry.status, entry.fault), (Some(429), Some(FaultKind::RateLimited)));
    assert_eq!(send(env.http.get(env.url("/_emulator/health"))).await.status, 200, "control routes are not limited");
    env.emu.add_key(ApiKey::full("other"));
    let other = send(env.http.get(env.url("/integrations/v1/get")).bearer_auth("other")).await;
    assert_eq!(other.status, 200, "buckets are per key");
    let off = send(env.http.post(env.url("/_emulator/rate-limit")).json(&json!({ "perMinute": null }))).await;
    assert_eq!(off.status, 200);
    assert_eq!(env.get("/integrations/v1/get").await.status, 200);
}

#[tokio::test]
async fn a_per_second_rate_allows_that_many_requests_in_a_burst() {
    let env = Env::start().await;
    env.emu.set_rate_limit(Some(50 * 60));
    // The bucket refills while we send, so how many pass depends on how fast this machine is: bound the count
    // by the time it took instead of assuming the requests were instant.
    let started = std::time::Instant::now();
    let mut passed = 0u32;
    for _ in 0..200 {
        if env.get("/integrations/v1/get").await.status == 200 {
            passed += 1;
        } else {
            break;
        }
    }
    let refilled = started.elapsed().as_secs_f64() * 50.0;
    assert!(passed >= 50, "a full bucket lets a burst of 50 through, got {passed}");
    assert!(f64::from(passed) <= 50.0 + refilled + 1.0, "{passed} passed, but only 50 + {refilled:.1} tokens existed");
}

#[tokio::test]
async fn keys_can_be_added_over_http_with_scopes() {
    let env = Env::start().await;
    let added = send(
        env.http.post(env.url("/_emulator/keys")).json(&json!({ "key": "sk-ld-new", "scopes": ["ASSISTANT_API"] })),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.text);
    let list = send(env.http.get(env.url("/integrations/v1/get")).bearer_auth("sk-ld-new")).await;
    assert_eq!(list.status, 200);
    let create =
        send(env.http.post(env.url("/integrations/v1/create")).bearer_auth("sk-ld-new").json(&json!({ "name": "x" })))
            .await;
    assert_eq!(create.status, 403);
    let bad = send(env.http.post(env.url("/_emulator/keys")).json(&json!({ "key": "k", "scopes": ["ROOT"] }))).await;
    assert_eq!(bad.status, 400);
    env.emu.add_key(ApiKey::new("sk-ld-new", [Scope::IntegrationApi]));
    let create =
        send(env.http.post(env.url("/integrations/v1/create")).bearer_auth("sk-ld-new").json(&json!({ "name": "x" })))
            .await;
    assert_eq!(create.status, 201);
}

#[tokio::test]
async fn control_api_health_unknown_routes_and_methods() {
    let env = Env::start().await;
    assert_eq!(send(env.http.get(env.url("/_emulator/health"))).await.json, json!({ "ok": true }));
    assert_eq!(send(env.http.get(env.url("/_emulator/nope"))).await.status, 404);
    assert_eq!(send(env.http.put(env.url("/_emulator/journal"))).await.status, 405);
    assert_eq!(send(env.http.post(env.url("/_emulator/faults")).body("{")).await.status, 400);
    assert_eq!(send(env.http.get(env.url("/_emulator/icons/nothing.png"))).await.status, 404);
}

#[tokio::test]
async fn journal_shows_drops_with_null_status() {
    let env = Env::start().await;
    env.emu.inject(
        langdock_emulator::Fault::new(Operation::ListIntegrations)
            .drop_connection(langdock_emulator::DropPoint::BeforeBody),
    );
    let _ = env.req(Method::GET, "/integrations/v1/get").send().await;
    let journal = send(env.http.get(env.url("/_emulator/journal"))).await.json;
    assert_eq!(journal["requests"][0]["status"], Value::Null);
    assert_eq!(journal["requests"][0]["fault"], "drop_before_body");
}

#[test]
fn blocking_handle_serves_without_an_async_caller_and_stops() {
    let emulator = run_blocking(Config::default(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = emulator.addr();
    let url = format!("{}/_emulator/health", emulator.base_url());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::builder().no_proxy().build().unwrap().get(&url).send().await.unwrap().status()
    });
    assert_eq!(status, 200);
    assert!(emulator.journal().is_empty(), "derefs to the emulator");
    emulator.stop();
    assert!(std::net::TcpStream::connect(addr).is_err(), "the port is released");
}

#[tokio::test]
async fn dropping_the_emulator_releases_the_port() {
    let env = Env::start().await;
    let addr = env.emu.addr();
    drop(env);
    // The server task ends on its own schedule after the drop: wait for the port to close, within bounds.
    let closed = async {
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    assert!(tokio::time::timeout(std::time::Duration::from_secs(30), closed).await.is_ok(), "the port stays open");
}

#[tokio::test]
async fn seed_replaces_the_workspace_with_n_plain_integrations_of_the_given_description_length() {
    let env = Env::start().await;
    env.integration("Gone").await;
    env.emu.set_rate_limit(Some(60_000));
    let answer = send(
        env.http.post(env.url("/_emulator/seed")).json(&json!({ "integrations": 10_000, "descriptionLength": 60 })),
    )
    .await;
    assert_eq!((answer.status, answer.json["integrations"].as_u64()), (200, Some(10_000)), "{}", answer.text);
    let list = env.get("/integrations/v1/get").await;
    let items = list.json["integrations"].as_array().unwrap();
    assert_eq!(items.len(), 10_000, "exactly N: neither the created one nor the Langdock-built ones remain");
    assert_eq!((items[0]["name"].as_str(), items[9_999]["name"].as_str()), (Some("seed-00000"), Some("seed-09999")));
    for item in items {
        assert_eq!(item["description"].as_str().map(str::len), Some(60), "{item}");
        assert_eq!(item["actions"], json!([]), "{item}");
        assert_eq!(item["buildByLangdock"], false);
    }
    // A generated integration is a real one: readable and writable through the API.
    let id = items[1]["id"].as_str().unwrap();
    assert_eq!(env.get(&format!("/integrations/v1/{id}")).await.json["integration"]["name"], "seed-00001");
    let limit = send(env.http.get(env.url("/_emulator/rate-limit"))).await;
    assert_eq!(limit.json["perMinute"], 60_000, "like reset, seed keeps the rate limit");
    send(env.http.post(env.url("/_emulator/reset"))).await;
    assert_eq!(env.get("/integrations/v1/get").await.json["integrations"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn seed_defaults_to_60_characters_and_refuses_bad_counts_and_lengths_without_changing_anything() {
    let env = Env::start().await;
    let seed = |body: Value| send(env.http.post(env.url("/_emulator/seed")).json(&body));
    assert_eq!(seed(json!({ "integrations": 3 })).await.json["descriptionLength"], 60);
    for bad in [
        json!({}),
        json!({ "integrations": -1 }),
        json!({ "integrations": 100_001 }),
        json!({ "integrations": "10" }),
        json!({ "integrations": 5, "descriptionLength": 91 }),
        json!({ "integrations": 5, "descriptionLength": 1.5 }),
    ] {
        let answer = seed(bad.clone()).await;
        assert_eq!(answer.status, 400, "{bad}: {}", answer.text);
        assert!(answer.message().contains("expected an integer"), "{bad}: {}", answer.text);
    }
    assert_eq!(env.get("/integrations/v1/get").await.json["integrations"].as_array().unwrap().len(), 3);
    assert_eq!(send(env.http.get(env.url("/_emulator/seed"))).await.status, 405);
}
