//! `plan` and `apply`: what differs between a directory and the workspace, and making them match. This file
//! holds what a plan is; finding the differences is [`diff`]'s, showing them [`render`]'s, making them [`apply`]'s.

mod apply;
mod diff;
mod render;

use serde::Serialize;

use crate::state::State;

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
    /// True when apply would change something.
    pub fn has_changes(&self) -> bool {
        !self.steps.is_empty()
    }

    /// The plan as JSON for `--json`.
    pub fn summary(&self) -> &Plan {
        self
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
