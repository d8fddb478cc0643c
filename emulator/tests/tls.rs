//! The HTTPS mode: a client that trusts this run's CA gets the whole API (faults, journal and control API
//! included); a client that does not is refused during the handshake.

mod common;

use std::sync::Arc;

use common::{Env, send};
use langdock_emulator::{Config, DEFAULT_API_KEY, DropPoint, Emulator, Fault, Operation};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// An HTTPS emulator and a client that trusts only its CA.
async fn tls_env() -> Env {
    let emu = Emulator::start(Config { tls: true, ..Config::default() }).await.expect("emulator starts");
    let ca = emu.ca_pem().expect("a CA in TLS mode");
    let cert = reqwest::Certificate::from_pem(ca.as_bytes()).expect("CA PEM parses");
    let http = reqwest::Client::builder().no_proxy().tls_certs_only([cert]).build().expect("client");
    Env { emu, http }
}

/// A raw rustls client trusting `roots` (none: trusts nothing).
fn connector(roots: &[CertificateDer<'static>]) -> TlsConnector {
    let mut store = RootCertStore::empty();
    for root in roots {
        store.add(root.clone()).expect("root is a certificate");
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(store)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn an_https_emulator_serves_the_api_to_a_client_that_trusts_its_ca() {
    let env = tls_env().await;
    assert!(env.emu.base_url().starts_with("https://127.0.0.1:"), "{}", env.emu.base_url());
    let list = env.get("/integrations/v1/get").await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.json["integrations"].as_array().unwrap().len(), 2);
    let id = env.integration("Over TLS").await;
    assert_eq!(env.full(&id).await["name"], "Over TLS");
    // The certificate also names `localhost`.
    let port = env.emu.addr().port();
    let by_name = env
        .http
        .get(format!("https://localhost:{port}/integrations/v1/{id}"))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .expect("localhost is a name of the certificate");
    assert_eq!(by_name.status(), 200);
}

#[tokio::test]
async fn a_plain_emulator_has_no_ca_and_an_http_url() {
    let emu = Emulator::start(Config::default()).await.unwrap();
    assert_eq!(emu.ca_pem(), None);
    assert!(emu.base_url().starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_is_refused_and_nothing_is_served() {
    let env = tls_env().await;
    // System roots (and no custom CA): the emulator's CA is in none of them.
    let untrusting = reqwest::Client::builder().no_proxy().build().unwrap();
    let err = untrusting
        .get(env.url("/integrations/v1/get"))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .expect_err("an untrusted certificate is refused");
    let chain = format!("{:?}", anyhow_chain(&err));
    assert!(err.is_connect(), "{chain}");
    assert!(chain.to_lowercase().contains("certificate"), "{chain}");
    assert!(env.emu.journal().is_empty(), "no request got through");
}

#[tokio::test]
async fn the_certificate_chains_to_the_ca_for_every_loopback_name_and_to_nothing_else() {
    let env = tls_env().await;
    let ca = CertificateDer::from_pem_slice(env.emu.ca_pem().unwrap().as_bytes()).expect("one certificate");
    for name in ["127.0.0.1", "localhost", "::1"] {
        let stream = TcpStream::connect(env.emu.addr()).await.unwrap();
        let server_name = ServerName::try_from(name).unwrap().to_owned();
        let mut tls = connector(std::slice::from_ref(&ca)).connect(server_name, stream).await.expect(name);
        tls.write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
        let mut answer = Vec::new();
        // The emulator closes after answering; a missing close_notify is not our concern here.
        let _ = tls.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{name}: {answer}");
    }
    let stream = TcpStream::connect(env.emu.addr()).await.unwrap();
    let other = ServerName::try_from("example.com").unwrap();
    let err = connector(&[ca]).connect(other, stream).await.expect_err("not a name of the certificate");
    assert!(err.to_string().contains("not valid for name"), "{err}");
    let stream = TcpStream::connect(env.emu.addr()).await.unwrap();
    let localhost = ServerName::try_from("localhost").unwrap();
    let err = connector(&[]).connect(localhost, stream).await.expect_err("trusting nothing");
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
}

#[tokio::test]
async fn faults_journal_and_the_control_api_work_the_same_over_https() {
    let env = tls_env().await;
    let queued = send(
        env.http.post(env.url("/_emulator/faults")).json(&json!({ "operation": "create_integration", "status": 503 })),
    )
    .await;
    assert_eq!(queued.status, 200, "{}", queued.text);
    let failed = env.json(Method::POST, "/integrations/v1/create", json!({ "name": "X" })).await;
    assert_eq!(failed.status, 503);
    assert_eq!(failed.message(), "injected fault");

    env.emu.inject(Fault::new(Operation::ListIntegrations).drop_connection(DropPoint::BeforeBody));
    let dropped = env.req(Method::GET, "/integrations/v1/get").send().await;
    assert!(dropped.is_err(), "the connection is dropped unanswered");

    let journal = send(env.http.get(env.url("/_emulator/journal"))).await;
    let requests = journal.json["requests"].as_array().expect("journal").clone();
    assert_eq!(requests.len(), 2, "{}", journal.text);
    assert_eq!(requests[0]["status"], 503);
    assert_eq!(requests[1]["fault"], "drop_before_body");

    // An uploaded icon is served from the HTTPS origin.
    let id = env.integration("Icon").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake".to_vec();
    let form = Form::new().part("icon", Part::bytes(png.clone()).file_name("i.png").mime_str("image/png").unwrap());
    let put = send(env.req(Method::PUT, &format!("/integrations/v1/{id}/icon")).multipart(form)).await;
    let url = put.json["iconUrl"].as_str().expect("iconUrl").to_owned();
    assert!(url.starts_with(&format!("{}/_emulator/icons/", env.emu.base_url())), "{url}");
    let served = env.http.get(&url).send().await.unwrap();
    assert_eq!(served.bytes().await.unwrap().as_ref(), png.as_slice());
}

/// The error and its sources, as one string to search.
fn anyhow_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(e) = source {
        parts.push(e.to_string());
        source = e.source();
    }
    parts.join(": ")
}
