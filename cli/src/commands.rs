//! One function per command group: build the body, call the core, print the answer.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use langdock::{ActionInput, AuthType, Client, CreateIntegration, TriggerInput, UpdateAuth, UpdateIntegration};
use langdock_emulator::{Emulator, EmulatorArgs, ShutdownSignals};

use crate::args::{ActionsCommand, IntegrationsCommand, ItemFlags, TriggersCommand};
use crate::bodies;
use crate::failure::{Exit, Failure};
use crate::manifest;
use crate::output::{self, Output, fields, table, text};
use crate::plan;

pub async fn integrations(client: &Client, out: &Output, command: IntegrationsCommand) -> Result<ExitCode, Failure> {
    let integrations = client.integrations();
    match command {
        IntegrationsCommand::List => {
            let list = integrations.list().await?;
            out.show(list.data(), || {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|i| {
                        let origin = if i.built_by_langdock { "langdock" } else { "custom" };
                        vec![
                            i.id.clone(),
                            i.name.clone(),
                            i.auth_type.to_string(),
                            origin.into(),
                            i.actions.len().to_string(),
                        ]
                    })
                    .collect();
                table(&["ID", "NAME", "AUTH", "ORIGIN", "ACTIONS"], &rows);
            });
        }
        IntegrationsCommand::Get { id } => {
            let integration = integrations.get(&id).await?;
            out.show(integration.data(), || print_integration(&integration));
        }
        IntegrationsCommand::Create { name, description, file } => {
            let mut body: CreateIntegration = bodies::from_file(&file)?;
            body.name = name.unwrap_or(body.name);
            body.description = description.or(body.description);
            let created = integrations.create(&body).await?;
            out.show(created.data(), || println!("created integration {} ({})", created.name, created.id));
        }
        IntegrationsCommand::Update { id, name, description, icon_url, color, file } => {
            let mut body: UpdateIntegration = bodies::from_file(&file)?;
            body.name = name.or(body.name);
            body.description = description.or(body.description);
            body.icon_url = icon_url.or(body.icon_url);
            body.color = color.or(body.color);
            let updated = integrations.update(&id, &body).await?;
            out.show(updated.data(), || println!("updated integration {} ({})", updated.name, updated.id));
        }
        IntegrationsCommand::Auth { id, auth_type, fields: specs, test_code_file, file } => {
            let mut body = match &file.path {
                Some(path) => bodies::parse::<manifest::AuthBody>(path, &bodies::read_text(path)?)?.resolve(path)?,
                None => UpdateAuth::default(),
            };
            if let Some(auth_type) = auth_type {
                body.auth_type = AuthType::from(auth_type.to_ascii_uppercase().as_str());
            }
            if !specs.is_empty() {
                body.auth_fields = Some(specs.iter().map(|spec| bodies::auth_field(spec)).collect::<Result<_, _>>()?);
            }
            if let Some(path) = test_code_file {
                body.auth_test_code = Some(bodies::read_text(&path)?);
            }
            let updated = integrations.update_auth(&id, &body).await?;
            out.show(updated.data(), || {
                println!(
                    "auth of {} is now {} with {} field(s)",
                    updated.name,
                    updated.auth_type,
                    updated.auth_fields.len()
                )
            });
        }
        IntegrationsCommand::Icon { id, set } => {
            let icon = match set {
                Some(path) => {
                    let bytes =
                        std::fs::read(&path).map_err(|e| Failure::file(&path, format!("cannot read it: {e}")))?;
                    integrations.set_icon(&id, bytes).await?
                }
                None => integrations.icon(&id).await?,
            };
            out.show(icon.data(), || println!("{}", icon.icon_url.as_deref().unwrap_or("(no icon)")));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_integration(integration: &langdock::Integration) {
    fields(&[
        ("id", integration.id.clone()),
        ("name", integration.name.clone()),
        ("description", text(&integration.description)),
        ("auth", integration.auth_type.to_string()),
        (
            "auth fields",
            integration
                .auth_fields
                .iter()
                .map(|f| format!("{} ({})", f.slug, f.field_type))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]);
    println!();
    let actions: Vec<Vec<String>> = integration
        .actions
        .iter()
        .map(|a| {
            let inputs = a.input_fields.iter().filter_map(|f| f.slug.clone()).collect::<Vec<_>>().join(", ");
            vec![a.id.clone(), a.name.clone(), output::text(&a.slug), inputs]
        })
        .collect();
    table(&["ACTION ID", "NAME", "SLUG", "INPUTS"], &actions);
    println!();
    let triggers: Vec<Vec<String>> =
        integration.triggers.iter().map(|t| vec![t.id.clone(), t.name.clone(), output::text(&t.slug)]).collect();
    table(&["TRIGGER ID", "NAME", "SLUG"], &triggers);
}

fn action_body(item: ItemFlags, no_confirmation: bool) -> Result<ActionInput, Failure> {
    let mut body: ActionInput = bodies::from_file(&item.file)?;
    body.code = bodies::code(&item)?.or(body.code);
    body.input_fields = bodies::input_fields(&item)?.or(body.input_fields);
    body.name = item.name.unwrap_or(body.name);
    body.description = item.description.or(body.description);
    if no_confirmation {
        body.requires_confirmation = Some(false);
    }
    Ok(body)
}

fn trigger_body(item: ItemFlags) -> Result<TriggerInput, Failure> {
    let mut body: TriggerInput = bodies::from_file(&item.file)?;
    body.polling_code = bodies::code(&item)?.or(body.polling_code);
    body.input_fields = bodies::input_fields(&item)?.or(body.input_fields);
    body.name = item.name.unwrap_or(body.name);
    body.description = item.description.or(body.description);
    Ok(body)
}

pub async fn actions(client: &Client, out: &Output, command: ActionsCommand) -> Result<ExitCode, Failure> {
    let actions = client.actions();
    match command {
        ActionsCommand::Create { integration_id, item, no_confirmation } => {
            let action = actions.create(&integration_id, &action_body(item, no_confirmation)?).await?;
            out.show(action.data(), || {
                println!("created action {} ({}, slug {})", action.name, action.id, text(&action.slug))
            });
        }
        ActionsCommand::Update { integration_id, action_id, item, no_confirmation } => {
            let action = actions.update(&integration_id, &action_id, &action_body(item, no_confirmation)?).await?;
            out.show(action.data(), || println!("replaced action {} ({})", action.name, action.id));
        }
        ActionsCommand::Delete { integration_id, action_id } => {
            let deleted = actions.delete(&integration_id, &action_id).await?;
            out.show(deleted.data(), || println!("{}: {}", deleted.message, deleted.id));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn triggers(client: &Client, out: &Output, command: TriggersCommand) -> Result<ExitCode, Failure> {
    let triggers = client.triggers();
    match command {
        TriggersCommand::Create { integration_id, item } => {
            let trigger = triggers.create(&integration_id, &trigger_body(item)?).await?;
            out.show(trigger.data(), || {
                println!("created trigger {} ({}, slug {})", trigger.name, trigger.id, text(&trigger.slug))
            });
        }
        TriggersCommand::Update { integration_id, trigger_id, item } => {
            let trigger = triggers.update(&integration_id, &trigger_id, &trigger_body(item)?).await?;
            out.show(trigger.data(), || println!("replaced trigger {} ({})", trigger.name, trigger.id));
        }
        TriggersCommand::Delete { integration_id, trigger_id } => {
            let deleted = triggers.delete(&integration_id, &trigger_id).await?;
            out.show(deleted.data(), || println!("{}: {}", deleted.message, deleted.id));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn export(client: &Client, out: &Output, integration_id: &str, dir: &Path) -> Result<ExitCode, Failure> {
    let integration = client.integrations().get(integration_id).await?.into_inner();
    let written = manifest::export(&integration, dir)?;
    out.show(&written, || {
        println!("exported {} to {}", integration.name, dir.display());
        for path in &written.files {
            println!("  {path}");
        }
        for note in &written.notes {
            println!("note: {note}");
        }
    });
    Ok(ExitCode::SUCCESS)
}

pub async fn plan(
    client: &Client,
    out: &Output,
    dir: &Path,
    prune: bool,
    exit_code: bool,
) -> Result<ExitCode, Failure> {
    let local = manifest::load(dir)?;
    manifest::check_syntax(&local)?;
    let plan = plan::Plan::make(client, &local, prune).await?;
    out.show(&plan.summary(), || plan.print());
    Ok(if exit_code && plan.has_changes() { Exit::ChangesPending } else { Exit::Success }.into())
}

pub async fn apply(client: &Client, out: &Output, dir: &Path, prune: bool) -> Result<ExitCode, Failure> {
    let local = manifest::load(dir)?;
    manifest::check_syntax(&local)?;
    let plan = plan::Plan::make(client, &local, prune).await?;
    if !out.is_json() {
        plan.print();
    }
    let report = plan.apply(client, &local, out).await?;
    out.show(&report, || report.print());
    Ok(ExitCode::SUCCESS)
}

/// `langdock emulator`: serves until Ctrl-C, as `langdock-emulator` does.
pub async fn serve_emulator(args: EmulatorArgs) -> Result<ExitCode, Failure> {
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log).unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let (config, addr) = args.into_config().map_err(Failure::usage)?;
    // Handlers first: a SIGTERM sent as soon as the start line shows must find them.
    let mut signals =
        ShutdownSignals::install().map_err(|e| Failure::local(format!("cannot install signal handlers: {e}")))?;
    let key = config.keys.first().map(|k| k.key.clone()).unwrap_or_default();
    // A client can only trust an HTTPS emulator through the CA file, so the export line names it.
    let ca_bundle = match (&config.ca_out, config.tls) {
        (Some(path), _) => format!(" LANGDOCK_CA_BUNDLE={}", path.display()),
        (None, true) => {
            eprintln!("note: pass --ca-out PATH to write the CA certificate that clients must trust");
            String::new()
        }
        (None, false) => String::new(),
    };
    let emulator = Emulator::start_on(config, addr)
        .await
        .map_err(|e| Failure::local(format!("cannot start the emulator on {addr}: {e}")))?;
    // A reader that stops reading (a script that took the first line) must not kill the server: write errors are
    // ignored instead of panicking as println! would.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "langdock-emulator listening on {}", emulator.base_url());
    let _ = writeln!(stdout, "export LANGDOCK_BASE_URL={} LANGDOCK_API_KEY={key}{ca_bundle}", emulator.base_url());
    let _ = stdout.flush();
    signals.recv().await;
    emulator.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
