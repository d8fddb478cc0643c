//! Triggers: polling code that starts workflows.

use serde::Serialize;

use super::{Extra, InputField};

/// A trigger as the API returns it. The API never returns its polling code or input fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// The trigger id (UUID).
    pub id: String,
    /// The name, unique in the integration.
    pub name: String,
    /// The server-made slug.
    pub slug: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of a trigger create, and of an update (a full replacement: since the API does not
/// return polling code or input fields, resend everything you want to keep).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerInput {
    /// The name (required, at most 100 characters, unique in the integration).
    pub name: String,
    /// The description (at most 90 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The JavaScript that polls (at most 1,000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polling_code: Option<String>,
    /// The inputs (the first seven field types only; no `contextActionId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_fields: Option<Vec<InputField>>,
    /// Properties this version does not know, sent as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TriggerInput {
    /// A trigger with this name.
    pub fn new(name: impl Into<String>) -> TriggerInput {
        TriggerInput { name: name.into(), ..TriggerInput::default() }
    }

    /// The same trigger with a description.
    pub fn description(mut self, description: impl Into<String>) -> TriggerInput {
        self.description = Some(description.into());
        self
    }

    /// The same trigger with this polling code.
    pub fn polling_code(mut self, code: impl Into<String>) -> TriggerInput {
        self.polling_code = Some(code.into());
        self
    }

    /// The same trigger with these input fields.
    pub fn input_fields(mut self, fields: impl IntoIterator<Item = InputField>) -> TriggerInput {
        self.input_fields = Some(fields.into_iter().collect());
        self
    }

    /// True when `trigger` (as the server returns it) matches what this input would send, as far
    /// as the API shows a trigger.
    pub(crate) fn matches(&self, trigger: &Trigger) -> bool {
        self.name == trigger.name && super::actions::same_text(&self.description, &trigger.description)
    }
}

// Decoding: each field's wire name, then its aliases (see `deserialize.rs`).
deserialize_with_extra!(Trigger {
    required { id: String = "id" }
    optional { name: String = "name", slug: Option<String> = "slug", description: Option<String> = "description" }
});

deserialize_with_extra!(TriggerInput {
    required { name: String = "name" }
    optional {
        description: Option<String> = "description",
        polling_code: Option<String> = "pollingCode" | "polling_code",
        input_fields: Option<Vec<InputField>> = "inputFields" | "input_fields",
    }
});
