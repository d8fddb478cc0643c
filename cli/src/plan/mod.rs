//! `plan` and `apply`: what differs between a directory and the workspace, and making them match. This file
//! holds what a plan is; finding the differences is [`diff`]'s, showing them [`render`]'s, making them [`apply`]'s.

mod apply;
mod diff;
mod render;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::state::State;

/// The kinds of item an integration holds a list of. Planning and applying them is the same work apart from
/// the words and the client calls, which this knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// An action.
    Action,
    /// A trigger.
    Trigger,
}

impl ItemKind {
    /// The word for one item in plans and reports, e.g. `trigger`.
    pub fn word(self) -> &'static str {
        match self {
            ItemKind::Action => "action",
            ItemKind::Trigger => "trigger",
        }
    }
}

/// One change apply would make.
#[derive(Debug, Clone)]
pub enum Step {
    /// Create the integration (the manifest has no id yet).
    CreateIntegration { name: String },
    /// Change the name or description.
    UpdateIntegration { changes: Vec<Change> },
    /// Change the auth setup.
    UpdateAuth { changes: Vec<Change> },
    /// Create the item at this manifest index.
    Create { kind: ItemKind, name: String, index: usize },
    /// Replace an existing item with the one at this manifest index.
    Update { kind: ItemKind, name: String, index: usize, id: String, changes: Vec<Change> },
    /// Delete an item the manifest no longer has (`--prune`).
    Delete { kind: ItemKind, name: String, id: String },
}

/// `--json` shows a step as `{"step": "<verb>_<kind>", ...fields}`, e.g. `"step": "delete_action"`.
impl Serialize for Step {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Step::CreateIntegration { name } => {
                map.serialize_entry("step", "create_integration")?;
                map.serialize_entry("name", name)?;
            }
            Step::UpdateIntegration { changes } => {
                map.serialize_entry("step", "update_integration")?;
                map.serialize_entry("changes", changes)?;
            }
            Step::UpdateAuth { changes } => {
                map.serialize_entry("step", "update_auth")?;
                map.serialize_entry("changes", changes)?;
            }
            Step::Create { kind, name, index } => {
                map.serialize_entry("step", &format!("create_{}", kind.word()))?;
                map.serialize_entry("name", name)?;
                map.serialize_entry("index", index)?;
            }
            Step::Update { kind, name, index, id, changes } => {
                map.serialize_entry("step", &format!("update_{}", kind.word()))?;
                map.serialize_entry("name", name)?;
                map.serialize_entry("index", index)?;
                map.serialize_entry("id", id)?;
                map.serialize_entry("changes", changes)?;
            }
            Step::Delete { kind, name, id } => {
                map.serialize_entry("step", &format!("delete_{}", kind.word()))?;
                map.serialize_entry("name", name)?;
                map.serialize_entry("id", id)?;
            }
        }
        map.end()
    }
}

/// One property that differs, with a diff when it is code.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Change {
    /// What differs, e.g. `code` or `inputFields`.
    pub what: String,
    /// A unified diff of the workspace's value against the directory's, for code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// Everything apply would do, and what it leaves alone.
#[derive(Debug, serde::Serialize)]
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
#[derive(Debug, serde::Serialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `plan --json` shows the same step names and fields as when each item kind had its own steps.
    #[test]
    fn steps_serialise_as_verb_and_kind_with_their_fields_in_order() {
        let change = Change { what: "code".into(), diff: None };
        let steps = [
            Step::Create { kind: ItemKind::Action, name: "a".into(), index: 0 },
            Step::Update { kind: ItemKind::Action, name: "b".into(), index: 1, id: "a1".into(), changes: vec![change] },
            Step::Delete { kind: ItemKind::Trigger, name: "u".into(), id: "t2".into() },
            Step::UpdateAuth { changes: vec![] },
        ];
        let json: Vec<String> = steps.iter().map(|step| serde_json::to_string(step).unwrap()).collect();
        assert_eq!(
            json,
            [
                r#"{"step":"create_action","name":"a","index":0}"#,
                r#"{"step":"update_action","name":"b","index":1,"id":"a1","changes":[{"what":"code"}]}"#,
                r#"{"step":"delete_trigger","name":"u","id":"t2"}"#,
                r#"{"step":"update_auth","changes":[]}"#,
            ]
        );
    }
}
