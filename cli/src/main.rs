//! `langdock`: every endpoint of the Integrations API from a shell, and integrations as code
//! (export, plan, apply). All HTTP goes through the `langdock` core crate.

mod args;
mod bodies;
mod commands;
mod failure;
mod manifest;
mod output;
mod plan;
mod state;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(failure) => {
            failure.print();
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    if let Command::Emulator(args) = cli.command {
        return commands::serve_emulator(args).await;
    }
    // `--emulator` keeps the emulator alive for the whole command.
    let (client, _emulator) = cli.global.connect().await?;
    let out = output::Output::new(cli.global.json);
    match cli.command {
        Command::Integrations(command) => commands::integrations(&client, &out, command).await,
        Command::Actions(command) => commands::actions(&client, &out, command).await,
        Command::Triggers(command) => commands::triggers(&client, &out, command).await,
        Command::Export { integration_id, dir } => commands::export(&client, &out, &integration_id, &dir).await,
        Command::Plan { dir, prune, exit_code } => commands::plan(&client, &out, &dir, prune, exit_code).await,
        Command::Apply { dir, prune } => commands::apply(&client, &out, &dir, prune).await,
        Command::Emulator(_) => unreachable_emulator(),
    }
}

/// Handled before a client is built; kept as a value so that the match above stays exhaustive.
fn unreachable_emulator() -> Result<ExitCode, Failure> {
    Err(Failure::usage("the emulator command runs on its own"))
}
