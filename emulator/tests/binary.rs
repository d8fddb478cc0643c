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
