//! Integrations: list, create, get, update; auth, IDs, routing, bodies, CORS and Langdock-built rules.

mod common;

use common::{Env, SEEDED, UNKNOWN, send};
use langdock_emulator::{ApiKey, Config, Scope};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn list_shows_seeded_integrations_first_then_custom_ones_in_creation_order() {
    let env = Env::start().await;
    let a = env.integration("First").await;
    let b = env.integration("Second").await;
    let answer = env.get("/integrations/v1/get").await;
    assert_eq!(answer.status, 200);
    let items = answer.json["integrations"].as_array().unwrap().clone();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["id"], SEEDED);
    assert_eq!(items[0]["buildByLangdock"], true);
    assert!(!items[0]["actions"].as_array().unwrap().is_empty());
    assert_eq!(items[1]["buildByLangdock"], true);
    assert_eq!((items[2]["id"].as_str(), items[3]["id"].as_str()), (Some(a.as_str()), Some(b.as_str())));
    let custom = &items[2];
    for key in ["id", "name", "description", "authType", "buildByLangdock", "actions"] {
        assert!(custom.get(key).is_some(), "list item has {key}");
    }
    assert_eq!(custom["authType"], "NONE");
    assert_eq!(custom["buildByLangdock"], false);
}

#[tokio::test]
async fn create_answers_201_with_id_name_description_and_millisecond_utc_timestamp() {
    let env = Env::start().await;
    let answer = env
        .json(Method::POST, "/integrations/v1/create", json!({ "name": "CRM", "description": "Our CRM", "extra": 1 }))
        .await;
    assert_eq!(answer.status, 201);
    let integration = &answer.json["integration"];
    assert_eq!(integration["name"], "CRM");
    assert_eq!(integration["description"], "Our CRM");
    let created = integration["createdAt"].as_str().unwrap();
    assert_eq!(created.len(), 24, "{created}");
    assert!(created.ends_with('Z') && &created[19..20] == ".", "{created}");
    assert!(uuid::Uuid::parse_str(integration["id"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn get_shows_the_full_integration_of_a_new_one() {
    let env = Env::start().await;
    let id = env.integration("Fresh").await;
    let full = env.full(&id).await;
    assert_eq!(full["authType"], "NONE");
    assert_eq!(full["authTestCode"], serde_json::Value::Null);
    assert_eq!(full["authFields"], json!([]));
    assert_eq!(full["oauthClient"], serde_json::Value::Null);
    assert_eq!(full["actions"], json!([]));
    assert_eq!(full["triggers"], json!([]));
}

#[tokio::test]
async fn duplicate_integration_names_are_allowed() {
    let env = Env::start().await;
    let a = env.integration("Same").await;
    let b = env.integration("Same").await;
    assert_ne!(a, b);
}

#[tokio::test]
async fn create_rejects_bad_names_with_a_message_naming_the_field() {
    let env = Env::start().await;
    let cases = [
        (json!({}), "name"),
        (json!({ "name": 5 }), "name: expected a string"),
        (json!({ "name": "" }), "name"),
        (json!({ "name": "   " }), "name"),
        (json!({ "name": "bad\u{0001}name" }), "control"),
        (json!({ "name": "x".repeat(41) }), "name: at most 40"),
        (json!({ "name": "ok", "description": "d".repeat(91) }), "description: at most 90"),
        (json!({ "name": "ok", "description": 3 }), "description: expected a string"),
        (json!(["name"]), "JSON object"),
    ];
    for (body, needle) in cases {
        let answer = env.json(Method::POST, "/integrations/v1/create", body.clone()).await;
        assert_eq!(answer.status, 400, "{body}");
        assert!(answer.message().contains(needle), "{body}: {}", answer.message());
    }
}

#[tokio::test]
async fn limits_count_utf16_code_units_like_javascript() {
    let env = Env::start().await;
    // 20 emoji are 40 UTF-16 code units (but 80 bytes): accepted; one more letter is over.
    let ok = env.json(Method::POST, "/integrations/v1/create", json!({ "name": "😀".repeat(20) })).await;
    assert_eq!(ok.status, 201);
    let over =
        env.json(Method::POST, "/integrations/v1/create", json!({ "name": format!("{}a", "😀".repeat(20)) })).await;
    assert_eq!(over.status, 400);
    let umlauts = env.json(Method::POST, "/integrations/v1/create", json!({ "name": "ä".repeat(40) })).await;
    assert_eq!(umlauts.status, 201);
}

#[tokio::test]
async fn update_changes_only_what_is_sent_and_echoes_id_name_description() {
    let env = Env::start().await;
    let id = env.integration("Before").await;
    let path = format!("/integrations/v1/{id}");
    let answer = env.json(Method::PATCH, &path, json!({ "description": "new", "color": "#1A73E8" })).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["integration"], json!({ "id": id, "name": "Before", "description": "new" }));
    let answer = env.json(Method::PATCH, &path, json!({ "name": "After", "color": "#abc" })).await;
    assert_eq!(answer.json["integration"]["name"], "After");
    assert_eq!(answer.json["integration"]["description"], "new");
}

#[tokio::test]
async fn update_refuses_empty_bodies_bad_colors_and_long_names() {
    let env = Env::start().await;
    let id = env.integration("X").await;
    let path = format!("/integrations/v1/{id}");
    for body in [
        json!({}),
        json!({ "unknownOnly": true }),
        json!({ "color": "blue" }),
        json!({ "color": "#12345" }),
        json!({ "name": "n".repeat(41) }),
        json!({ "name": null }),
        json!({ "name": " " }),
    ] {
        let answer = env.json(Method::PATCH, &path, body.clone()).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text);
    }
}

#[tokio::test]
async fn malformed_ids_are_400_and_unknown_well_formed_ids_are_404_naming_the_integration() {
    let env = Env::start().await;
    let bad = env.get("/integrations/v1/not-a-uuid").await;
    assert_eq!(bad.status, 400);
    assert!(bad.message().contains("invalid ID format"), "{}", bad.message());
    let unknown = env.get(&format!("/integrations/v1/{UNKNOWN}")).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.message().contains(UNKNOWN), "{}", unknown.message());
    let bad_action = env.delete(&format!("/integrations/v1/{UNKNOWN}/actions/123")).await;
    assert_eq!(bad_action.status, 400);
}

#[tokio::test]
async fn literal_routes_win_and_other_methods_on_them_are_invalid_ids() {
    let env = Env::start().await;
    assert_eq!(env.get("/integrations/v1/get").await.status, 200);
    for (method, path) in [
        (Method::PATCH, "/integrations/v1/get"),
        (Method::DELETE, "/integrations/v1/get"),
        (Method::GET, "/integrations/v1/create"),
        (Method::PUT, "/integrations/v1/create"),
    ] {
        let answer = send(env.req(method.clone(), path).json(&json!({ "name": "x" }))).await;
        assert_eq!(answer.status, 400, "{method} {path}");
        assert!(answer.message().contains("invalid ID format"), "{}", answer.message());
    }
}

#[tokio::test]
async fn unknown_paths_are_404_json_and_wrong_methods_are_405_json() {
    let env = Env::start().await;
    for path in ["/", "/integrations", "/integrations/v1/", "/integrations/v2/get", "/integrations/v1/get/"] {
        let answer = env.get(path).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.headers["content-type"], "application/json");
        assert!(!answer.message().is_empty());
    }
    let answer = env.delete(&format!("/integrations/v1/{UNKNOWN}")).await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.headers["content-type"], "application/json");
    assert!(answer.headers.contains_key("allow"));
}

#[tokio::test]
async fn missing_or_unknown_key_is_401_and_missing_scope_is_403() {
    let config = Config {
        keys: vec![ApiKey::full("full"), ApiKey::new("assistant", [Scope::AssistantApi]), ApiKey::new("none", [])],
        ..Config::default()
    };
    let env = Env::with(config).await;
    let list = env.url("/integrations/v1/get");
    let status = |answer: common::Answer| answer.status;
    assert_eq!(status(send(env.http.get(&list)).await), 401);
    assert_eq!(status(send(env.http.get(&list).bearer_auth("wrong")).await), 401);
    assert_eq!(status(send(env.http.get(&list).header("Authorization", "Basic abc")).await), 401);
    assert_eq!(status(send(env.http.get(&list).bearer_auth("full")).await), 200);
    assert_eq!(status(send(env.http.get(&list).bearer_auth("assistant")).await), 200, "list accepts ASSISTANT_API");
    assert_eq!(status(send(env.http.get(&list).bearer_auth("none")).await), 403);
    let create =
        env.http.post(env.url("/integrations/v1/create")).bearer_auth("assistant").json(&json!({ "name": "x" }));
    assert_eq!(status(send(create).await), 403, "create needs INTEGRATION_API");
}

#[tokio::test]
async fn auth_is_checked_before_the_body() {
    let env = Env::start().await;
    let answer = send(
        env.http.post(env.url("/integrations/v1/create")).header("Content-Type", "application/json").body("{not json"),
    )
    .await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn json_routes_require_a_json_content_type() {
    let env = Env::start().await;
    let answer = send(env.req(Method::POST, "/integrations/v1/create").body(r#"{"name":"x"}"#)).await;
    assert_eq!(answer.status, 415);
    let answer = send(
        env.req(Method::POST, "/integrations/v1/create").header("Content-Type", "text/plain").body(r#"{"name":"x"}"#),
    )
    .await;
    assert_eq!(answer.status, 415);
    let answer = send(
        env.req(Method::POST, "/integrations/v1/create")
            .header("Content-Type", "application/json; charset=utf-8")
            .body(r#"{"name":"x"}"#),
    )
    .await;
    assert_eq!(answer.status, 201);
}

#[tokio::test]
async fn invalid_json_is_400_and_a_body_over_the_limit_is_413() {
    let env = Env::with(Config { max_body_bytes: 4096, ..Config::default() }).await;
    let answer = send(
        env.req(Method::POST, "/integrations/v1/create").header("Content-Type", "application/json").body("{\"name\": "),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(answer.message().contains("invalid JSON"), "{}", answer.message());
    let big = json!({ "name": "x", "description": "y".repeat(10_000) });
    let answer = env.json(Method::POST, "/integrations/v1/create", big).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.headers["content-type"], "application/json");
}

#[tokio::test]
async fn langdock_built_integrations_are_readable_but_every_write_is_403() {
    let env = Env::start().await;
    let full = env.full(SEEDED).await;
    assert!(!full["actions"].as_array().unwrap().is_empty());
    let action = full["actions"][0]["id"].as_str().unwrap().to_owned();
    let base = format!("/integrations/v1/{SEEDED}");
    let writes = [
        (Method::PATCH, base.clone(), json!({ "name": "mine" })),
        (Method::PATCH, format!("{base}/auth"), json!({ "authType": "API_KEY" })),
        (Method::POST, format!("{base}/actions/create"), json!({ "name": "a" })),
        (Method::PUT, format!("{base}/actions/{action}"), json!({ "name": "a" })),
        (Method::POST, format!("{base}/triggers/create"), json!({ "name": "t" })),
        (Method::PUT, format!("{base}/triggers/{UNKNOWN}"), json!({ "name": "t" })),
    ];
    for (method, path, body) in writes {
        let answer = env.json(method.clone(), &path, body).await;
        assert_eq!(answer.status, 403, "{method} {path}: {}", answer.text);
    }
    assert_eq!(env.delete(&format!("{base}/actions/{action}")).await.status, 403);
    assert_eq!(env.delete(&format!("{base}/triggers/{UNKNOWN}")).await.status, 403);
    let icon = send(env.req(Method::PUT, &format!("{base}/icon")).body("x")).await;
    assert_eq!(icon.status, 403);
    assert_eq!(env.full(SEEDED).await, full, "nothing changed");
}

#[tokio::test]
async fn options_is_403_and_no_response_carries_cors_headers() {
    let env = Env::start().await;
    let preflight = send(
        env.http
            .request(Method::OPTIONS, env.url("/integrations/v1/get"))
            .header("Origin", "https://example.com")
            .header("Access-Control-Request-Method", "GET"),
    )
    .await;
    assert_eq!(preflight.status, 403);
    assert_eq!(preflight.message(), "browser-origin requests are blocked");
    let normal = send(env.req(Method::GET, "/integrations/v1/get").header("Origin", "https://example.com")).await;
    assert_eq!(normal.status, 200);
    for answer in [&preflight, &normal] {
        assert!(answer.headers.keys().all(|k| !k.as_str().starts_with("access-control-")), "{:?}", answer.headers);
    }
}

#[tokio::test]
async fn every_response_carries_x_request_id_echoing_the_request() {
    let env = Env::start().await;
    let echoed = send(env.req(Method::GET, "/integrations/v1/get").header("x-request-id", "req-42")).await;
    assert_eq!(echoed.headers["x-request-id"], "req-42");
    let fresh = env.get("/nope").await;
    let id = fresh.headers["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}
