//! Client input never yields a 500 or a crash: nasty bodies on every JSON route, garbage on the socket.

mod common;

use common::{Env, raw, send};
use reqwest::Method;
use serde_json::json;

fn nasty_bodies() -> Vec<String> {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
    vec![
        String::new(),
        " ".into(),
        "null".into(),
        "true".into(),
        "0".into(),
        "-1e999".into(),
        "\"string\"".into(),
        "[]".into(),
        "{}".into(),
        "{".into(),
        "}".into(),
        "{\"name\":}".into(),
        "\u{0}\u{1}\u{2}".into(),
        "{\"name\": \"\\ud800\"}".into(),
        "{\"name\": null, \"description\": null}".into(),
        "{\"name\": [], \"inputFields\": \"x\"}".into(),
        "{\"name\": {}, \"authType\": []}".into(),
        "{\"name\": \"ok\", \"inputFields\": [null, 1, \"x\", []]}".into(),
        "{\"name\": \"ok\", \"inputFields\": [{\"label\": \"x\", \"options\": [null]}]}".into(),
        "{\"name\": \"ok\", \"inputFields\": [{\"label\": \"x\", \"contextActionId\": 12}]}".into(),
        "{\"authType\": \"OAUTH\", \"authFields\": [null], \"oauthClient\": []}".into(),
        "{\"authType\": \"OAUTH\", \"authFields\": {\"slug\": 1}}".into(),
        "{\"name\": 1e400}".into(),
        "{\"name\": \"x\", \"requiresConfirmation\": null, \"code\": 5}".into(),
        "{\"color\": 123, \"iconUrl\": false}".into(),
        "{\"name\":\"a\",\"name\":\"b\"}".into(),
        deep,
        deep_object,
        "\u{feff}{\"name\":\"bom\"}".into(),
        "{\"name\": \"x\u{2028}y\"}".into(),
    ]
}

#[tokio::test]
async fn nasty_bodies_on_every_json_route_never_give_a_server_error() {
    let env = Env::start().await;
    let id = env.integration("Target").await;
    let action = env.action(&id, json!({ "name": "A" })).await["id"].as_str().unwrap().to_owned();
    let trigger = env.trigger(&id, json!({ "name": "T" })).await["id"].as_str().unwrap().to_owned();
    let routes = [
        (Method::POST, "/integrations/v1/create".to_owned()),
        (Method::PATCH, format!("/integrations/v1/{id}")),
        (Method::PATCH, format!("/integrations/v1/{id}/auth")),
        (Method::POST, format!("/integrations/v1/{id}/actions/create")),
        (Method::PUT, format!("/integrations/v1/{id}/actions/{action}")),
        (Method::POST, format!("/integrations/v1/{id}/triggers/create")),
        (Method::PUT, format!("/integrations/v1/{id}/triggers/{trigger}")),
        (Method::PUT, format!("/integrations/v1/{id}/icon")),
    ];
    for (method, path) in &routes {
        for body in nasty_bodies() {
            for content_type in ["application/json", "multipart/form-data; boundary=x", "text/plain"] {
                let answer =
                    send(env.req(method.clone(), path).header("Content-Type", content_type).body(body.clone())).await;
                assert!(
                    answer.status < 500,
                    "{method} {path} [{content_type}] {:?} -> {} {}",
                    body.chars().take(60).collect::<String>(),
                    answer.status,
                    answer.text
                );
                assert_eq!(answer.headers["content-type"], "application/json");
            }
        }
    }
    assert_eq!(env.get("/integrations/v1/get").await.status, 200, "still serving");
}

#[tokio::test]
async fn odd_paths_headers_and_methods_never_give_a_server_error() {
    let env = Env::start().await;
    let paths = [
        "/integrations/v1/%00",
        "/integrations/v1/..%2F..%2Fetc",
        "/integrations/v1/00000000-0000-0000-0000-000000000000/actions/00000000-0000-0000-0000-000000000000",
        "/integrations/v1/{00000000-0000-0000-0000-000000000000}",
        "/integrations/v1/00000000000000000000000000000000",
        "/integrations/v1/get?x=1",
        "/integrations/v1//actions/create",
        "/_emulator/icons/",
        "/_emulator/icons/../../x",
    ];
    for path in paths {
        for method in [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::HEAD] {
            let answer = send(env.req(method.clone(), path)).await;
            assert!(answer.status < 500, "{method} {path} -> {}", answer.status);
        }
    }
    let weird_auth = send(env.http.get(env.url("/integrations/v1/get")).header("Authorization", "Bearer")).await;
    assert_eq!(weird_auth.status, 401);
}

#[tokio::test]
async fn garbage_on_the_socket_does_not_take_the_server_down() {
    let env = Env::start().await;
    for garbage in [
        &b"\x00\x01\x02\x03"[..],
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST /integrations/v1/create HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"POST /integrations/v1/create HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n",
        b"GET /integrations/v1/get HTTP/1.1\r\nHost: x\r\nx-request-id: \xff\xfe\r\n\r\n",
    ] {
        let _ = raw(env.emu.addr(), garbage).await;
    }
    assert_eq!(env.get("/integrations/v1/get").await.status, 200);
}
