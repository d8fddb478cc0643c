//! Real TLS against the emulator's HTTPS mode (a CA generated for each run): a client trusts the emulator when
//! given its CA (`add_ca_pem`, `ca_bundle`, `LANGDOCK_CA_BUNDLE`), and without it the call fails at once with a
//! connection error that says the certificate is not trusted and what to do. The bundled webpki roots are
//! checked by a client that runs with an empty system store.
//!
//! The tests that need environment variables run this test binary again as a child process (an `#[ignore]`d
//! test picked with `--exact`), so that no test changes the environment of the others.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;

use langdock::{Client, CreateIntegration, ErrorKind};
use langdock_emulator::{Config, DEFAULT_API_KEY, Emulator};

/// Set in a child process to the emulator's base URL; its absence means "not a child".
const CHILD_BASE_URL: &str = "LANGDOCK_TLS_TEST_BASE_URL";

async fn https_emulator() -> Emulator {
    Emulator::start(Config { tls: true, ..Config::default() }).await.expect("emulator starts")
}

fn ca_pem(emulator: &Emulator) -> String {
    emulator.ca_pem().expect("a CA in TLS mode")
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("langdock-tls-{what}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the ignored test `name` of this binary in a child process with `vars` (and none of the caller's
/// langdock, proxy or CA variables), and asserts that it passed.
fn run_child(name: &str, vars: &[(&str, &std::ffi::OsStr)]) {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command.args(["--exact", name, "--ignored", "--nocapture", "--test-threads=1"]);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        let upper = key.to_ascii_uppercase();
        if upper.starts_with("LANGDOCK_") || upper.ends_with("_PROXY") || upper.starts_with("SSL_CERT_") {
            command.env_remove(&key);
        }
    }
    command.envs(vars.iter().copied());
    let output = command.output().expect("the child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_client_given_the_ca_as_pem_calls_the_https_emulator() {
    let emulator = https_emulator().await;
    assert!(emulator.base_url().starts_with("https://"), "{}", emulator.base_url());
    let client = common::builder(&emulator).add_ca_pem(ca_pem(&emulator)).build().expect("client builds");
    assert_eq!(client.integrations().list().await.expect("list over TLS").len(), 2);
    let created = client.integrations().create(&CreateIntegration::new("Over TLS")).await.expect("create");
    assert_eq!(client.integrations().get(&created.id).await.expect("get").name, "Over TLS");
}

#[tokio::test]
async fn a_client_given_a_ca_bundle_file_calls_the_https_emulator() {
    let emulator = https_emulator().await;
    let dir = temp_dir("bundle");
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, ca_pem(&emulator)).unwrap();
    let client = common::builder(&emulator).ca_bundle(&bundle).build().expect("client builds");
    assert_eq!(client.integrations().list().await.expect("list over TLS").len(), 2);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn the_ca_bundle_variable_makes_the_https_emulator_trusted() {
    let emulator = https_emulator().await;
    let dir = temp_dir("env");
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, ca_pem(&emulator)).unwrap();
    let base_url = emulator.base_url();
    // The child blocks on the call; the emulator runs on this test's runtime, so wait off it.
    tokio::task::spawn_blocking(move || {
        run_child(
            "child_calls_with_only_the_environment",
            &[
                (CHILD_BASE_URL, base_url.as_ref()),
                ("LANGDOCK_BASE_URL", base_url.as_ref()),
                ("LANGDOCK_API_KEY", DEFAULT_API_KEY.as_ref()),
                ("LANGDOCK_CA_BUNDLE", bundle.as_os_str()),
            ],
        )
    })
    .await
    .unwrap();
    std::fs::remove_dir_all(dir).ok();
}

/// The child of `the_ca_bundle_variable_makes_the_https_emulator_trusted`: a client from the environment alone.
#[tokio::test]
#[ignore = "runs as a child process of the_ca_bundle_variable_makes_the_https_emulator_trusted"]
async fn child_calls_with_only_the_environment() {
    assert!(std::env::var_os(CHILD_BASE_URL).is_some(), "run by its parent test only");
    let client = Client::from_env().expect("LANGDOCK_API_KEY, LANGDOCK_BASE_URL and LANGDOCK_CA_BUNDLE suffice");
    assert_eq!(client.integrations().list().await.expect("list over TLS").len(), 2);
}

#[tokio::test]
async fn without_the_ca_a_call_fails_at_once_saying_the_certificate_is_not_trusted() {
    let emulator = https_emulator().await;
    let client = common::builder(&emulator).max_retries(3).build().expect("client builds");
    let error = client.integrations().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error:?}");
    assert_eq!(error.kind().class_name(), "APIConnectionError");
    let message = error.to_string();
    assert!(message.contains("the server's certificate is not trusted"), "{message}");
    assert!(message.contains("LANGDOCK_CA_BUNDLE") && message.contains("ca_pem"), "what to do: {message}");
    assert_eq!(error.attempts(), 1, "the same certificate would be refused again: no retries");
    assert!(error.untrusted_certificate(), "a caller can tell this failure apart without reading the message");
    assert!(emulator.journal().is_empty(), "nothing got past the handshake");

    // A create fails the same way and is known not to have happened.
    let error = client.integrations().create(&CreateIntegration::new("Never sent")).await.unwrap_err();
    assert_eq!((error.kind(), error.attempts(), error.maybe_created()), (ErrorKind::Connection, 1, false));
    assert!(!error.to_string().contains("may have been created"), "{error}");
}

#[tokio::test]
async fn a_certificate_for_another_host_is_not_trusted_and_the_message_says_so() {
    // The emulator's certificate names 127.0.0.1, localhost and ::1; 127.0.0.2 is loopback too, but not named.
    let addr = SocketAddr::from((Ipv4Addr::new(127, 0, 0, 2), 0));
    let emulator = Emulator::start_on(Config { tls: true, ..Config::default() }, addr).await.expect("starts");
    assert!(emulator.base_url().starts_with("https://127.0.0.2:"), "{}", emulator.base_url());
    let client = common::builder(&emulator).add_ca_pem(ca_pem(&emulator)).build().unwrap();
    let error = client.integrations().list().await.unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::Connection, 1), "{error:?}");
    assert!(error.to_string().contains("not trusted"), "{error}");
    assert!(error.to_string().contains("another host name"), "{error}");
}

#[tokio::test]
async fn with_an_empty_system_store_the_bundled_roots_still_make_a_working_client() {
    let emulator = https_emulator().await;
    let dir = temp_dir("no-system-roots");
    let empty_file = dir.join("empty.pem");
    std::fs::write(&empty_file, "").unwrap();
    let base_url = emulator.base_url();
    tokio::task::spawn_blocking(move || {
        run_child(
            "child_builds_a_client_without_system_roots",
            &[
                (CHILD_BASE_URL, base_url.as_ref()),
                // rustls-native-certs reads only these when they are set: the system store looks empty.
                ("SSL_CERT_FILE", empty_file.as_os_str()),
                ("SSL_CERT_DIR", dir.as_os_str()),
            ],
        )
    })
    .await
    .unwrap();
}

/// The child of `with_an_empty_system_store_the_bundled_roots_still_make_a_working_client`. Without bundled
/// roots, building the client fails ("No CA certificates were loaded from the system"); with them it builds,
/// and the emulator's CA, in no store, is refused as untrusted.
#[tokio::test]
#[ignore = "runs as a child process of with_an_empty_system_store_the_bundled_roots_still_make_a_working_client"]
async fn child_builds_a_client_without_system_roots() {
    let base_url = std::env::var(CHILD_BASE_URL).expect("run by its parent test only");
    let client = Client::builder()
        .api_key(DEFAULT_API_KEY)
        .base_url(base_url)
        .no_proxy()
        .build()
        .expect("the bundled roots stand in for the empty system store");
    let error = client.integrations().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error:?}");
    assert!(error.to_string().contains("not trusted"), "{error}");
}
