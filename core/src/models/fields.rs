//! Input fields: what an action or trigger asks the user for.

use serde::{Deserialize, Serialize};

use super::Extra;

string_enum! {
    /// The type of an input field. Actions accept all ten; triggers the first seven.
    pub enum InputFieldType {
        /// One line of text (the default).
        #[default]
        Text = "TEXT",
        /// Several lines of text.
        MultiLineText = "MULTI_LINE_TEXT",
        /// A number.
        Number = "NUMBER",
        /// True or false.
        Boolean = "BOOLEAN",
        /// One (or, with `allowMultiSelect`, several) of `options`.
        Select = "SELECT",
        /// A secret the user types in.
        Password = "PASSWORD",
        /// A vector of numbers.
        Vector = "VECTOR",
        /// A JSON object (actions only).
        Object = "OBJECT",
        /// A file (actions only); several with `allowMultiSelect`.
        File = "FILE",
        /// An identifier (actions only).
        Id = "ID",
    }
}

impl InputFieldType {
    /// The types a trigger's input field may have.
    pub const TRIGGER_TYPES: &'static [InputFieldType] = &[
        InputFieldType::Text,
        InputFieldType::MultiLineText,
        InputFieldType::Number,
        InputFieldType::Boolean,
        InputFieldType::Select,
        InputFieldType::Password,
        InputFieldType::Vector,
    ];
}

/// One choice of a `SELECT` field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SelectOption {
    /// What the user sees.
    pub label: String,
    /// What the action's code receives.
    pub value: String,
}

impl SelectOption {
    /// An option with this label and value.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> SelectOption {
        SelectOption { label: label.into(), value: value.into() }
    }
}

/// An input field of an action or trigger, as sent and as returned.
///
/// `slug` and `order` are made by the server: they come back in responses, and the server ignores
/// them when a fetched field is sent back.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InputField {
    /// The label shown to the user (required, at most 100 characters).
    pub label: String,
    /// The field type; `TEXT` when not given.
    #[serde(rename = "type")]
    pub field_type: InputFieldType,
    /// Help text (at most 500 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Placeholder text (at most 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Whether the user must fill it in.
    pub required: bool,
    /// The choices of a `SELECT` field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<SelectOption>>,
    /// Several choices for `SELECT`, several files for `FILE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_multi_select: Option<bool>,
    /// The action (UUID) that supplies dynamic options for this field (actions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_action_id: Option<String>,
    /// The server-made slug: code reads the value as `data.input.<slug>`.
    #[serde(skip_serializing_if = "crate::binding::skip_read_only")]
    pub slug: Option<String>,
    /// The position, from 0.
    #[serde(skip_serializing_if = "crate::binding::skip_read_only")]
    pub order: Option<u32>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl InputField {
    /// A field with this label and type.
    pub fn new(label: impl Into<String>, field_type: InputFieldType) -> InputField {
        InputField { label: label.into(), field_type, ..InputField::default() }
    }

    /// The same field, marked required.
    pub fn required(mut self) -> InputField {
        self.required = true;
        self
    }

    /// The same field with a description.
    pub fn description(mut self, description: impl Into<String>) -> InputField {
        self.description = Some(description.into());
        self
    }
}

// Decoding: each field's wire name, then its aliases (see `deserialize.rs`).
deserialize_with_extra!(InputField {
    required { label: String = "label" }
    optional {
        field_type: InputFieldType = "type",
        description: Option<String> = "description",
        placeholder: Option<String> = "placeholder",
        required: bool = "required",
        options: Option<Vec<SelectOption>> = "options",
        allow_multi_select: Option<bool> = "allowMultiSelect" | "allow_multi_select",
        context_action_id: Option<String> = "contextActionId" | "context_action_id",
        slug: Option<String> = "slug",
        order: Option<u32> = "order",
    }
});
