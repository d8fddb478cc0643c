//! Integrations: the list entries, the full integration, and the create/update bodies.

use serde::Serialize;

use super::{Action, AuthField, AuthType, Extra, OAuthClient, Trigger};

/// An action as the list endpoint shows it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionSummary {
    /// The action id (UUID).
    pub id: String,
    /// The action name.
    pub name: String,
    /// The action description.
    pub description: Option<String>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of the integration list: Langdock-built and custom integrations alike.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationSummary {
    /// The integration id (UUID).
    pub id: String,
    /// The integration name.
    pub name: String,
    /// The integration description.
    pub description: Option<String>,
    /// How users authenticate.
    pub auth_type: AuthType,
    /// True for integrations made by Langdock, which cannot be changed through this API.
    /// (The API spells the property `buildByLangdock`.)
    #[serde(rename = "buildByLangdock")]
    pub built_by_langdock: bool,
    /// The integration's actions, in short.
    pub actions: Vec<ActionSummary>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What create and update answer: the integration's identity, not its contents.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationRef {
    /// The integration id (UUID).
    pub id: String,
    /// The integration name.
    pub name: String,
    /// The integration description.
    pub description: Option<String>,
    /// When it was created (ISO 8601, UTC), in the create answer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A whole integration, as `get` and the auth update answer it.
///
/// The API returns neither a trigger's polling code nor its input fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    /// The integration id (UUID).
    pub id: String,
    /// The integration name.
    pub name: String,
    /// The integration description.
    pub description: Option<String>,
    /// How users authenticate.
    pub auth_type: AuthType,
    /// JavaScript that tests a connection.
    pub auth_test_code: Option<String>,
    /// The values users enter when connecting.
    pub auth_fields: Vec<AuthField>,
    /// The OAuth client, without its secret.
    pub oauth_client: Option<OAuthClient>,
    /// The actions, in order.
    pub actions: Vec<Action>,
    /// The triggers.
    pub triggers: Vec<Trigger>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of an integration create.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateIntegration {
    /// The name (required, at most 40 characters, no control characters). Names need not be unique.
    pub name: String,
    /// The description (at most 90 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateIntegration {
    /// A new name (at most 40 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description (at most 90 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new icon URL (`http(s)://…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// A new color, `#RRGGBB` or `#RGB`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Properties this version does not know, sent as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An integration's icon.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Icon {
    /// Where the icon is served, or `None` when the integration has none.
    pub icon_url: Option<String>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

// Decoding: each field's wire name, then its aliases (see `deserialize.rs`).
deserialize_with_extra!(ActionSummary {
    required { id: String = "id" }
    optional { name: String = "name", description: Option<String> = "description" }
});

deserialize_with_extra!(IntegrationSummary {
    required { id: String = "id" }
    optional {
        name: String = "name",
        description: Option<String> = "description",
        auth_type: AuthType = "authType" | "auth_type",
        built_by_langdock: bool = "buildByLangdock",
        actions: Vec<ActionSummary> = "actions",
    }
});

deserialize_with_extra!(IntegrationRef {
    required { id: String = "id" }
    optional {
        name: String = "name",
        description: Option<String> = "description",
        created_at: Option<String> = "createdAt" | "created_at",
    }
});

deserialize_with_extra!(Integration {
    required { id: String = "id" }
    optional {
        name: String = "name",
        description: Option<String> = "description",
        auth_type: AuthType = "authType" | "auth_type",
        auth_test_code: Option<String> = "authTestCode" | "auth_test_code",
        auth_fields: Vec<AuthField> = "authFields" | "auth_fields",
        oauth_client: Option<OAuthClient> = "oauthClient" | "oauth_client",
        actions: Vec<Action> = "actions",
        triggers: Vec<Trigger> = "triggers",
    }
});

deserialize_with_extra!(CreateIntegration {
    required { name: String = "name" }
    optional { description: Option<String> = "description" }
});

deserialize_with_extra!(UpdateIntegration {
    required {}
    optional {
        name: Option<String> = "name",
        description: Option<String> = "description",
        icon_url: Option<String> = "iconUrl" | "icon_url",
        color: Option<String> = "color",
    }
});

deserialize_with_extra!(Icon {
    required {}
    optional { icon_url: Option<String> = "iconUrl" | "icon_url" }
});
