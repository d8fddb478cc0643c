//! The `langdock` binary against an in-process emulator: every command, table and JSON output,
//! errors and exit codes, and integrations as code (export, plan, apply, prune, interrupted apply).

use std::path::Path;
use std::process::Output;

use langdock_emulator::{Config, DEFAULT_API_KEY, Emulator, Fault};
use serde_json::{Value, json};

struct Cli {
    emulator: Emulator,
}

impl Cli {
    async fn start() -> Cli {
        Cli { emulator: Emulator::start(Config::default()).await.expect("emulator") }
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[]).await
    }

    async fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_langdock"));
        command
            .args(args)
            .env("LANGDOCK_BASE_URL", self.emulator.base_url())
            .env("LANGDOCK_API_KEY", DEFAULT_API_KEY)
            .env("LANGDOCK_MAX_RETRIES", "2")
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY");
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().await.expect("the binary runs")
    }

    /// Runs a command that must succeed, returning its stdout.
    async fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args).await;
        assert!(output.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs a `--json` command that must succeed, returning its JSON.
    async fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all).await).expect("JSON output")
    }

    fn inject(&self, fault: Value) {
        self.emulator.inject(serde_json::from_value::<Fault>(fault).unwrap());
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn every_endpoint_has_a_command_with_table_and_json_output() {
    let cli = Cli::start().await;
    let table = cli.ok(&["integrations", "list"]).await;
    assert!(table.starts_with("ID"), "a table with headers: {table}");
    assert!(table.contains("langdock"), "{table}");

    let created = cli.json(&["integrations", "create", "--name", "Weather", "--description", "Forecasts"]).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "Weather");
    let human = cli.ok(&["integrations", "create", "--name", "Other"]).await;
    assert!(human.starts_with("created integration Other ("), "{human}");

    let updated = cli.json(&["integrations", "update", &id, "--description", "New", "--color", "#1A73E8"]).await;
    assert_eq!(updated["description"], "New");
    let auth = cli
        .json(&["integrations", "auth", &id, "--type", "api_key", "--field", "apiKey:API key:PASSWORD:required"])
        .await;
    assert_eq!(auth["authType"], "API_KEY");
    assert_eq!(auth["authFields"][0]["slug"], "apiKey");

    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("icon.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let icon = cli.json(&["integrations", "icon", &id, "--set", png.to_str().unwrap()]).await;
    assert!(icon["iconUrl"].as_str().unwrap().starts_with("http"));
    assert_eq!(cli.json(&["integrations", "icon", &id]).await, icon);

    let code = dir.path().join("forecast.js");
    std::fs::write(&code, "return 1;").unwrap();
    let action = cli
        .json(&[
            "actions",
            "create",
            &id,
            "--name",
            "Forecast",
            "--code-file",
            code.to_str().unwrap(),
            "--input",
            "City:TEXT:required",
        ])
        .await;
    assert_eq!(action["code"], "return 1;");
    assert_eq!(action["inputFields"][0]["slug"], "city", "{action}");
    let action_id = action["id"].as_str().unwrap().to_owned();
    let replaced = cli.json(&["actions", "update", &id, &action_id, "--name", "Forecast 2", "--no-confirmation"]).await;
    assert_eq!(replaced["requiresConfirmation"], false);

    let body = dir.path().join("trigger.yaml");
    std::fs::write(&body, "name: Storm\ndescription: Warns\npolling_code: return [];\n").unwrap();
    let trigger = cli.json(&["triggers", "create", &id, "--file", body.to_str().unwrap()]).await;
    assert_eq!(trigger["name"], "Storm");
    let trigger_id = trigger["id"].as_str().unwrap().to_owned();
    let trigger = cli.json(&["triggers", "update", &id, &trigger_id, "--name", "Storm 2"]).await;
    assert_eq!(trigger["name"], "Storm 2");

    let shown = cli.ok(&["integrations", "get", &id]).await;
    assert!(shown.contains("Forecast 2") && shown.contains("Storm 2") && shown.contains("API_KEY"), "{shown}");
    let deleted = cli.ok(&["actions", "delete", &id, &action_id]).await;
    assert!(deleted.starts_with("Action deleted"), "{deleted}");
    assert_eq!(cli.json(&["triggers", "delete", &id, &trigger_id]).await["message"], "Trigger deleted");
}

#[tokio::test]
async fn errors_are_one_line_with_a_hint_and_details_under_it_without_json() {
    let cli = Cli::start().await;
    let missing = uuid_v4();
    let output = cli.run(&["integrations", "get", &missing]).await;
    assert_eq!(output.status.code(), Some(6));
    let text = stderr(&output);
    assert!(text.starts_with("error: 404 Not Found"), "{text}");
    assert!(text.contains("hint: check the id"), "{text}");
    assert!(output.stdout.is_empty());

    let output =
        cli.run(&["integrations", "create", "--name", &"x".repeat(41), "--description", &"d".repeat(91)]).await;
    assert_eq!(output.status.code(), Some(4));
    let text = stderr(&output);
    assert!(
        text.contains("  name: must be at most 40") && text.contains("  description: must be at most 90"),
        "{text}"
    );

    let output = cli.run_with(&["integrations", "list"], &[("LANGDOCK_API_KEY", "sk-ld-wrong")]).await;
    assert!(stderr(&output).contains("hint: check the API key"), "{}", stderr(&output));

    cli.inject(json!({"operation": "create_integration", "status": 500}));
    let output = cli.run(&["integrations", "create", "--name", "Maybe"]).await;
    assert!(stderr(&output).contains("integrations list"), "{}", stderr(&output));
}

/// The one JSON object a `--json` failure prints: stderr is exactly one line of JSON, stdout is empty,
/// and the object's `exit_code` is the process's.
fn json_error(output: &Output) -> Value {
    let text = stderr(output);
    assert_eq!(text.lines().count(), 1, "one line on stderr: {text}");
    assert!(output.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&output.stdout));
    let error: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    assert_eq!(error["exit_code"], json!(output.status.code().unwrap()), "{error}");
    error
}

#[tokio::test]
async fn with_json_a_404_is_one_json_object_on_stderr_with_exit_code_6() {
    let cli = Cli::start().await;
    let output = cli.run(&["--json", "integrations", "get", &uuid_v4()]).await;
    assert_eq!(output.status.code(), Some(6));
    let error = json_error(&output);
    assert_eq!(error["kind"], "NotFoundError");
    assert_eq!(error["status"], 404);
    assert_eq!(error["attempts"], 1);
    assert_eq!(error["maybe_created"], false);
    assert_eq!(error["retry_after"], Value::Null);
    assert_eq!(error["violations"], json!([]));
    assert!(error["message"].as_str().unwrap().starts_with("404 Not Found"), "{error}");
    assert!(error["hint"].as_str().unwrap().starts_with("check the id"), "{error}");
    let sent = cli.emulator.journal().into_iter().find(|e| e.method == "GET").expect("the request");
    assert_eq!(error["request_id"].as_str(), sent.request_id.as_deref(), "the id of the request the emulator saw");
}

#[tokio::test]
async fn with_json_a_validation_error_lists_its_violations_and_sends_nothing() {
    let cli = Cli::start().await;
    let output = cli
        .run(&["--json", "integrations", "create", "--name", &"x".repeat(41), "--description", &"d".repeat(91)])
        .await;
    assert_eq!(output.status.code(), Some(4));
    let error = json_error(&output);
    assert_eq!(error["kind"], "ValidationError");
    assert_eq!((error["status"].clone(), error["attempts"].clone()), (Value::Null, json!(0)));
    let violations = error["violations"].as_array().unwrap();
    let paths: Vec<&str> = violations.iter().map(|v| v["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["name", "description"], "{error}");
    assert!(violations[0]["message"].as_str().unwrap().starts_with("must be at most 40"), "{error}");
    assert!(cli.emulator.journal().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn with_json_a_429_asking_for_more_than_the_cap_gives_retry_after_and_exit_code_8() {
    let cli = Cli::start().await;
    // The client waits at most 60 s for a Retry-After, so a 120 s one fails at once.
    cli.inject(json!({"operation": "list_integrations", "status": 429, "headers": {"Retry-After": "120"}}));
    let output = cli.run(&["--json", "integrations", "list"]).await;
    assert_eq!(output.status.code(), Some(8));
    let error = json_error(&output);
    assert_eq!(error["kind"], "RateLimitError");
    assert_eq!(error["status"], 429);
    assert_eq!(error["retry_after"], 120.0);
    assert_eq!(error["attempts"], 1);
    assert!(error["hint"].as_str().unwrap().contains("try again in 120 s"), "{error}");
}

#[tokio::test]
async fn with_json_an_integration_create_that_may_have_happened_says_maybe_created_with_exit_code_11() {
    let cli = Cli::start().await;
    cli.inject(json!({"operation": "create_integration", "status": 500, "apply": true}));
    let output = cli.run(&["--json", "integrations", "create", "--name", "Maybe"]).await;
    assert_eq!(output.status.code(), Some(11));
    let error = json_error(&output);
    assert_eq!(error["kind"], "InternalServerError");
    assert_eq!(error["status"], 500);
    assert_eq!(error["maybe_created"], true);
    assert_eq!(error["attempts"], 1, "an integration create is not retried");
    assert!(error["hint"].as_str().unwrap().contains("langdock integrations list"), "{error}");
    let list = cli.json(&["integrations", "list"]).await;
    assert!(list.as_array().unwrap().iter().any(|i| i["name"] == "Maybe"), "it was created: {list}");
}

#[tokio::test]
async fn each_kind_of_failure_has_its_own_exit_code_and_json_kind() {
    let cli = Cli::start().await;
    let id = cli.json(&["integrations", "create", "--name", "Codes"]).await["id"].as_str().unwrap().to_owned();
    let bad_manifest = tempfile::tempdir().unwrap();
    write(bad_manifest.path(), "integration.yaml", "name: Codes\ncolour: red\n");
    let manifest_path = bad_manifest.path().to_str().unwrap().to_owned();
    let missing = uuid_v4();
    let get = ["integrations", "get", id.as_str()];
    let list = ["integrations", "list"];
    let answer = |operation: &str, status: u16| Some(json!({"operation": operation, "status": status}));
    let none = None;
    // (exit code, JSON kind, arguments after `--json --max-retries 0`, a fault to inject, environment)
    type Case<'a> = (i32, &'a str, Vec<&'a str>, Option<Value>, Vec<(&'a str, &'a str)>);
    let cases: Vec<Case> = vec![
        (1, "BadRequestError", get.to_vec(), answer("get_integration", 400), vec![]),
        (3, "ConfigurationError", list.to_vec(), none.clone(), vec![("LANGDOCK_API_KEY", "")]),
        (3, "ConfigurationError", list.to_vec(), none.clone(), vec![("LANGDOCK_BASE_URL", "ftp://example.com")]),
        (4, "ValidationError", vec!["integrations", "create", "--name", ""], none.clone(), vec![]),
        (5, "AuthenticationError", list.to_vec(), none.clone(), vec![("LANGDOCK_API_KEY", "sk-ld-wrong")]),
        (5, "PermissionDeniedError", get.to_vec(), answer("get_integration", 403), vec![]),
        (6, "NotFoundError", vec!["integrations", "get", &missing], none.clone(), vec![]),
        (7, "ConflictError", get.to_vec(), answer("get_integration", 409), vec![]),
        (8, "RateLimitError", list.to_vec(), answer("list_integrations", 429), vec![]),
        (
            9,
            "APIConnectionError",
            list.to_vec(),
            Some(json!({"operation": "list_integrations", "drop": "before_body"})),
            vec![],
        ),
        (
            9,
            "APITimeoutError",
            vec!["--timeout", "0.2", "integrations", "list"],
            Some(json!({"operation": "list_integrations", "latencyMs": 5000})),
            vec![],
        ),
        (10, "InternalServerError", list.to_vec(), answer("list_integrations", 503), vec![]),
        (
            11,
            "InternalServerError",
            vec!["integrations", "create", "--name", "Twice?"],
            Some(json!({"operation": "create_integration", "status": 502, "apply": true})),
            vec![],
        ),
        (64, "UsageError", vec!["apply", &manifest_path], none.clone(), vec![]),
        (64, "UsageError", vec!["integrations", "auth", &id, "--field", "lonely"], none.clone(), vec![]),
        (64, "UsageError", vec!["integrations", "list", "--frobnicate"], none.clone(), vec![]),
        (64, "UsageError", vec!["integrations", "get"], none, vec![]),
    ];
    for (code, kind, args, fault, env) in cases {
        if let Some(fault) = fault {
            cli.inject(fault);
        }
        let all = [&["--json", "--max-retries", "0"], args.as_slice()].concat();
        let output = cli.run_with(&all, &env).await;
        assert_eq!(output.status.code(), Some(code), "{args:?}: {}", stderr(&output));
        assert_eq!(json_error(&output)["kind"], kind, "{args:?}");
    }
    // Without --json the codes are the same, and the message is text.
    for (args, code) in [(vec!["integrations", "get", &missing], 6), (vec!["integrations", "list", "--frobnicate"], 64)]
    {
        let output = cli.run(&args).await;
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        assert!(stderr(&output).starts_with("error: "), "{args:?}: {}", stderr(&output));
    }
}

#[tokio::test]
async fn help_lists_every_exit_code_and_help_itself_exits_0() {
    let cli = Cli::start().await;
    let output = cli.run(&["--help"]).await;
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    let codes = help.split("Exit codes:").nth(1).unwrap_or_else(|| panic!("no exit codes in the help: {help}"));
    for line in [
        "   2  plan --exit-code: there are changes to apply",
        "  11  the integration may have been created",
        "  64  usage:",
    ] {
        assert!(codes.contains(line), "{line:?} in {codes}");
    }
}

#[tokio::test]
async fn auth_from_a_file_reads_client_secret_env_and_never_sends_the_key() {
    let cli = Cli::start().await;
    let id = cli.json(&["integrations", "create", "--name", "Mail"]).await["id"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    for (file, key) in [("camel.yaml", "clientSecretEnv"), ("snake.yaml", "client_secret_env")] {
        write(
            dir.path(),
            file,
            &format!(
                "authType: OAUTH\noauthClient:\n  clientId: abc\n  {key}: LANGDOCK_CLI_TEST_MAIL_SECRET\n  \
                 authUrl: https://auth.example.com/a\n  tokenUrl: https://auth.example.com/t\n"
            ),
        );
        cli.emulator.clear_journal();
        let path = dir.path().join(file);
        let output = cli
            .run_with(
                &["--json", "integrations", "auth", &id, "-f", path.to_str().unwrap()],
                &[("LANGDOCK_CLI_TEST_MAIL_SECRET", "super-secret-value")],
            )
            .await;
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        let sent = cli.emulator.journal().into_iter().find(|e| e.method != "GET").expect("the auth update");
        let body = sent.body.expect("a JSON body");
        assert_eq!(body["oauthClient"]["clientSecret"], "super-secret-value", "{file}: {body}");
        assert_eq!(body["oauthClient"]["clientId"], "abc", "{file}: {body}");
        let text = body.to_string();
        assert!(
            !text.contains("SecretEnv") && !text.contains("secret_env"),
            "{file}: the manifest-only key was sent: {text}"
        );
    }
}

#[tokio::test]
async fn auth_from_a_file_naming_an_unset_variable_is_a_usage_error_and_sends_nothing() {
    let cli = Cli::start().await;
    let id = cli.json(&["integrations", "create", "--name", "Mail"]).await["id"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "auth.yaml",
        "authType: OAUTH\noauthClient:\n  clientId: abc\n  clientSecretEnv: LANGDOCK_CLI_TEST_UNSET_SECRET\n",
    );
    let path = dir.path().join("auth.yaml");
    cli.emulator.clear_journal();
    let output = cli.run(&["--json", "integrations", "auth", &id, "-f", path.to_str().unwrap()]).await;
    assert_eq!(output.status.code(), Some(64));
    let error = json_error(&output);
    assert_eq!(error["kind"], "UsageError");
    assert!(error["message"].as_str().unwrap().contains("LANGDOCK_CLI_TEST_UNSET_SECRET is not set"), "{error}");
    assert!(cli.emulator.journal().is_empty(), "nothing was sent");
    let output = cli.run(&["integrations", "auth", &id, "-f", path.to_str().unwrap()]).await;
    assert!(stderr(&output).contains("hint: set LANGDOCK_CLI_TEST_UNSET_SECRET"), "{}", stderr(&output));
}

#[tokio::test]
async fn the_emulator_flag_runs_a_command_against_a_throwaway_emulator() {
    let cli = Cli::start().await;
    let output = cli
        .run_with(&["--emulator", "integrations", "list"], &[("LANGDOCK_BASE_URL", "https://invalid.example")])
        .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("langdock"));
}

fn uuid_v4() -> String {
    // Unknown but well formed.
    "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11".into()
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const MANIFEST: &str = "\
name: Weather
description: Forecasts for agents
auth:
  type: API_KEY
  fields:
    - slug: apiKey
      label: API key
      type: PASSWORD
      required: true
actions:
  - name: Get forecast
    file: actions/get_forecast.js
    inputFields:
      - label: City
        required: true
triggers:
  - name: Storm warning
    description: Polls for storms
    file: triggers/storm.js
";

fn example_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "integration.yaml", MANIFEST);
    write(dir.path(), "actions/get_forecast.js", "return ld.request({ url: 'https://example.com' });\n");
    write(dir.path(), "triggers/storm.js", "return [];\n");
    dir
}

#[tokio::test]
async fn apply_creates_then_a_second_apply_and_plan_change_nothing() {
    let cli = Cli::start().await;
    let dir = example_dir();
    let path = dir.path().to_str().unwrap();
    let plan = cli.ok(&["plan", path]).await;
    assert!(
        plan.contains("+ create integration \"Weather\"") && plan.contains("+ create action \"Get forecast\""),
        "{plan}"
    );
    let applied = cli.ok(&["apply", path]).await;
    assert!(applied.contains("Applied 4 change(s)"), "integration, auth, action, trigger: {applied}");
    let manifest = std::fs::read_to_string(dir.path().join("integration.yaml")).unwrap();
    assert!(manifest.starts_with("id: "), "apply records the new id: {manifest}");
    assert!(dir.path().join(".langdock-state.json").exists());

    cli.emulator.clear_journal();
    let again = cli.ok(&["apply", path]).await;
    assert!(again.contains("Nothing to apply"), "{again}");
    let writes = cli.emulator.journal().into_iter().filter(|e| e.method != "GET").count();
    assert_eq!(writes, 0, "a second apply sends nothing");
    let plan = cli.run(&["plan", path, "--exit-code"]).await;
    assert_eq!(plan.status.code(), Some(0), "{}", String::from_utf8_lossy(&plan.stdout));
    assert!(String::from_utf8_lossy(&plan.stdout).contains("Plan: 0 to create, 0 to update, 0 to delete"));
}

#[tokio::test]
async fn plan_shows_a_diff_of_changed_code_and_apply_sends_only_that() {
    let cli = Cli::start().await;
    let dir = example_dir();
    let path = dir.path().to_str().unwrap();
    cli.ok(&["apply", path]).await;
    write(dir.path(), "actions/get_forecast.js", "return ld.request({ url: 'https://example.org' });\n");
    let plan = cli.run(&["plan", path, "--exit-code"]).await;
    assert_eq!(plan.status.code(), Some(2));
    let text = String::from_utf8_lossy(&plan.stdout);
    assert!(
        text.contains("~ update action \"Get forecast\"")
            && text.contains("+return ld.request({ url: 'https://example.org' });"),
        "{text}"
    );
    cli.emulator.clear_journal();
    cli.ok(&["apply", path]).await;
    let writes: Vec<String> = cli
        .emulator
        .journal()
        .into_iter()
        .filter(|e| e.method != "GET")
        .map(|e| e.operation.unwrap().name().to_owned())
        .collect();
    assert_eq!(writes, ["update_action"]);
}

#[tokio::test]
async fn trigger_code_changes_are_found_through_the_state_file() {
    let cli = Cli::start().await;
    let dir = example_dir();
    let path = dir.path().to_str().unwrap();
    cli.ok(&["apply", path]).await;
    write(dir.path(), "triggers/storm.js", "return [1];\n");
    let plan = cli.ok(&["plan", path]).await;
    assert!(plan.contains("~ update trigger \"Storm warning\""), "{plan}");
    cli.ok(&["apply", path]).await;
    std::fs::remove_file(dir.path().join(".langdock-state.json")).unwrap();
    let plan = cli.ok(&["plan", path]).await;
    assert!(plan.contains("no .langdock-state.json"), "without the state file plan says so: {plan}");
}

#[tokio::test]
async fn export_then_apply_elsewhere_then_export_gives_the_same_files() {
    let source = Cli::start().await;
    let dir = example_dir();
    source.ok(&["apply", dir.path().to_str().unwrap()]).await;
    let manifest = std::fs::read_to_string(dir.path().join("integration.yaml")).unwrap();
    let id = manifest.lines().next().unwrap().trim_start_matches("id: ").to_owned();

    let first = tempfile::tempdir().unwrap();
    source.ok(&["export", &id, first.path().to_str().unwrap()]).await;
    let exported = std::fs::read_to_string(first.path().join("integration.yaml")).unwrap();
    assert!(exported.contains("Get forecast") && first.path().join("actions/get_forecast.js").exists(), "{exported}");

    // Into an empty emulator: without the id, apply creates the integration.
    let target = Cli::start().await;
    let without_id: String = exported.lines().filter(|l| !l.starts_with("id: ")).map(|l| format!("{l}\n")).collect();
    std::fs::write(first.path().join("integration.yaml"), &without_id).unwrap();
    target.ok(&["apply", first.path().to_str().unwrap()]).await;
    let new_manifest = std::fs::read_to_string(first.path().join("integration.yaml")).unwrap();
    let new_id = new_manifest.lines().next().unwrap().trim_start_matches("id: ").to_owned();

    let second = tempfile::tempdir().unwrap();
    target.ok(&["export", &new_id, second.path().to_str().unwrap()]).await;
    let again = std::fs::read_to_string(second.path().join("integration.yaml")).unwrap();
    let strip = |text: &str| text.lines().filter(|l| !l.starts_with("id: ")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&again), strip(&exported));
    assert_eq!(
        std::fs::read_to_string(second.path().join("actions/get_forecast.js")).unwrap(),
        std::fs::read_to_string(first.path().join("actions/get_forecast.js")).unwrap()
    );
}

#[tokio::test]
async fn prune_deletes_what_the_manifest_no_longer_has() {
    let cli = Cli::start().await;
    let dir = example_dir();
    let path = dir.path().to_str().unwrap();
    cli.ok(&["apply", path]).await;
    let manifest = std::fs::read_to_string(dir.path().join("integration.yaml")).unwrap();
    let trimmed = manifest.split("triggers:").next().unwrap().replace(
        "actions:\n  - name: Get forecast\n    file: actions/get_forecast.js\n    inputFields:\n      - label: City\n        required: true\n",
        "",
    );
    std::fs::write(dir.path().join("integration.yaml"), trimmed).unwrap();
    let plan = cli.ok(&["plan", path]).await;
    assert!(plan.contains("kept (--prune deletes it)"), "{plan}");
    assert!(cli.ok(&["apply", path]).await.contains("Nothing to apply"));
    let pruned = cli.ok(&["apply", path, "--prune"]).await;
    assert!(
        pruned.contains("- delete action \"Get forecast\"") && pruned.contains("- delete trigger \"Storm warning\""),
        "{pruned}"
    );
    let id =
        std::fs::read_to_string(dir.path().join("integration.yaml")).unwrap().lines().next().unwrap()[4..].to_owned();
    let integration = cli.json(&["integrations", "get", &id]).await;
    assert_eq!(integration["actions"], json!([]));
    assert_eq!(integration["triggers"], json!([]));
}

#[tokio::test]
async fn an_interrupted_apply_reports_what_was_applied_and_the_next_apply_completes_it() {
    let cli = Cli::start().await;
    let dir = example_dir();
    let path = dir.path().to_str().unwrap();
    cli.inject(json!({"operation": "create_trigger", "status": 400, "body": "{\"message\": \"scripted failure\"}"}));
    let output = cli.run(&["apply", path]).await;
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("applied: + create action \"Get forecast\""), "{text}");
    assert!(text.contains("not applied: + create trigger \"Storm warning\""), "{text}");
    assert!(text.contains("run apply again"), "{text}");

    let applied = cli.ok(&["apply", path]).await;
    assert!(applied.contains("Applied 1 change(s)"), "only the trigger is left: {applied}");
    let id =
        std::fs::read_to_string(dir.path().join("integration.yaml")).unwrap().lines().next().unwrap()[4..].to_owned();
    let integration = cli.json(&["integrations", "get", &id]).await;
    assert_eq!(integration["actions"].as_array().unwrap().len(), 1);
    assert_eq!(integration["triggers"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_invalid_manifest_is_reported_with_file_and_field_before_anything_is_sent() {
    let cli = Cli::start().await;
    let dir = example_dir();
    let manifest = MANIFEST
        .replace("name: Get forecast", &format!("name: {}", "n".repeat(101)))
        .replace("type: PASSWORD", "type: PASSWORD\n      colour: red");
    write(dir.path(), "integration.yaml", &manifest);
    let output = cli.run(&["apply", dir.path().to_str().unwrap()]).await;
    assert_eq!(output.status.code(), Some(64), "a usage error");
    assert!(stderr(&output).contains("integration.yaml"), "{}", stderr(&output));
    write(
        dir.path(),
        "integration.yaml",
        &MANIFEST.replace("name: Get forecast", &format!("name: {}", "n".repeat(101))),
    );
    let output = cli.run(&["apply", dir.path().to_str().unwrap()]).await;
    let text = stderr(&output);
    assert!(
        text.contains("integration.yaml: invalid manifest") && text.contains("actions[0].name: must be at most 100"),
        "{text}"
    );
    let output = cli.run(&["--json", "apply", dir.path().to_str().unwrap()]).await;
    let error = json_error(&output);
    assert_eq!((error["kind"].as_str(), error["exit_code"].as_i64()), (Some("UsageError"), Some(64)));
    assert_eq!(error["violations"][0]["path"], "actions[0].name", "{error}");
    assert!(cli.emulator.journal().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn oauth_secrets_come_from_the_environment_and_are_never_written() {
    let cli = Cli::start().await;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "integration.yaml",
        "name: Mail\nauth:\n  type: OAUTH\n  oauth:\n    clientId: abc\n    clientSecretEnv: MAIL_SECRET\n    authUrl: https://auth.example.com/a\n    tokenUrl: https://auth.example.com/t\n",
    );
    let path = dir.path().to_str().unwrap();
    let output = cli.run(&["apply", path]).await;
    assert!(stderr(&output).contains("MAIL_SECRET is not set"), "{}", stderr(&output));
    let output = cli.run_with(&["apply", path], &[("MAIL_SECRET", "super-secret-value")]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let id =
        std::fs::read_to_string(dir.path().join("integration.yaml")).unwrap().lines().next().unwrap()[4..].to_owned();
    let exported = tempfile::tempdir().unwrap();
    cli.ok(&["export", &id, exported.path().to_str().unwrap()]).await;
    for folder in [dir.path(), exported.path()] {
        for entry in std::fs::read_dir(folder).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            assert!(!text.contains("super-secret-value"), "the secret was written to a file");
        }
    }
    let again = cli.run_with(&["apply", path], &[("MAIL_SECRET", "super-secret-value")]).await;
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Nothing to apply"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

/// `langdock emulator ARGS` in the background, once it has printed its start line: the child, its base URL and
/// the rest of its stdout.
async fn serve_emulator(
    args: &[&std::ffi::OsStr],
) -> (tokio::process::Child, String, tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_langdock"))
        .args(["emulator", "--port", "0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().expect("the listening line");
    let url = first.strip_prefix("langdock-emulator listening on ").expect(&first).to_owned();
    (child, url, lines)
}

#[tokio::test]
async fn the_emulator_command_serves_the_api_until_terminated() {
    let (mut child, url, _stdout) = serve_emulator(&[]).await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_langdock"))
        .args(["--json", "--base-url", &url, "--api-key", DEFAULT_API_KEY, "integrations", "list"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2, "the two seeded integrations");
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(child.wait().await.unwrap().success(), "SIGTERM stops it cleanly");
}

#[tokio::test]
async fn an_https_emulator_names_its_ca_bundle_and_the_cli_trusts_it_only_through_that() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let (mut child, url, mut lines) = serve_emulator(&["--ca-out".as_ref(), ca.as_os_str()]).await;
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let export = lines.next_line().await.unwrap().expect("the export line");
    assert!(export.ends_with(&format!("LANGDOCK_CA_BUNDLE={}", ca.display())), "{export}");
    let list = |bundle: Option<&std::path::Path>| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_langdock"));
        command.args(["--json", "--base-url", &url, "--api-key", DEFAULT_API_KEY, "integrations", "list"]);
        command.env_remove("LANGDOCK_CA_BUNDLE");
        if let Some(bundle) = bundle {
            command.env("LANGDOCK_CA_BUNDLE", bundle);
        }
        command.output()
    };
    let trusted = list(Some(&ca)).await.unwrap();
    assert!(trusted.status.success(), "{}", stderr(&trusted));
    let untrusted = list(None).await.unwrap();
    assert_eq!(untrusted.status.code(), Some(9), "a connection failure: {}", stderr(&untrusted));
    let error: Value = serde_json::from_str(stderr(&untrusted).trim()).unwrap();
    assert_eq!(error["kind"], "APIConnectionError");
    assert!(error["message"].as_str().unwrap().contains("certificate is not trusted"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("LANGDOCK_CA_BUNDLE"), "{error}");
    assert_eq!(error["attempts"], 1, "an untrusted certificate is not retried");
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(child.wait().await.unwrap().success(), "SIGTERM stops it cleanly");
}

#[cfg(unix)]
#[tokio::test]
async fn the_emulator_command_keeps_serving_when_nobody_reads_its_output() {
    // Its stdout is a socket whose other end is already closed, so every write fails with a broken pipe.
    let (reader, writer) = std::os::unix::net::UnixStream::pair().unwrap();
    drop(reader);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_langdock"))
        .args(["emulator", "--port", &port.to_string()])
        .stdout(std::process::Stdio::from(std::os::fd::OwnedFd::from(writer)))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let serving = async {
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(child.try_wait().unwrap().is_none(), "the emulator exited instead of serving");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), serving).await.expect("it listens");
    let url = format!("http://127.0.0.1:{port}");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_langdock"))
        .args(["--json", "--base-url", &url, "--api-key", DEFAULT_API_KEY, "integrations", "list"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "still serving: {}", stderr(&output));
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(child.wait().await.unwrap().success(), "SIGTERM stops it cleanly");
}
