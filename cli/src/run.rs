//! `langdock run`: one piece of integration code in the local sandbox, as the platform runs it.
//!
//! The result goes to stdout as JSON; `ld.log` lines, a summary of every `ld.request`, warnings and
//! violations of the platform's result shape go to stderr, so that `langdock run … > result.json` keeps
//! only the result.

use std::collections::BTreeMap;
use std::process::ExitCode;

use langdock_sandbox::{Http, Outcome, RunSpec};
use serde_json::{Map, Value};

use crate::args::RunArgs;
use crate::failure::{Exit, Failure};
use crate::inputs;
use crate::target::{self, Pick, Target};

/// What the sandbox needs besides the code: built from flags (`run`) or a test case (`test`).
#[derive(Debug, Default)]
pub struct Setup {
    /// `data.input`.
    pub input: Map<String, Value>,
    /// `data.auth`.
    pub auth: Map<String, Value>,
    /// `env` (OAuth code: `CLIENT_ID`, `CLIENT_SECRET`).
    pub env: BTreeMap<String, String>,
    /// `lastPollTime`, for triggers.
    pub last_poll_time: Option<String>,
    /// Seconds before the code is stopped.
    pub time_limit_seconds: Option<f64>,
    /// Megabytes of heap the code may use.
    pub memory_limit_mb: Option<u64>,
    /// Where `ld.request` goes: the network, or a cassette.
    pub http: Option<Http>,
}

/// The engine's run description for `target` with `setup`.
pub fn spec(target: &Target, setup: Setup) -> RunSpec {
    let defaults = RunSpec::new(target.code.clone());
    RunSpec {
        file_name: target.path.display().to_string(),
        kind: target.kind,
        input: setup.input,
        auth: setup.auth,
        env: setup.env,
        last_poll_time: setup.last_poll_time,
        time_limit_seconds: setup.time_limit_seconds.unwrap_or(defaults.time_limit_seconds),
        memory_limit_mb: setup.memory_limit_mb.unwrap_or(defaults.memory_limit_mb),
        http: setup.http.unwrap_or(defaults.http),
        ..defaults
    }
}

/// `langdock run`.
pub async fn command(args: RunArgs, timeout: Option<f64>, json: bool) -> Result<ExitCode, Failure> {
    let target = resolve(&args)?;
    let input =
        inputs::build(inputs::json_file(args.input_json.as_deref())?, &args.input, &target.input_fields, "--input")?;
    let mut auth = match &args.auth_env {
        Some(prefix) => inputs::from_env(prefix, &target.auth_fields, std::env::vars()),
        None => Map::new(),
    };
    auth = inputs::build(auth, &args.auth, &target.auth_fields, "--auth")?;
    let mut env = BTreeMap::new();
    for pair in &args.env {
        let (name, value) = pair
            .split_once('=')
            .filter(|(name, _)| !name.is_empty())
            .ok_or_else(|| Failure::usage(format!("--env {pair:?}: expected NAME=VALUE")))?;
        env.insert(name.to_owned(), value.to_owned());
    }
    if let Some(seconds) = timeout
        && !(seconds.is_finite() && seconds > 0.0)
    {
        return Err(Failure::usage(format!("--timeout must be a positive number of seconds, got {seconds}")));
    }
    if args.memory == Some(0) {
        return Err(Failure::usage("--memory must be at least 1 MB"));
    }
    let http = match (&args.record, &args.replay) {
        (Some(path), _) => Some(Http::Record { cassette: path.clone() }),
        (None, Some(path)) => {
            if !path.is_file() {
                return Err(Failure::file(path, "no such cassette").hint("record one first with --record FILE"));
            }
            Some(Http::Replay { cassette: path.clone() })
        }
        (None, None) => None,
    };
    let setup = Setup {
        input,
        auth,
        env,
        last_poll_time: args.last_poll_time.clone(),
        time_limit_seconds: timeout,
        memory_limit_mb: args.memory,
        http,
    };
    let outcome = langdock_sandbox::run(spec(&target, setup)).await;
    report(&outcome, &target, json);
    Ok(exit(&outcome).into())
}

fn resolve(args: &RunArgs) -> Result<Target, Failure> {
    let pick = match (&args.action, &args.trigger, args.auth_test) {
        (Some(name), _, _) => Some(Pick::Action(name.clone())),
        (None, Some(name), _) => Some(Pick::Trigger(name.clone())),
        (None, None, true) => Some(Pick::AuthTest),
        (None, None, false) => None,
    };
    if !args.target.is_dir() {
        if pick.is_some() {
            return Err(Failure::usage(format!(
                "{}: --action, --trigger and --auth-test pick code in a directory written by `export`",
                args.target.display()
            )));
        }
        return target::file(&args.target, args.kind);
    }
    let manifest = target::manifest(&args.target)?;
    let Some(pick) = pick else {
        let actions: Vec<&str> = manifest.actions.iter().map(|a| a.name.as_str()).collect();
        return Err(Failure::usage(format!(
            "{}: a directory needs --action NAME, --trigger NAME or --auth-test",
            args.target.display()
        ))
        .hint(format!("its actions are {actions:?}")));
    };
    let mut target = target::in_dir(&args.target, &manifest, &pick)?;
    if let Some(kind) = args.kind {
        target.kind = kind;
    }
    Ok(target)
}

/// 0 when the code returned a value the platform accepts; 1 when it did not parse, threw, broke a
/// limit, or returned something the platform would refuse.
pub fn exit(outcome: &Outcome) -> Exit {
    if outcome.ok && outcome.violations.is_empty() { Exit::Success } else { Exit::Other }
}

/// Prints the outcome: with `json`, the whole outcome on stdout; else the result on stdout and the rest on stderr.
///
/// The engine has already redacted auth and env values from request URLs.
fn report(outcome: &Outcome, target: &Target, json: bool) {
    if json {
        match serde_json::to_string_pretty(outcome) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("error: cannot print the outcome: {e}"),
        }
        return;
    }
    for line in &outcome.logs {
        eprintln!("log: {}", line.message);
    }
    for request in &outcome.requests {
        eprintln!("{}", request_line(request));
    }
    for warning in &outcome.warnings {
        eprintln!("warning: {}:{}:{}: {}", target.path.display(), warning.line, warning.column, warning.message);
    }
    for violation in &outcome.violations {
        eprintln!("violation: {violation}");
    }
    if let Some(error) = &outcome.error {
        eprintln!("error: {error}");
    }
    if let Some(result) = &outcome.result
        && outcome.ok
    {
        match serde_json::to_string_pretty(result) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("error: cannot print the result: {e}"),
        }
    }
}

/// `GET https://api.example.com/v1/forecast -> 200 (12 ms)`.
pub fn request_line(request: &langdock_sandbox::RequestRecord) -> String {
    let status = request.status.map_or_else(|| "no answer".to_owned(), |status| status.to_string());
    format!("request: {} {} -> {status} ({} ms)", request.method, request.url, request.duration_ms)
}
