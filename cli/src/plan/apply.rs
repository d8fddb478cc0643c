//! Making the workspace match: the plan's steps in order, the state file kept current after each, and a report
//! of what was and was not applied, so that running apply again after a failure completes the work.

use langdock::{Client, CreateIntegration, UpdateIntegration};

use super::render::describe;
use super::{ItemKind, Plan, Report, Step};
use crate::failure::Failure;
use crate::manifest::{self, Local};
use crate::output::Output;
use crate::state;

impl Plan {
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
            Step::Create { kind, name, index } | Step::Update { kind, name, index, .. } => {
                let existing = match step {
                    Step::Update { id: item_id, .. } => Some(item_id.as_str()),
                    _ => None,
                };
                match kind {
                    ItemKind::Action => {
                        let body = &local.actions[*index];
                        match existing {
                            Some(item_id) => client.actions().update(&id, item_id, body).await?,
                            None => client.actions().create(&id, body).await?,
                        };
                    }
                    ItemKind::Trigger => {
                        let body = &local.triggers[*index];
                        match existing {
                            Some(item_id) => client.triggers().update(&id, item_id, body).await?,
                            None => client.triggers().create(&id, body).await?,
                        };
                        // The API cannot return a trigger's polling code: the state file remembers what was sent.
                        self.state.triggers.insert(name.clone(), state::hash(body));
                        self.state.save(&local.dir).ok();
                    }
                }
            }
            Step::Delete { kind: ItemKind::Action, id: item_id, .. } => {
                client.actions().delete(&id, item_id).await?;
            }
            Step::Delete { kind: ItemKind::Trigger, id: item_id, name } => {
                client.triggers().delete(&id, item_id).await?;
                self.state.triggers.remove(name);
                self.state.save(&local.dir).ok();
            }
        }
        Ok(())
    }
}
