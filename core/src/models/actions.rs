//! Actions: the JavaScript an agent can run, with the input fields it asks for.

use serde::Serialize;

use super::{Extra, InputField};

/// An action as the API returns it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// The action id (UUID).
    pub id: String,
    /// The name, unique in the integration.
    pub name: String,
    /// The server-made slug; it never changes, even on rename.
    pub slug: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The JavaScript the action runs.
    pub code: Option<String>,
    /// The position in the integration, from 0.
    pub order: Option<u32>,
    /// Whether a user confirms before the action runs.
    pub requires_confirmation: Option<bool>,
    /// The inputs the action asks for.
    pub input_fields: Vec<InputField>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of an action create, and of an update (a full replacement).
///
/// On update, an omitted `description` is cleared and omitted `input_fields` are removed, while an
/// omitted `code` or `requires_confirmation` keeps its stored value.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionInput {
    /// The name (required, at most 100 characters, unique in the integration).
    pub name: String,
    /// The description (at most 1,000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The JavaScript (at most 40,000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The inputs the action asks for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_fields: Option<Vec<InputField>>,
    /// Whether a user confirms before it runs; the server's default is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_confirmation: Option<bool>,
    /// Properties this version does not know, sent as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ActionInput {
    /// An action with this name.
    pub fn new(name: impl Into<String>) -> ActionInput {
        ActionInput { name: name.into(), ..ActionInput::default() }
    }

    /// The same action with a description.
    pub fn description(mut self, description: impl Into<String>) -> ActionInput {
        self.description = Some(description.into());
        self
    }

    /// The same action with this code.
    pub fn code(mut self, code: impl Into<String>) -> ActionInput {
        self.code = Some(code.into());
        self
    }

    /// The same action with these input fields.
    pub fn input_fields(mut self, fields: impl IntoIterator<Item = InputField>) -> ActionInput {
        self.input_fields = Some(fields.into_iter().collect());
        self
    }

    /// The same action, with or without confirmation.
    pub fn requires_confirmation(mut self, requires: bool) -> ActionInput {
        self.requires_confirmation = Some(requires);
        self
    }

    /// True when `action` (as the server returns it) holds what this input would send.
    pub(crate) fn matches(&self, action: &Action) -> bool {
        let fields_match = match &self.input_fields {
            None => action.input_fields.is_empty(),
            Some(fields) => {
                fields.len() == action.input_fields.len()
                    && fields.iter().zip(&action.input_fields).all(|(sent, stored)| {
                        sent.label == stored.label
                            && sent.field_type == stored.field_type
                            && sent.required == stored.required
                            && same_text(&sent.description, &stored.description)
                            && same_text(&sent.placeholder, &stored.placeholder)
                    })
            }
        };
        self.name == action.name
            && same_text(&self.description, &action.description)
            && (self.code.is_none() || self.code == action.code)
            && self.requires_confirmation.is_none_or(|requires| Some(requires) == action.requires_confirmation)
            && fields_match
    }
}

/// Absent and empty text are the same to the server: a cleared description may come back as either.
pub(crate) fn same_text(sent: &Option<String>, stored: &Option<String>) -> bool {
    sent.as_deref().unwrap_or_default() == stored.as_deref().unwrap_or_default()
}

impl From<&Action> for ActionInput {
    fn from(action: &Action) -> ActionInput {
        ActionInput {
            name: action.name.clone(),
            description: action.description.clone(),
            code: action.code.clone(),
            input_fields: Some(action.input_fields.clone()),
            requires_confirmation: action.requires_confirmation,
            extra: Extra::new(),
        }
    }
}

/// What a delete answers.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// The server's message, e.g. `"Action deleted"`.
    pub message: String,
    /// The id of what was deleted.
    pub id: String,
    /// True when an earlier attempt of this call already deleted it: a retried delete that met a
    /// 404 after an ambiguous failure is reported as done. Never sent by the server.
    pub already_deleted: bool,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

// Decoding: each field's wire name, then its aliases (see `deserialize.rs`).
deserialize_with_extra!(Action {
    required { id: String = "id" }
    optional {
        name: String = "name",
        slug: Option<String> = "slug",
        description: Option<String> = "description",
        code: Option<String> = "code",
        order: Option<u32> = "order",
        requires_confirmation: Option<bool> = "requiresConfirmation" | "requires_confirmation",
        input_fields: Vec<InputField> = "inputFields" | "input_fields",
    }
});

deserialize_with_extra!(ActionInput {
    required { name: String = "name" }
    optional {
        description: Option<String> = "description",
        code: Option<String> = "code",
        input_fields: Option<Vec<InputField>> = "inputFields" | "input_fields",
        requires_confirmation: Option<bool> = "requiresConfirmation" | "requires_confirmation",
    }
});

deserialize_with_extra!(Deleted {
    required {}
    optional {
        message: String = "message",
        id: String = "id",
        already_deleted: bool = "alreadyDeleted" | "already_deleted",
    }
});
