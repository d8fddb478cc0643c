//! Typed request and response models for every shape of the API.
//!
//! Forward compatible by construction: every struct keeps the fields it does not know in `extra`
//! (and sends request `extra` fields as they are), and every enum keeps a value it does not know as
//! `Unknown(String)`, so a newer server never breaks an older client.

#[macro_use]
mod string_enum;
mod actions;
mod auth;
mod fields;
mod integrations;
mod triggers;

pub use actions::{Action, ActionInput, Deleted};
pub use auth::{AuthField, AuthFieldType, AuthType, OAuthClient, UpdateAuth};
pub use fields::{InputField, InputFieldType, SelectOption};
pub use integrations::{
    ActionSummary, CreateIntegration, Icon, Integration, IntegrationRef, IntegrationSummary, UpdateIntegration,
};
pub use triggers::{Trigger, TriggerInput};

/// Unknown JSON properties, kept as they came.
pub type Extra = serde_json::Map<String, serde_json::Value>;
