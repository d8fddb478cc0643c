//! Integrations: the list entries, the full integration, and the create/update bodies.

use serde::{Deserialize, Serialize};

use super::{Action, AuthField, AuthType, Extra, OAuthClient, Trigger};

/// An action as the list endpoint shows it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionSummary {
    /// The action id (UUID).
    pub id: String,
    /// The action name.
    #[serde(default)]
    pub name: String,
    /// The action description.
    #[serde(default)]
    pub description: Option<String>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of the integration list: Langdock-built and custom integrations alike.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationSummary {
    /// The integration id (UUID).
    pub id: String,
    /// The integration name.
    #[serde(default)]
    pub name: String,
    /// The integration description.
    #[serde(default)]
    pub description: Option<String>,
    /// How users authenticate.
    #[serde(default)]
    #[serde(alias = "auth_type")]
    pub auth_type: AuthType,
    /// True for integrations made by Langdock, which cannot be changed through this API.
    /// (The API spells the property `buildByLangdock`.)
    #[serde(default, rename = "buildByLangdock")]
    pub built_by_langdock: bool,
    /// The integration's actions, in short.
    #[serde(default)]
    pub actions: Vec<ActionSummary>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What create and update answer: the integration's identity, not its contents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationRef {
    /// The integration id (UUID).
    pub id: String,
    /// The integration name.
    #[serde(default)]
    pub name: String,
    /// The integration description.
    #[serde(default)]
    pub description: Option<String>,
    /// When it was created (ISO 8601, UTC), in the create answer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "created_at")]
    pub created_at: Option<String>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A whole integration, as `get` and the auth update answer it.
///
/// The API returns neither a trigger's polling code nor its input fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    /// The integration id (UUID).
    pub id: String,
    /// The integration name.
    #[serde(default)]
    pub name: String,
    /// The integration description.
    #[serde(default)]
    pub description: Option<String>,
    /// How users authenticate.
    #[serde(default)]
    #[serde(alias = "auth_type")]
    pub auth_type: AuthType,
    /// JavaScript that tests a connection.
    #[serde(default)]
    #[serde(alias = "auth_test_code")]
    pub auth_test_code: Option<String>,
    /// The values users enter when connecting.
    #[serde(default)]
    #[serde(alias = "auth_fields")]
    pub auth_fields: Vec<AuthField>,
    /// The OAuth client, without its secret.
    #[serde(default)]
    #[serde(alias = "oauth_client")]
    pub oauth_client: Option<OAuthClient>,
    /// The actions, in order.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The triggers.
    #[serde(default)]
    pub triggers: Vec<Trigger>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of an integration create.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateIntegration {
    /// The name (required, at most 40 characters, no control characters). Names need not be unique.
    pub name: String,
    /// The description (at most 90 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Properties this version does not know, sent as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CreateIntegration {
    /// A create with this name.
    pub fn new(name: impl Into<String>) -> CreateIntegration {
        CreateIntegration { name: name.into(), ..CreateIntegration::default() }
    }

    /// The same create with a description.
    pub fn description(mut self, description: impl Into<String>) -> CreateIntegration {
        self.description = Some(description.into());
        self
    }
}

/// A partial update of an integration: only the properties given change; at least one is needed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateIntegration {
    /// A new name (at most 40 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description (at most 90 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new icon URL (`http(s)://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "icon_url")]
    pub icon_url: Option<String>,
    /// A new color, `#RRGGBB` or `#RGB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Properties this version does not know, sent as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An integration's icon.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Icon {
    /// Where the icon is served, or `None` when the integration has none.
    #[serde(default)]
    #[serde(alias = "icon_url")]
    pub icon_url: Option<String>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
