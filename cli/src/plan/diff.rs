//! Finding what differs: the workspace's integration read back and compared, part by part, with the directory.
//! Values the server fills in or cannot return (slugs, order, secrets, polling code) are normalised away or
//! judged by the state file's hashes, so an unchanged directory plans nothing.

use langdock::{Action, AuthField, Client, InputField, Integration, OAuthClient, Trigger, TriggerInput};

use super::{Change, ItemKind, Plan, Step};
use crate::failure::Failure;
use crate::manifest::Local;
use crate::state::{self, State};

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
        let remote = remote.actions.iter().map(|a| (a.name.as_str(), a.id.as_str(), a));
        let local = local.actions.iter().map(|body| (body.name.as_str(), body));
        self.compare_items(ItemKind::Action, local, remote, prune, |_, action, body| action_changes(action, body));
    }

    fn compare_triggers(&mut self, local: &Local, remote: &Integration, prune: bool) {
        let remote = remote.triggers.iter().map(|t| (t.name.as_str(), t.id.as_str(), t));
        let local = local.triggers.iter().map(|body| (body.name.as_str(), body));
        self.compare_items(ItemKind::Trigger, local, remote, prune, trigger_changes);
    }

    /// Matches one kind of item by name: a manifest item the workspace lacks is created, one that differs
    /// updated, and a workspace item the manifest lacks deleted with `--prune` (noted without).
    fn compare_items<'a, L: 'a, R: 'a>(
        &mut self,
        kind: ItemKind,
        local: impl Iterator<Item = (&'a str, &'a L)> + Clone,
        remote: impl Iterator<Item = (&'a str, &'a str, &'a R)> + Clone,
        prune: bool,
        changes_of: impl Fn(&State, &R, &L) -> Vec<Change>,
    ) {
        let word = kind.word();
        for (index, (name, body)) in local.clone().enumerate() {
            match remote.clone().find(|(remote_name, ..)| *remote_name == name) {
                None => self.steps.push(Step::Create { kind, name: name.into(), index }),
                Some((_, id, item)) => {
                    let changes = changes_of(&self.state, item, body);
                    if changes.is_empty() {
                        self.unchanged.push(format!("{word} {name:?}"));
                    } else {
                        self.steps.push(Step::Update { kind, name: name.into(), index, id: id.into(), changes });
                    }
                }
            }
        }
        for (name, id, _) in remote.filter(|(name, ..)| !local.clone().any(|(local_name, _)| local_name == *name)) {
            if prune {
                self.steps.push(Step::Delete { kind, name: name.into(), id: id.into() });
            } else {
                self.notes.push(format!("{word} {name:?} is not in the manifest: kept (--prune deletes it)"));
            }
        }
    }
}

/// A trigger's polling code and input fields cannot be read back: the state file's hash of what was last sent
/// stands in for them.
fn trigger_changes(state: &State, remote: &Trigger, local: &TriggerInput) -> Vec<Change> {
    let mut changes: Vec<Change> =
        Change::text("description", remote.description.as_deref(), local.description.as_deref()).into_iter().collect();
    match state.triggers.get(&local.name) {
        Some(sent) if *sent == state::hash(local) => {}
        Some(_) => changes.push(Change::plain("pollingCode or inputFields (changed since the last apply)")),
        None => changes.push(Change::plain("pollingCode and inputFields (not readable: sent again)")),
    }
    changes
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
