//! Faults, chaos and the rate limit from the binary's flags, each checked over HTTP against the running binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::send;
use langdock_emulator::DEFAULT_API_KEY;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_langdock-emulator");

/// The binary, serving; killed when dropped.
struct Running {
    child: Child,
    base_url: String,
    http: reqwest::Client,
}

impl Running {
    /// Starts the binary with `args` and waits for its start line.
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(BIN).args(args).stdout(Stdio::piped()).spawn().expect("binary runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("start line");
        let base_url = line.trim().strip_prefix("langdock-emulator listening on ").expect("start line").to_owned();
        Running { child, base_url, http: reqwest::Client::builder().no_proxy().build().unwrap() }
    }

    async fn list(&self) -> Result<u16, reqwest::Error> {
        let url = format!("{}/integrations/v1/get", self.base_url);
        Ok(self.http.get(url).bearer_auth(DEFAULT_API_KEY).send().await?.status().as_u16())
    }

    async fn control(&self, path: &str) -> Value {
        send(self.http.get(format!("{}/_emulator/{path}", self.base_url))).await.json
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn fault_flags_are_queued_in_the_given_order_like_posted_faults() {
    let emu = Running::start(&[
        "--fault",
        r#"{"operation": "list_integrations", "status": 503, "headers": {"Retry-After": "1"}}"#,
        "--fault",
        r#"{"operation": "*", "status": 502}"#,
    ]);
    let queued = emu.control("faults").await;
    assert_eq!(queued["faults"].as_array().map(Vec::len), Some(2), "{queued}");
    assert_eq!(emu.list().await.unwrap(), 503);
    assert_eq!(emu.list().await.unwrap(), 502);
    assert_eq!(emu.list().await.unwrap(), 200, "each fault applied once");
    let journal = emu.control("journal").await;
    let faults: Vec<&Value> = journal["requests"].as_array().unwrap().iter().map(|r| &r["fault"]).collect();
    assert_eq!(faults, [&Value::from("status"), &Value::from("status"), &Value::Null]);
}

#[tokio::test]
async fn a_chaos_flag_faults_that_share_of_api_requests() {
    let only_503 = Running::start(&["--chaos", r#"{"rate": 1, "statuses": [503]}"#]);
    for _ in 0..5 {
        assert_eq!(only_503.list().await.unwrap(), 503);
    }
    drop(only_503);

    let every_kind = Running::start(&["--chaos", "1", "--no-seed"]);
    for _ in 0..8 {
        // Some kinds drop the connection or cut the answer: only the journal tells what happened.
        let _ = every_kind.list().await;
    }
    let journal = every_kind.control("journal").await;
    let requests = journal["requests"].as_array().unwrap();
    assert!(requests.len() >= 8, "{journal}");
    assert!(requests.iter().all(|r| !r["fault"].is_null()), "rate 1 faults every request: {journal}");

    let off = Running::start(&["--chaos", "0"]);
    assert_eq!(off.list().await.unwrap(), 200);
}

#[tokio::test]
async fn rate_limit_without_a_number_is_500_per_minute_and_a_number_still_works() {
    let default = Running::start(&["--rate-limit"]);
    assert_eq!(default.control("rate-limit").await["perMinute"], 500);
    let given = Running::start(&["--rate-limit", "7", "--no-seed"]);
    assert_eq!(given.control("rate-limit").await["perMinute"], 7);
    let none = Running::start(&[]);
    assert_eq!(none.control("rate-limit").await["perMinute"], Value::Null);
    // A trailing command right after the bare flag is not taken for its value.
    let around = Command::new(BIN).args(["--rate-limit", "--", "sh", "-c", "exit 3"]).output().unwrap();
    assert_eq!(around.status.code(), Some(3), "{}", String::from_utf8_lossy(&around.stderr));
}

#[test]
fn bad_fault_chaos_and_rate_limit_values_exit_2_and_say_what_is_wrong() {
    let cases: [(&[&str], &str); 6] = [
        (&["--fault", "{not json"], "--fault"),
        (&["--fault", r#"{"operation": "launch_rockets"}"#], "launch_rockets"),
        (&["--fault", r#"{"operation": "*", "status": 1000}"#], "not an HTTP status"),
        (&["--chaos", "1.5"], "between 0 and 1"),
        (&["--chaos", "sometimes"], "--chaos"),
        (&["--rate-limit", "lots"], "--rate-limit"),
    ];
    for (args, expected) in cases {
        // A trailing command that would succeed: only a refused flag makes the exit code 2.
        let output = Command::new(BIN).args(args).args(["--", "true"]).output().expect("binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?} should mention {expected:?}: {stderr}");
    }
}
