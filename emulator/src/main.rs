//! `langdock-emulator`: serve the emulator until SIGINT/SIGTERM, or around one command
//! (`langdock-emulator [flags] -- CMD ARGS...`) whose exit code becomes ours.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use langdock_emulator::{Emulator, EmulatorArgs, ShutdownSignals};
use tracing_subscriber::EnvFilter;

/// A local emulator of the Langdock Integrations API.
#[derive(Debug, Parser)]
#[command(name = "langdock-emulator", version, about)]
struct Cli {
    #[command(flatten)]
    args: EmulatorArgs,
    /// Command to run against the emulator, after `--`; it gets LANGDOCK_BASE_URL and LANGDOCK_API_KEY, and
    /// with --tls also LANGDOCK_CA_BUNDLE (the --ca-out file, else a temporary one).
    #[arg(last = true, value_name = "CMD")]
    command: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_new(&cli.args.log).unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(run(cli))
}

fn fail(message: &str) -> ExitCode {
    eprintln!("langdock-emulator: {message}");
    ExitCode::from(2)
}

async fn run(cli: Cli) -> ExitCode {
    let (mut config, addr) = match cli.args.into_config() {
        Ok(parts) => parts,
        Err(e) => return fail(&e),
    };
    // A trailing command is told where the CA is: the --ca-out file, else one we write and remove at the end.
    let mut temp_ca = None;
    if config.tls && !cli.command.is_empty() && config.ca_out.is_none() {
        let path = std::env::temp_dir().join(format!("langdock-emulator-ca-{}.pem", std::process::id()));
        config.ca_out = Some(path.clone());
        temp_ca = Some(path);
    }
    let ca_bundle = config.ca_out.clone().filter(|_| config.tls);
    let first_key = config.keys.first().map(|k| k.key.clone());
    // Handlers go in before anything can announce readiness: a signal sent right after the start line must
    // find them, or it kills the process with the default action.
    let mut signals = match ShutdownSignals::install() {
        Ok(signals) => signals,
        Err(e) => return fail(&format!("cannot install signal handlers: {e}")),
    };
    let emulator = match Emulator::start_on(config, addr).await {
        Ok(emulator) => emulator,
        Err(e) => return fail(&format!("cannot start on {addr}: {e}")),
    };
    // Around a command, stdout belongs to the command: the line goes to stderr then.
    let line = format!("langdock-emulator listening on {}", emulator.base_url());
    if cli.command.is_empty() {
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    } else {
        eprintln!("{line}");
    }

    let code = match cli.command.split_first() {
        None => {
            signals.recv().await;
            ExitCode::SUCCESS
        }
        Some((program, args)) => {
            let env = CommandEnv { base_url: emulator.base_url(), key: first_key, ca_bundle };
            run_command(program, args, &env, &mut signals).await
        }
    };
    emulator.shutdown().await;
    if let Some(path) = temp_ca {
        let _ = std::fs::remove_file(path);
    }
    code
}

/// What the trailing command is told about the emulator.
struct CommandEnv {
    base_url: String,
    key: Option<String>,
    ca_bundle: Option<std::path::PathBuf>,
}

/// Runs the trailing command; a terminal's Ctrl-C reaches it directly, so we only keep ourselves alive.
async fn run_command(program: &str, args: &[String], env: &CommandEnv, signals: &mut ShutdownSignals) -> ExitCode {
    let mut command = tokio::process::Command::new(program);
    command.args(args).env("LANGDOCK_BASE_URL", &env.base_url);
    if let Some(key) = &env.key {
        command.env("LANGDOCK_API_KEY", key);
    }
    if let Some(path) = &env.ca_bundle {
        command.env("LANGDOCK_CA_BUNDLE", path);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("langdock-emulator: cannot run {program:?}: {e}");
            return ExitCode::from(127);
        }
    };
    let status = loop {
        tokio::select! {
            status = child.wait() => break status,
            () = signals.recv() => {}
        }
    };
    match status {
        Ok(status) => ExitCode::from(exit_code(status)),
        Err(e) => {
            eprintln!("langdock-emulator: waiting for {program:?} failed: {e}");
            ExitCode::from(1)
        }
    }
}

/// The child's exit code; a child killed by a signal gives 128 + signal, as shells report it.
fn exit_code(status: std::process::ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(1);
        }
    }
    1
}
