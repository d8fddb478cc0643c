//! Redirects (SDK.md section 1) and the answer size cap, over real HTTP: which redirects the client
//! follows, that the API key never goes to another origin, and that an answer announced too large
//! is refused without being read.

mod common;

use std::time::Duration;

use langdock::{CreateIntegration, ErrorKind};
use langdock_emulator::{Config, Emulator};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_same_origin_307_with_an_absolute_location_keeps_the_post_and_its_body() {
    let h = common::start().await;
    let location = format!("{}/integrations/v1/create", h.emulator.base_url());
    h.inject(json!({"operation": "create_integration", "status": 307, "headers": {"Location": location}}));
    let created = h.client.integrations().create(&CreateIntegration::new("Moved").description("kept")).await.unwrap();
    assert_eq!((created.name.as_str(), created.description.as_deref()), ("Moved", Some("kept")));
    assert_eq!(created.attempts(), 1, "a followed redirect is part of its attempt");
    let creates = h.seen("create_integration");
    assert_eq!(creates.iter().map(|e| e.status).collect::<Vec<_>>(), [Some(307), Some(201)]);
    assert_eq!(creates[1].method, "POST");
    assert_eq!(creates[0].request_id, creates[1].request_id, "one call, one request id");
}

#[tokio::test]
async fn a_redirect_to_another_origin_sends_nothing_there_and_names_the_target() {
    let h = common::start().await;
    let elsewhere = Emulator::start(Config::default()).await.unwrap();
    let port = h.emulator.addr().port();
    // The same server under another name is another origin too: the key is bound to the base URL.
    for target in [
        format!("{}/integrations/v1/get", elsewhere.base_url()),
        format!("http://localhost:{port}/integrations/v1/get"),
    ] {
        h.emulator.clear_journal();
        h.inject(json!({"operation": "list_integrations", "status": 302, "headers": {"Location": target}}));
        let error = h.client.integrations().list().await.unwrap_err();
        assert_eq!((error.kind(), error.status()), (ErrorKind::Api, Some(302)), "{error}");
        assert!(error.message().contains(&target), "names the target: {error}");
        assert!(error.message().contains("the API key was not sent"), "{error}");
        assert_eq!(h.emulator.journal().len(), 1, "not followed");
    }
    assert!(elsewhere.journal().is_empty(), "the other origin received nothing");
}

#[tokio::test]
async fn a_refused_redirect_on_an_integration_create_is_not_maybe_created() {
    let h = common::start().await;
    for (status, location) in
        [(303, "/integrations/v1/create"), (307, "https://api.example.com/integrations/v1/create")]
    {
        h.emulator.clear_journal();
        h.inject(json!({"operation": "create_integration", "status": status, "headers": {"Location": location}}));
        let error = h.client.integrations().create(&CreateIntegration::new("Nowhere")).await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert!(!error.maybe_created(), "a redirect applies nothing: {error}");
        assert!(!error.message().contains("may have been created"), "{error}");
        assert!(error.message().contains("redirected"), "{error}");
        assert_eq!(h.seen("create_integration").len(), 1, "neither followed nor retried");
    }
}

/// The emulator cannot announce more than it sends (hyper refuses a `Content-Length` that disagrees
/// with the body), so this one answer comes from a bare HTTP/1.1 server: headers that announce
/// 100 MiB, one byte of body, then silence with the connection open. A client that read the body
/// would wait for it until its timeout; refusing from the header answers at once.
#[tokio::test]
async fn an_answer_announcing_more_than_64_mib_is_refused_without_reading_its_body() {
    let (base_url, server) = bare_server(|mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 104857600\r\n\r\n{";
        socket.write_all(head.as_bytes()).await.unwrap();
        // Hold the connection until the client drops it.
        let mut buffer = [0u8; 4096];
        while socket.read(&mut buffer).await.is_ok_and(|read| read > 0) {}
    })
    .await;
    let client = langdock::Client::builder()
        .api_key("sk-ld-test")
        .base_url(base_url)
        .no_proxy()
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let error = client.integrations().list().await.unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::Api, Some(200)), "{error}");
    assert!(error.message().contains("64 MiB"), "{error}");
    assert_eq!(error.body(), Some(""), "nothing of the body was kept");
    server.await.unwrap();
}

/// A bare HTTP/1.1 server for one connection: reads the request's head, then leaves the socket to `serve`.
async fn bare_server<F, Fut>(serve: F) -> (String, tokio::task::JoinHandle<()>)
where
    F: FnOnce(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = socket.read(&mut buffer).await.unwrap();
            assert!(read > 0, "the client hung up before its request was complete");
            request.extend_from_slice(&buffer[..read]);
        }
        serve(socket).await;
    });
    (base_url, server)
}

/// Answers with `parts`, written one at a time with a pause between them, so that the body usually arrives in
/// pieces (what the test checks holds either way).
async fn answer_in_parts(parts: Vec<Vec<u8>>) -> (String, tokio::task::JoinHandle<()>) {
    bare_server(|mut socket| async move {
        socket.set_nodelay(true).unwrap();
        for part in parts {
            socket.write_all(&part).await.unwrap();
            socket.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
}

/// A list whose body comes in pieces: with a `Content-Length`, and chunked without one. Both are read whole.
#[tokio::test]
async fn an_answer_in_pieces_is_read_whole_with_or_without_a_length() {
    let body =
        br#"{"integrations":[{"id":"4c0a7e51-1d5b-4b52-9f0e-5a1d00000001","name":"Split","description":"in pieces"}]}"#;
    let (first, second) = body.split_at(40);
    let announced = vec![
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len())
            .into_bytes(),
        first.to_vec(),
        second.to_vec(),
    ];
    let chunk =
        |bytes: &[u8]| [format!("{:x}\r\n", bytes.len()).into_bytes(), bytes.to_vec(), b"\r\n".to_vec()].concat();
    let chunked = vec![
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_vec(),
        chunk(first),
        chunk(second),
        b"0\r\n\r\n".to_vec(),
    ];
    for (framing, parts) in [("content-length", announced), ("chunked", chunked)] {
        let (base_url, server) = answer_in_parts(parts).await;
        let client = langdock::Client::builder()
            .api_key("sk-ld-test")
            .base_url(base_url)
            .no_proxy()
            .max_retries(0)
            .build()
            .unwrap();
        let list = client.integrations().list().await.unwrap_or_else(|e| panic!("{framing}: {e}"));
        let names: Vec<&str> = list.iter().map(|summary| summary.name.as_str()).collect();
        assert_eq!(names, ["Split"], "{framing}");
        server.await.unwrap();
    }
}
