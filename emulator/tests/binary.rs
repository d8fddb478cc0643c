//! The `langdock-emulator` binary: the start line and the trailing-command mode.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_langdock-emulator");

#[test]
fn trailing_command_sees_base_url_and_key_and_its_exit_code_is_ours() {
    let output = Command::new(BIN)
        .args(["--key", "sk-ld-test:INTEGRATION_API", "--", "sh", "-c"])
        .arg(r#"case "$LANGDOCK_BASE_URL" in http://127.0.0.1:*) ;; *) exit 90;; esac; [ "$LANGDOCK_API_KEY" = sk-ld-test ] || exit 91; exit 7"#)
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(7), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    // Around a command, stdout is the command's alone; the start line goes to stderr.
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.lines().any(|l| l.starts_with("langdock-emulator listening on http://127.0.0.1:")), "{stderr}");
}

#[test]
fn state_file_exists_while_the_command_runs_and_after_exit() {
    let state = std::env::temp_dir().join(format!("langdock-emulator-bin-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&state);
    // The command checks that the state file already exists (non-empty) while the emulator runs.
    let output = Command::new(BIN)
        .arg("--state")
        .arg(&state)
        .args(["--no-seed", "--", "sh", "-c", r#"test -s "$0""#])
        .arg(&state)
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&state).expect("state file written");
    assert!(text.contains("\"integrations\": []"), "{text}");
    let _ = std::fs::remove_file(&state);
}

#[test]
fn a_missing_command_exits_127_and_bad_flags_exit_non_zero() {
    let missing = Command::new(BIN).args(["--", "/nonexistent/command"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(127));
    let bad = Command::new(BIN).args(["--key", "k:NOPE", "--", "true"]).output().unwrap();
    assert_ne!(bad.status.code(), Some(0));
    let host = Command::new(BIN).args(["--host", "not a host", "--", "true"]).output().unwrap();
    assert_eq!(host.status.code(), Some(2));
}

#[test]
fn without_a_command_it_serves_until_sigterm_then_exits_cleanly() {
    use std::io::{BufRead, BufReader};
    let mut child =
        Command::new(BIN).args(["--port", "0"]).stdout(std::process::Stdio::piped()).spawn().expect("binary runs");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("start line");
    assert!(line.starts_with("langdock-emulator listening on http://127.0.0.1:"), "{line}");
    let addr = line.trim().trim_start_matches("langdock-emulator listening on http://").to_owned();
    assert!(std::net::TcpStream::connect(&addr).is_ok(), "listening on {addr}");
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill runs");
    assert!(killed.success());
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn ca_out_is_written_before_the_start_line_and_the_server_speaks_https() {
    use std::io::{BufRead, BufReader};
    let ca = std::env::temp_dir().join(format!("langdock-emulator-ca-out-{}.pem", std::process::id()));
    let _ = std::fs::remove_file(&ca);
    let mut child =
        Command::new(BIN).arg("--ca-out").arg(&ca).stdout(std::process::Stdio::piped()).spawn().expect("binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("start line");
    // Read right after the line: it must already be complete.
    let pem = std::fs::read_to_string(&ca).unwrap_or_default();
    let base_url = line.trim().trim_start_matches("langdock-emulator listening on ").to_owned();
    let answer = std::thread::spawn({
        let (pem, base_url) = (pem.clone(), base_url.clone());
        move || -> Result<u16, String> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| e.to_string())?;
                let http = reqwest::Client::builder().no_proxy().tls_certs_only([cert]).build().unwrap();
                let response = http
                    .get(format!("{base_url}/integrations/v1/get"))
                    .bearer_auth(langdock_emulator::DEFAULT_API_KEY)
                    .send()
                    .await
                    .map_err(|e| format!("{e:?}"))?;
                Ok(response.status().as_u16())
            })
        }
    })
    .join()
    .unwrap();
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let status = child.wait().expect("exits");
    let _ = std::fs::remove_file(&ca);
    assert!(line.starts_with("langdock-emulator listening on https://127.0.0.1:"), "{line}");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem:?}");
    assert_eq!(answer, Ok(200));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn with_tls_the_trailing_command_gets_a_ca_bundle_that_is_removed_afterwards() {
    let output = Command::new(BIN)
        .args(["--tls", "--", "sh", "-c"])
        .arg(r#"case "$LANGDOCK_BASE_URL" in https://127.0.0.1:*) ;; *) exit 90;; esac; grep -q "BEGIN CERTIFICATE" "$LANGDOCK_CA_BUNDLE" || exit 91; printf %s "$LANGDOCK_CA_BUNDLE""#)
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let bundle = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(!bundle.is_empty());
    assert!(!std::path::Path::new(&bundle).exists(), "the temporary CA file {bundle} is removed");

    let plain = Command::new(BIN)
        .env_remove("LANGDOCK_CA_BUNDLE")
        .args(["--", "sh", "-c", r#"test -z "$LANGDOCK_CA_BUNDLE""#])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(0), "no CA bundle without --tls");
}

#[test]
fn with_ca_out_the_trailing_command_gets_that_file_and_it_stays() {
    let ca = std::env::temp_dir().join(format!("langdock-emulator-ca-cmd-{}.pem", std::process::id()));
    let output = Command::new(BIN)
        .arg("--ca-out")
        .arg(&ca)
        .args(["--", "sh", "-c", r#"[ "$LANGDOCK_CA_BUNDLE" = "$0" ]"#])
        .arg(&ca)
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(std::fs::read_to_string(&ca).unwrap().contains("BEGIN CERTIFICATE"));
    let _ = std::fs::remove_file(&ca);
}
