//! `langdock`: every endpoint of the Integrations API from a shell, and integrations as code
//! (export, plan, apply). All HTTP goes through the `langdock` core crate.

mod args;
mod bodies;
mod commands;
mod failure;
mod inputs;
mod manifest;
mod output;
mod plan;
mod run;
mod state;
mod target;
mod testcases;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::failure::{Exit, Failure};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_failure(&error),
    };
    let json = cli.global.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let failure = Failure::local(format!("cannot start the async runtime: {e}"));
            failure.print(json);
            return failure.exit().into();
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(failure) => {
            failure.print(json);
            failure.exit().into()
        }
    }
}

/// `--help` and `--version` print and succeed; misuse is a usage error, in clap's words, with the usage exit
/// code (clap's own would be 2, which `plan --exit-code` uses for "changes pending").
fn clap_failure(error: &clap::Error) -> ExitCode {
    if !error.use_stderr() {
        return match error.print() {
            Ok(()) => Exit::Success.into(),
            Err(_) => Exit::Other.into(),
        };
    }
    // The flags could not be parsed, so `--json` is looked for among the raw arguments (before any `--`).
    let json = std::env::args_os().skip(1).take_while(|arg| arg != "--").any(|arg| arg == "--json");
    if json {
        let text = error.render().to_string();
        let message = text.lines().next().unwrap_or_default().trim_start_matches("error: ").to_owned();
        let mut failure = Failure::usage(message);
        for line in text.lines().skip(1).filter(|line| !line.trim().is_empty()) {
            failure = match line.strip_prefix("For more information, ") {
                Some(hint) => failure.hint(hint),
                None => failure.detail(line.trim()),
            };
        }
        failure.print(true);
    } else {
        let _ = error.print();
    }
    Exit::Usage.into()
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    // These need no API key: they serve, or run code locally.
    let out = output::Output::new(cli.global.json);
    let command = match cli.command {
        Command::Emulator(args) => return commands::serve_emulator(args).await,
        Command::Run(args) => return run::command(args, cli.global.timeout, cli.global.json).await,
        Command::Test { dir, record } => return testcases::command(&dir, record, &out).await,
        command => command,
    };
    // `--emulator` keeps the emulator alive for the whole command.
    let (client, _emulator) = cli.global.connect().await?;
    match command {
        Command::Integrations(command) => commands::integrations(&client, &out, command).await,
        Command::Actions(command) => commands::actions(&client, &out, command).await,
        Command::Triggers(command) => commands::triggers(&client, &out, command).await,
        Command::Export { integration_id, dir } => commands::export(&client, &out, &integration_id, &dir).await,
        Command::Plan { dir, prune, exit_code } => commands::plan(&client, &out, &dir, prune, exit_code).await,
        Command::Apply { dir, prune } => commands::apply(&client, &out, &dir, prune).await,
        Command::Emulator(_) | Command::Run(_) | Command::Test { .. } => handled_before_connecting(),
    }
}

/// Handled before a client is built; kept as a value so that the match above stays exhaustive.
fn handled_before_connecting() -> Result<ExitCode, Failure> {
    Err(Failure::local("this command runs without a client"))
}
