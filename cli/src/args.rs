//! The command line, as clap types, and how the global flags become a client.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use langdock::{Client, ClientBuilder, Face, Number, SettingsInput};
use langdock_emulator::{Emulator, EmulatorArgs};

use crate::failure::{self, Failure};

/// Manage Langdock custom integrations: every API endpoint, and integrations as code.
#[derive(Debug, Parser)]
#[command(name = "langdock", version, about, propagate_version = true, after_help = failure::exit_codes_help())]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// API key with the INTEGRATION_API scope (default: $LANGDOCK_API_KEY).
    #[arg(long, global = true)]
    pub api_key: Option<String>,
    /// Base URL of the API (default: $LANGDOCK_BASE_URL, else https://api.langdock.com).
    #[arg(long, global = true)]
    pub base_url: Option<String>,
    /// Address of a dedicated deployment; `/api/public` is added (not together with --base-url).
    #[arg(long, global = true)]
    pub deployment_url: Option<String>,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Retries after a failed attempt (default: $LANGDOCK_MAX_RETRIES, else 2).
    #[arg(long, global = true)]
    pub max_retries: Option<u32>,
    /// Seconds one attempt may take (default 60); for `run`, seconds the code may run (default 120).
    #[arg(long, global = true)]
    pub timeout: Option<f64>,
    /// Skip client-side validation (the server still checks).
    #[arg(long, global = true)]
    pub no_validate: bool,
    /// Run against an emulator started in this process, for trying things out (nothing is kept).
    #[arg(long, global = true)]
    pub emulator: bool,
}

impl Global {
    /// The client these flags describe, and the in-process emulator when `--emulator` asked for one. The flags
    /// are handed to the core as settings data, as the Python and Node clients hand theirs: the core reads the
    /// `LANGDOCK_*` variables and decides precedence, conflicts and bad values.
    pub async fn connect(&self) -> Result<(Client, Option<Emulator>), Failure> {
        let mut input = self.settings();
        let emulator = if self.emulator {
            let emulator = Emulator::start(langdock_emulator::Config::default())
                .await
                .map_err(|e| Failure::local(format!("cannot start the emulator: {e}")))?;
            input.base_url = Some(emulator.base_url().to_string());
            input.deployment_url = None;
            input.api_key = Some(langdock_emulator::DEFAULT_API_KEY.to_owned());
            Some(emulator)
        } else {
            None
        };
        Ok((ClientBuilder::from_input(input, Face::Rust).build()?, emulator))
    }

    /// The flags as the core's settings; the CLI names itself in the `User-Agent`.
    pub fn settings(&self) -> SettingsInput {
        SettingsInput {
            api_key: self.api_key.clone(),
            base_url: self.base_url.clone(),
            deployment_url: self.deployment_url.clone(),
            max_retries: self.max_retries.map(|n| Number(f64::from(n))),
            timeout: self.timeout.map(Number),
            validation: self.no_validate.then_some(false),
            user_agent_suffix: Some(format!("langdock-cli/{}", langdock::VERSION)),
            ..SettingsInput::default()
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show, create and change integrations.
    #[command(subcommand)]
    Integrations(IntegrationsCommand),
    /// Create, replace and delete actions.
    #[command(subcommand)]
    Actions(ActionsCommand),
    /// Create, replace and delete polling triggers.
    #[command(subcommand)]
    Triggers(TriggersCommand),
    /// Write an integration to a directory: integration.yaml plus one file per action's code.
    Export {
        /// The integration to export.
        integration_id: String,
        /// Where to write it (created if missing).
        dir: PathBuf,
    },
    /// Show what `apply` would change, item by item.
    Plan {
        /// The directory holding integration.yaml.
        dir: PathBuf,
        /// Also show the actions and triggers that `apply --prune` would delete.
        #[arg(long)]
        prune: bool,
        /// Exit with 2 when there are changes (0 when none; failures keep their own codes).
        #[arg(long)]
        exit_code: bool,
    },
    /// Make the workspace match the directory.
    Apply {
        /// The directory holding integration.yaml.
        dir: PathBuf,
        /// Delete actions and triggers the manifest no longer has.
        #[arg(long)]
        prune: bool,
    },
    /// Run integration code locally, as the platform's sandbox does: a .js file, or code of an exported directory.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Run the test cases of an exported directory (DIR/tests/*.yaml) and print a table.
    Test {
        /// The directory holding integration.yaml and tests/.
        dir: PathBuf,
        /// Send the requests for real and (re)write each test's cassette, instead of replaying it.
        #[arg(long)]
        record: bool,
    },
    /// Run the emulator of the API (same flags as langdock-emulator).
    Emulator(EmulatorArgs),
}

const RUN_EXAMPLES: &str = "\
Examples:
  langdock run forecast.js --input city=Berlin --input days:=3 --auth apiKey=$KEY
  langdock run weather/ --action \"Get forecast\" --input city=Berlin --auth-env WEATHER_
  langdock run weather/ --trigger \"Storm warning\" --input city=Berlin --last-poll-time 2026-01-01T00:00:00Z
  langdock run summarize.js --input doc=@report.pdf --replay cassette.json

The result is printed as JSON on stdout; ld.log lines, every ld.request, warnings and violations of the
platform's result shape go to stderr. Exit 0: the code returned an acceptable result; 1: it did not parse,
threw, broke a limit or returned what the platform refuses; 64: usage.";

/// `langdock run …`: what to run and what to hand it.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A .js file, or a directory written by `export` (then pick with --action, --trigger or --auth-test).
    pub target: PathBuf,
    /// The action of the directory to run, by name.
    #[arg(long, conflicts_with_all = ["trigger", "auth_test"])]
    pub action: Option<String>,
    /// The trigger of the directory to run, by name.
    #[arg(long, conflicts_with = "auth_test")]
    pub trigger: Option<String>,
    /// Run the directory's auth test code.
    #[arg(long)]
    pub auth_test: bool,
    /// What the code is: action, trigger or auth (default: action, or what the directory says).
    #[arg(long, value_parser = crate::target::parse_kind, value_name = "KIND")]
    pub kind: Option<crate::target::Kind>,
    /// A value of data.input: KEY=TEXT, KEY:=JSON, or KEY=@FILE (a local file, as a FILE input); repeatable.
    #[arg(long = "input", value_name = "KEY=VALUE")]
    pub input: Vec<String>,
    /// A JSON object of data.input values (--input flags override its keys).
    #[arg(long, value_name = "FILE")]
    pub input_json: Option<PathBuf>,
    /// A value of data.auth, as --input takes them; repeatable.
    #[arg(long = "auth", value_name = "KEY=VALUE")]
    pub auth: Vec<String>,
    /// data.auth from every environment variable starting with PREFIX (WEATHER_API_KEY gives apiKey).
    #[arg(long, value_name = "PREFIX")]
    pub auth_env: Option<String>,
    /// A value of env (OAuth code reads env.CLIENT_ID, env.CLIENT_SECRET); repeatable.
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,
    /// lastPollTime, for trigger code.
    #[arg(long, value_name = "TIME")]
    pub last_poll_time: Option<String>,
    /// Megabytes of memory the code may use (default 128, as on the platform).
    #[arg(long, value_name = "MB")]
    pub memory: Option<u64>,
    /// Send requests for real and write them, secrets redacted, to this cassette.
    #[arg(long, value_name = "FILE", conflicts_with = "replay")]
    pub record: Option<PathBuf>,
    /// Answer requests from this cassette; a request it does not have fails the run.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
}

/// `langdock integrations …`
#[derive(Debug, Subcommand)]
pub enum IntegrationsCommand {
    /// Every integration of the workspace.
    List,
    /// One integration, with its auth setup, actions and triggers.
    Get {
        /// The integration id.
        id: String,
    },
    /// Create an integration.
    Create {
        /// Name (at most 40 characters).
        #[arg(long)]
        name: Option<String>,
        /// Description (at most 90 characters).
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        file: BodyFile,
    },
    /// Change an integration's name, description, icon URL or color.
    Update {
        /// The integration id.
        id: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New description.
        #[arg(long)]
        description: Option<String>,
        /// New icon URL.
        #[arg(long)]
        icon_url: Option<String>,
        /// New color, e.g. #1A73E8.
        #[arg(long)]
        color: Option<String>,
        #[command(flatten)]
        file: BodyFile,
    },
    /// Set how users authenticate (changing the type disconnects every user).
    Auth {
        /// The integration id.
        id: String,
        /// NONE, API_KEY, OAUTH or OAUTH_DCR.
        #[arg(long = "type")]
        auth_type: Option<String>,
        /// An auth field, as SLUG:LABEL[:TYPE][:required]; repeat for several (replaces the list).
        #[arg(long = "field")]
        fields: Vec<String>,
        /// A file with the JavaScript that tests a connection.
        #[arg(long)]
        test_code_file: Option<PathBuf>,
        #[command(flatten)]
        file: BodyFile,
    },
    /// Show the icon URL, or upload a new icon (PNG, JPEG or WebP).
    Icon {
        /// The integration id.
        id: String,
        /// An image file to upload.
        #[arg(long)]
        set: Option<PathBuf>,
    },
}

/// A request body from a JSON or YAML file; flags given beside it override its fields.
#[derive(Debug, Args)]
pub struct BodyFile {
    /// A JSON or YAML file with the request body (camelCase or snake_case keys).
    #[arg(long = "file", short = 'f')]
    pub path: Option<PathBuf>,
}

/// What an action or trigger create/update takes from flags.
#[derive(Debug, Args)]
pub struct ItemFlags {
    /// Name (at most 100 characters, unique in the integration).
    #[arg(long)]
    pub name: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// The JavaScript, inline.
    #[arg(long, conflicts_with = "code_file")]
    pub code: Option<String>,
    /// A file with the JavaScript.
    #[arg(long)]
    pub code_file: Option<PathBuf>,
    /// An input field, as LABEL[:TYPE][:required]; repeat for several.
    #[arg(long = "input")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub file: BodyFile,
}

/// `langdock actions …`
#[derive(Debug, Subcommand)]
pub enum ActionsCommand {
    /// Add an action to an integration.
    Create {
        /// The integration id.
        integration_id: String,
        #[command(flatten)]
        item: ItemFlags,
        /// Run without asking the user to confirm.
        #[arg(long)]
        no_confirmation: bool,
    },
    /// Replace an action (omitted description and inputs are cleared; omitted code is kept).
    Update {
        /// The integration id.
        integration_id: String,
        /// The action id.
        action_id: String,
        #[command(flatten)]
        item: ItemFlags,
        /// Run without asking the user to confirm.
        #[arg(long)]
        no_confirmation: bool,
    },
    /// Delete an action, permanently.
    Delete {
        /// The integration id.
        integration_id: String,
        /// The action id.
        action_id: String,
    },
}

/// `langdock triggers …`
#[derive(Debug, Subcommand)]
pub enum TriggersCommand {
    /// Add a polling trigger to an integration.
    Create {
        /// The integration id.
        integration_id: String,
        #[command(flatten)]
        item: ItemFlags,
    },
    /// Replace a trigger (send all you want to keep: the API never returns its code).
    Update {
        /// The integration id.
        integration_id: String,
        /// The trigger id.
        trigger_id: String,
        #[command(flatten)]
        item: ItemFlags,
    },
    /// Delete a trigger, permanently.
    Delete {
        /// The integration id.
        integration_id: String,
        /// The trigger id.
        trigger_id: String,
    },
}
