//! `plan` and `apply`: what differs between a directory and the workspace, and making them match.

use langdock::{Action, AuthField, Client, CreateIntegration, InputField, Integration, OAuthClient, UpdateIntegration};
use serde::Serialize;

use crate::failure::Failure;
use crate::manifest::{self, Local};
use crate::output::Output;
use crate::state::{self, State};

/// One change apply would make.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Create the integration (the manifest has no id yet).
    CreateIntegration { name: String },
    /// Change the name or description.
    UpdateIntegration { changes: Vec<Change> },
    /// Change the auth setup.
    UpdateAuth { changes: Vec<Change> },
    /// Create the action at this manifest index.
    CreateAction { name: String, index: usize },
    /// Replace an existing action.
    UpdateAction { name: String, index: usize, id: String, changes: Vec<Change> },
    /// Delete an action the manifest no longer has (`--prune`).
    DeleteAction { name: String, id: String },
    /// Create the trigger at this manifest index.
    CreateTrigger { name: String, index: usize },
    /// Replace an existing trigger.
    UpdateTrigger { name: String, index: usize, id: String, changes: Vec<Change> },
    /// Delete a trigger the manifest no longer has (`--prune`).
    DeleteTrigger { name: String, id: String },
}

/// One property that differs, with a diff when it is code.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// What differs, e.g. `code` or `inputFields`.
    pub what: String,
    /// A unified diff of the workspace's value against the directory's, for code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

impl Change {
    fn plain(what: impl Into<String>) -> Change {
        Change { what: what.into(), diff: None }
    }

    fn text(what: &str, remote: Option<&str>, local: Option<&str>) -> Option<Change> {
        let (remote, local) = (remote.unwrap_or_default(), local.unwrap_or_default());
        if remote == local {
            return None;
        }
        let diff = if remote.contains('\n') || local.contains('\n') || what == "code" {
            similar::TextDiff::from_lines(remote, local)
                .unified_diff()
                .context_radius(2)
                .header("workspace", "directory")
                .to_string()
        } else {
            format!("- {remote:?}\n+ {local:?}\n")
        };
        Some(Change { what: what.into(), diff: Some(diff) })
    }
}

/// Everything apply would do, and what it leaves alone.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The integration, when it exists.
    pub integration_id: Option<String>,
    /// The changes, in the order apply makes them.
    pub steps: Vec<Step>,
    /// What already matches.
    pub unchanged: Vec<String>,
    /// What the plan cannot see or will not touch.
    pub notes: Vec<String>,
    #[serde(skip)]
    state: State,
    /// What went wrong on this machine during apply without stopping it (e.g. the manifest not taking the id).
    #[serde(skip)]
    warnings: Vec<String>,
}

impl Plan {
    /// Compares the directory with the workspace.
    pub async fn make(client: &Client, local: &Local, prune: bool) -> Result<Plan, Failure> {
        let state = State::load(&local.dir)?;
        let mut plan = Plan {
            integration_id: local.manifest.id.clone(),
            steps: Vec::new(),
            unchanged: Vec::new(),
            notes: Vec::new(),
            state: State::default(),
            warnings: Vec::new(),
        };
        let remote = match &local.manifest.id {
            None => {
                plan.steps.push(Step::CreateIntegration { name: local.manifest.name.clone() });
                Integration::default()
            }
            Some(id) => client
                .integrations()
                .get(id)
                .await
                .map_err(|e| {
                    let not_found = e.kind() == langdock::ErrorKind::NotFound;
                    let failure = Failure::from(e);
                    if not_found {
                        failure.hint("the manifest's id names no integration here: remove the `id:` line to create it")
                    } else {
                        failure
                    }
                })?
                .into_inner(),
        };
        plan.state = match state {
            Some(state) if state.integration_id == local.manifest.id && local.manifest.id.is_some() => state,
            Some(_) => {
                plan.notes.push(format!("{} belongs to another integration: ignored", state::STATE_FILE));
                State::default()
            }
            None => {
                if !remote.triggers.is_empty() {
                    plan.notes.push(format!(
                        "no {}: the API does not return triggers' polling code, so every trigger is re-sent",
                        state::STATE_FILE
                    ));
                }
                State::default()
            }
        };
        plan.compare_integration(local, &remote);
        plan.compare_auth(local, &remote);
        plan.compare_actions(local, &remote, prune);
        plan.compare_triggers(local, &remote, prune);
        Ok(plan)
    }

    fn compare_integration(&mut self, local: &Local, remote: &Integration) {
        if local.manifest.id.is_none() {
            return;
        }
        let changes: Vec<Change> = [
            Change::text("name", Some(&remote.name), Some(&local.manifest.name)),
            Change::text("description", remote.description.as_deref(), local.manifest.description.as_deref()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if changes.is_empty() {
            self.unchanged.push("integration".into());
        } else {
            self.steps.push(Step::UpdateIntegration { changes });
        }
    }

    fn compare_auth(&mut self, local: &Local, remote: &Integration) {
        let mut changes = Vec::new();
        if remote.auth_type != local.auth.auth_type {
            changes.push(Change {
                what: "type".into(),
                diff: Some(format!("- {}\n+ {} (every user must reconnect)\n", remote.auth_type, local.auth.auth_type)),
            });
        }
        let local_fields: Vec<AuthField> = local.auth.auth_fields.iter().flatten().map(normal_auth_field).collect();
        let remote_fields: Vec<AuthField> = remote.auth_fields.iter().map(normal_auth_field).collect();
        if local_fields != remote_fields {
            changes.push(Change::plain("fields"));
        }
        changes.extend(Change::text(
            "testCode",
            remote.auth_test_code.as_deref(),
            local.auth.auth_test_code.as_deref(),
        ));
        let local_oauth = local.auth.oauth_client.as_ref().map(normal_oauth);
        if local.auth.auth_type.is_oauth() && remote.oauth_client.as_ref().map(normal_oauth) != local_oauth {
            changes.push(Change::plain("oauth"));
        }
        let secret_sent = local.auth.oauth_client.as_ref().is_some_and(|c| c.client_secret.is_some());
        if changes.is_empty() && secret_sent && self.state.auth.as_deref() != Some(&state::hash(&local.auth)) {
            changes.push(Change::plain("oauth client secret (not readable: sent again)"));
        }
        let is_default =
            local.manifest.id.is_none() && local.auth.auth_type == langdock::AuthType::None && local_fields.is_empty();
        if changes.is_empty() || is_default {
            self.unchanged.push("auth".into());
        } else {
            self.steps.push(Step::UpdateAuth { changes });
        }
    }

    fn compare_actions(&mut self, local: &Local, remote: &Integration, prune: bool) {
        for (index, body) in local.actions.iter().enumerate() {
            match remote.actions.iter().find(|action| action.name == body.name) {
                None => self.steps.push(Step::CreateAction { name: body.name.clone(), index }),
                Some(action) => {
                    let changes = action_changes(action, body);
                    if changes.is_empty() {
                        self.unchanged.push(format!("action {:?}", body.name));
                    } else {
                        self.steps.push(Step::UpdateAction {
                            name: body.name.clone(),
                            index,
                            id: action.id.clone(),
                            changes,
                        });
                    }
                }
            }
        }
        for action in remote.actions.iter().filter(|a| !local.actions.iter().any(|body| body.name == a.name)) {
            if prune {
                self.steps.push(Step::DeleteAction { name: action.name.clone(), id: action.id.clone() });
            } else {
                self.notes.push(format!("action {:?} is not in the manifest: kept (--prune deletes it)", action.name));
            }
        }
    }

    fn compare_triggers(&mut self, local: &Local, remote: &Integration, prune: bool) {
        for (index, body) in local.triggers.iter().enumerate() {
            match remote.triggers.iter().find(|trigger| trigger.name == body.name) {
                None => self.steps.push(Step::CreateTrigger { name: body.name.clone(), index }),
                Some(trigger) => {
                    let mut changes: Vec<Change> =
                        Change::text("description", trigger.description.as_deref(), body.description.as_deref())
                            .into_iter()
                            .collect();
                    match self.state.triggers.get(&body.name) {
                        Some(sent) if *sent == state::hash(body) => {}
                        Some(_) => {
                            changes.push(Change::plain("pollingCode or inputFields (changed since the last apply)"))
                        }
                        None => changes.push(Change::plain("pollingCode and inputFields (not readable: sent again)")),
                    }
                    if changes.is_empty() {
                        self.unchanged.push(format!("trigger {:?}", body.name));
                    } else {
                        self.steps.push(Step::UpdateTrigger {
                            name: body.name.clone(),
                            index,
                            id: trigger.id.clone(),
                            changes,
                        });
                    }
                }
            }
        }
        for trigger in remote.triggers.iter().filter(|t| !local.triggers.iter().any(|body| body.name == t.name)) {
            if prune {
                self.steps.push(Step::DeleteTrigger { name: trigger.name.clone(), id: trigger.id.clone() });
            } else {
                self.notes
                    .push(format!("trigger {:?} is not in the manifest: kept (--prune deletes it)", trigger.name));
            }
        }
    }

    /// True when apply would change something.
    pub fn has_changes(&self) -> bool {
        !self.steps.is_empty()
    }

    /// The plan as JSON for `--json`.
    pub fn summary(&self) -> &Plan {
        self
    }

    /// Prints the plan for people.
    pub fn print(&self) {
        for step in &self.steps {
            println!("{}", describe(step));
            for change in changes_of(step) {
                println!("    {}", change.what);
                for line in change.diff.iter().flat_map(|diff| diff.lines()) {
                    println!("      {line}");
                }
            }
        }
        for note in &self.notes {
            println!("note: {note}");
        }
        let count = |f: fn(&Step) -> bool| self.steps.iter().filter(|s| f(s)).count();
        println!(
            "Plan: {} to create, {} to update, {} to delete, {} unchanged.",
            count(|s| matches!(
                s,
                Step::CreateIntegration { .. } | Step::CreateAction { .. } | Step::CreateTrigger { .. }
            )),
            count(|s| matches!(
                s,
                Step::UpdateIntegration { .. }
                    | Step::UpdateAuth { .. }
                    | Step::UpdateAction { .. }
                    | Step::UpdateTrigger { .. }
            )),
            count(|s| matches!(s, Step::DeleteAction { .. } | Step::DeleteTrigger { .. })),
            self.unchanged.len()
        );
    }

    /// Makes the changes in order, keeping the state file current after each, and reports what was
    /// and was not applied. Running apply again after a failure completes the work.
    pub async fn apply(mut self, client: &Client, local: &Local, out: &Output) -> Result<Report, Failure> {
        let bar = out.progress(self.steps.len());
        let steps = std::mem::take(&mut self.steps);
        let mut report = Report {
            integration_id: self.integration_id.clone(),
            applied: Vec::new(),
            not_applied: Vec::new(),
            warnings: Vec::new(),
        };
        self.state.integration_id = self.integration_id.clone();
        for (position, step) in steps.iter().enumerate() {
            bar.set_message(describe(step));
            if let Err(error) = self.apply_step(client, local, step).await {
                bar.finish_and_clear();
                report.not_applied = steps[position..].iter().map(describe).collect();
                self.state.save(&local.dir)?;
                let mut failure = Failure::from(error);
                for warning in &self.warnings {
                    failure = failure.detail(format!("warning: {warning}"));
                }
                failure = failure.detail(format!("failed at: {}", describe(step)));
                for done in &report.applied {
                    failure = failure.detail(format!("applied: {done}"));
                }
                for missing in &report.not_applied {
                    failure = failure.detail(format!("not applied: {missing}"));
                }
                return Err(failure.hint("fix the cause and run apply again: it continues from what is applied"));
            }
            report.applied.push(describe(step));
            report.integration_id = self.integration_id.clone();
            bar.inc(1);
        }
        bar.finish_and_clear();
        self.state.integration_id = self.integration_id.clone();
        if self.state.auth.is_none() && local.auth.oauth_client.as_ref().is_some_and(|c| c.client_secret.is_some()) {
            self.state.auth = Some(state::hash(&local.auth));
        }
        for body in &local.triggers {
            self.state.triggers.entry(body.name.clone()).or_insert_with(|| state::hash(body));
        }
        if self.integration_id.is_some() {
            self.state.save(&local.dir)?;
        }
        report.warnings = self.warnings;
        Ok(report)
    }

    async fn apply_step(&mut self, client: &Client, local: &Local, step: &Step) -> langdock::Result<()> {
        let id = self.integration_id.clone().unwrap_or_default();
        match step {
            Step::CreateIntegration { .. } => {
                let body = CreateIntegration {
                    name: local.manifest.name.clone(),
                    description: local.manifest.description.clone(),
                    ..Default::default()
                };
                let created = client.integrations().create(&body).await?;
                self.integration_id = Some(created.id.clone());
                self.state.integration_id = Some(created.id.clone());
                if let Err(failure) = manifest::record_id(&local.dir, &created.id) {
                    self.warnings.push(format!("{failure}: add `id: {}` to the manifest", created.id));
                }
                self.state.save(&local.dir).ok();
            }
            Step::UpdateIntegration { .. } => {
                let body = UpdateIntegration {
                    name: Some(local.manifest.name.clone()),
                    description: Some(local.manifest.description.clone().unwrap_or_default()),
                    ..Default::default()
                };
                client.integrations().update(&id, &body).await?;
            }
            Step::UpdateAuth { .. } => {
                client.integrations().update_auth(&id, &local.auth).await?;
                self.state.auth = Some(state::hash(&local.auth));
                self.state.save(&local.dir).ok();
            }
            Step::CreateAction { index, .. } => {
                client.actions().create(&id, &local.actions[*index]).await?;
            }
            Step::UpdateAction { index, id: action_id, .. } => {
                client.actions().update(&id, action_id, &local.actions[*index]).await?;
            }
            Step::DeleteAction { id: action_id, .. } => {
                client.actions().delete(&id, action_id).await?;
            }
            Step::CreateTrigger { index, name } | Step::UpdateTrigger { index, name, .. } => {
                let body = &local.triggers[*index];
                match step {
                    Step::UpdateTrigger { id: trigger_id, .. } => {
                        client.triggers().update(&id, trigger_id, body).await?
                    }
                    _ => client.triggers().create(&id, body).await?,
                };
                self.state.triggers.insert(name.clone(), state::hash(body));
                self.state.save(&local.dir).ok();
            }
            Step::DeleteTrigger { id: trigger_id, name } => {
                client.triggers().delete(&id, trigger_id).await?;
                self.state.triggers.remove(name);
                self.state.save(&local.dir).ok();
            }
        }
        Ok(())
    }
}

/// What apply did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The integration.
    pub integration_id: Option<String>,
    /// The steps made.
    pub applied: Vec<String>,
    /// The steps not made (after a failure).
    pub not_applied: Vec<String>,
    /// What went wrong without stopping apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Report {
    /// Prints the report for people.
    pub fn print(&self) {
        for warning in &self.warnings {
            eprintln!("warning: {warning}");
        }
        if self.applied.is_empty() {
            println!("Nothing to apply: the workspace matches the directory.");
        } else {
            println!(
                "Applied {} change(s) to integration {}.",
                self.applied.len(),
                self.integration_id.as_deref().unwrap_or("?")
            );
        }
    }
}

fn describe(step: &Step) -> String {
    match step {
        Step::CreateIntegration { name } => format!("+ create integration {name:?}"),
        Step::UpdateIntegration { .. } => "~ update integration".into(),
        Step::UpdateAuth { .. } => "~ update auth".into(),
        Step::CreateAction { name, .. } => format!("+ create action {name:?}"),
        Step::UpdateAction { name, .. } => format!("~ update action {name:?}"),
        Step::DeleteAction { name, .. } => format!("- delete action {name:?}"),
        Step::CreateTrigger { name, .. } => format!("+ create trigger {name:?}"),
        Step::UpdateTrigger { name, .. } => format!("~ update trigger {name:?}"),
        Step::DeleteTrigger { name, .. } => format!("- delete trigger {name:?}"),
    }
}

fn changes_of(step: &Step) -> &[Change] {
    match step {
        Step::UpdateIntegration { changes }
        | Step::UpdateAuth { changes }
        | Step::UpdateAction { changes, .. }
        | Step::UpdateTrigger { changes, .. } => changes,
        _ => &[],
    }
}

fn action_changes(remote: &Action, local: &langdock::ActionInput) -> Vec<Change> {
    let mut changes: Vec<Change> = [
        Change::text("description", remote.description.as_deref(), local.description.as_deref()),
        Change::text("code", remote.code.as_deref(), local.code.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let wanted = local.requires_confirmation.unwrap_or(true);
    if remote.requires_confirmation.unwrap_or(true) != wanted {
        changes.push(Change::plain(format!("requiresConfirmation: {wanted}")));
    }
    let remote_fields: Vec<InputField> = remote.input_fields.iter().map(normal_input_field).collect();
    let local_fields: Vec<InputField> = local.input_fields.iter().flatten().map(normal_input_field).collect();
    if remote_fields != local_fields {
        let show = |fields: &[InputField]| serde_norway::to_string(fields).unwrap_or_default();
        let diff = similar::TextDiff::from_lines(&show(&remote_fields), &show(&local_fields))
            .unified_diff()
            .header("workspace", "directory")
            .to_string();
        changes.push(Change { what: "inputFields".into(), diff: Some(diff) });
    }
    changes
}

fn empty_as_none(text: &Option<String>) -> Option<String> {
    text.clone().filter(|t| !t.is_empty())
}

/// An input field as far as the directory decides it (no server-made slug or order).
fn normal_input_field(field: &InputField) -> InputField {
    InputField {
        description: empty_as_none(&field.description),
        placeholder: empty_as_none(&field.placeholder),
        slug: None,
        order: None,
        extra: Default::default(),
        ..field.clone()
    }
}

fn normal_auth_field(field: &AuthField) -> AuthField {
    AuthField {
        id: None,
        description: empty_as_none(&field.description),
        placeholder: empty_as_none(&field.placeholder),
        extra: Default::default(),
        ..field.clone()
    }
}

fn normal_oauth(client: &OAuthClient) -> OAuthClient {
    OAuthClient { client_secret: None, extra: Default::default(), ..client.clone() }
}
