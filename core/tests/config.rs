//! Configuration, redaction and logging.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use langdock::{Client, CreateIntegration, ErrorKind};
use serde_json::json;

#[test]
fn insecure_and_invalid_base_urls_are_configuration_errors() {
    for (url, hint) in [
        ("http://api.example.com", "clear text"),
        ("ftp://api.example.com", "scheme"),
        ("not a url", "invalid base URL"),
    ] {
        let error = Client::builder().api_key("sk-ld-k").base_url(url).build().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration, "{url}");
        assert!(error.message().contains(hint), "{error}");
    }
    assert!(
        Client::builder().api_key("sk-ld-k").base_url("http://example.com").allow_insecure_http(true).build().is_ok()
    );
}

#[test]
fn a_dedicated_deployment_gets_the_public_api_path() {
    let client =
        Client::builder().api_key("sk-ld-k").deployment_url("https://langdock.acme.internal/").build().unwrap();
    assert_eq!(client.base_url().as_str(), "https://langdock.acme.internal/api/public");
}

#[test]
fn an_unreadable_or_invalid_ca_bundle_is_a_configuration_error() {
    let error = Client::builder().api_key("sk-ld-k").ca_bundle("/nonexistent/ca.pem").build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert!(error.message().contains("/nonexistent/ca.pem"));
    let error = Client::builder()
        .api_key("sk-ld-k")
        .add_ca_pem(b"-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n".to_vec())
        .build();
    assert_eq!(error.unwrap_err().kind(), ErrorKind::Configuration);
}

#[test]
fn a_bad_proxy_url_is_a_configuration_error() {
    let error = Client::builder().api_key("sk-ld-k").proxy("::not a url").build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_key_appears_in_no_log_event_debug_output_or_error() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let h = common::start().await;
    let secret = "sk-ld-this-must-never-leak";
    h.emulator.add_key(langdock_emulator::ApiKey::full(secret));
    let client = common::builder(&h.emulator).api_key(secret).build().unwrap();
    h.inject(json!({"operation": "create_integration", "status": 500}));
    let error = client.integrations().create(&CreateIntegration::new("x")).await.unwrap_err();
    h.inject(json!({"operation": "list_integrations", "status": 503}));
    client.integrations().list().await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "retry waits are logged: {logs}");
    assert!(logs.contains("attempt"), "attempts are logged");
    for shown in [logs, format!("{client:?}"), format!("{error:?}"), error.to_string()] {
        assert!(!shown.contains("this-must-never-leak"), "leaked in: {shown}");
    }
}

#[tokio::test]
async fn requests_go_through_the_configured_proxy() {
    // The emulator serves absolute-form requests too, so it can stand in for a forward proxy: the
    // base URL's host does not even resolve, so only the proxy can have answered.
    let h = common::start().await;
    let client = Client::builder()
        .api_key(langdock_emulator::DEFAULT_API_KEY)
        .base_url("http://api.langdock.invalid")
        .allow_insecure_http(true)
        .proxy(h.emulator.base_url())
        .build()
        .unwrap();
    let list = client.integrations().list().await.expect("answered through the proxy");
    assert!(!list.is_empty());
    assert_eq!(h.seen("list_integrations").len(), 1);
}
