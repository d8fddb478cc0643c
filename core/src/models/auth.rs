//! How users of an integration authenticate: the auth type, its fields and the OAuth client.

use std::fmt;

use serde::Serialize;

use super::Extra;

string_enum! {
    /// How an integration authenticates its users.
    pub enum AuthType {
        /// No authentication.
        #[default]
        None = "NONE",
        /// The user enters an API key (and whatever `authFields` ask for).
        ApiKey = "API_KEY",
        /// OAuth 2.0 with a registered client.
        OAuth = "OAUTH",
        /// OAuth 2.0 with dynamic client registration.
        OAuthDcr = "OAUTH_DCR",
        /// Service account. Only an older documentation page mentions it: possibly retired.
        ServiceAccount = "SERVICE_ACCOUNT",
    }
}

impl AuthType {
    /// True for the two OAuth types, the only ones that take an `oauthClient`.
    pub fn is_oauth(&self) -> bool {
        matches!(self, AuthType::OAuth | AuthType::OAuthDcr)
    }
}

string_enum! {
    /// The type of an auth field.
    pub enum AuthFieldType {
        /// One line of text.
        #[default]
        Text = "TEXT",
        /// Several lines of text.
        MultiLineText = "MULTI_LINE_TEXT",
        /// A secret, masked in the UI.
        Password = "PASSWORD",
        /// A number.
        Number = "NUMBER",
        /// An embedding model choice.
        EmbeddingModel = "EMBEDDING_MODEL",
    }
}

/// A value the user enters when connecting; action code reads it as `data.auth.<slug>`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthField {
    /// The server-made id: read from responses, never sent.
    #[serde(skip_serializing_if = "crate::binding::skip_read_only")]
    pub id: Option<String>,
    /// Unique in the integration (at most 100 characters).
    pub slug: String,
    /// What the user sees (at most 100 characters).
    pub label: String,
    /// The field type.
    #[serde(rename = "type")]
    pub field_type: AuthFieldType,
    /// Help text (at most 500 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Placeholder text (at most 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Whether the user must fill it in.
    pub required: bool,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl AuthField {
    /// A field with this slug, label and type.
    pub fn new(slug: impl Into<String>, label: impl Into<String>, field_type: AuthFieldType) -> AuthField {
        AuthField { slug: slug.into(), label: label.into(), field_type, ..AuthField::default() }
    }

    /// The same field, marked required.
    pub fn required(mut self) -> AuthField {
        self.required = true;
        self
    }
}

/// The OAuth client of an `OAUTH` or `OAUTH_DCR` integration.
///
/// `client_secret` is write-only: the server never returns it, and `Debug` never prints it.
#[derive(Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClient {
    /// The OAuth client id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The OAuth client secret (sent, never returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The authorization endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<String>,
    /// The token endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// Space-separated scopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    /// The label of the connect button.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Custom JavaScript that builds the authorization URL (at most 1,000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_code: Option<String>,
    /// Custom JavaScript that exchanges the code for a token (at most 1,000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_code: Option<String>,
    /// Custom JavaScript that refreshes the token (at most 1,000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_code: Option<String>,
    /// Properties this version does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "[redacted]"))
            .field("auth_url", &self.auth_url)
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .field("label", &self.label)
            .field("authorization_code", &self.authorization_code)
            .field("access_token_code", &self.access_token_code)
            .field("refresh_token_code", &self.refresh_token_code)
            .field("extra", &self.extra)
            .finish()
    }
}

/// The body of an auth update. Changing `auth_type` disconnects every user of the integration.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAuth {
    /// The auth type (required).
    pub auth_type: AuthType,
    /// When given, replaces the whole list of auth fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_fields: Option<Vec<AuthField>>,
    /// JavaScript that tests a connection (at most 1,000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_test_code: Option<String>,
    /// The OAuth client; only with `OAUTH` or `OAUTH_DCR`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_client: Option<OAuthClient>,
    /// Properties this version does not know, sent as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

impl UpdateAuth {
    /// An update to this auth type, leaving the rest to the server's rules.
    pub fn new(auth_type: AuthType) -> UpdateAuth {
        UpdateAuth { auth_type, ..UpdateAuth::default() }
    }
}

// Decoding: each field's wire name, then its aliases (see `deserialize.rs`).
deserialize_with_extra!(AuthField {
    required { slug: String = "slug", label: String = "label" }
    optional {
        id: Option<String> = "id",
        field_type: AuthFieldType = "type",
        description: Option<String> = "description",
        placeholder: Option<String> = "placeholder",
        required: bool = "required",
    }
});

deserialize_with_extra!(OAuthClient {
    required {}
    optional {
        client_id: Option<String> = "clientId" | "client_id",
        client_secret: Option<String> = "clientSecret" | "client_secret",
        auth_url: Option<String> = "authUrl" | "auth_url",
        token_url: Option<String> = "tokenUrl" | "token_url",
        scopes: Option<String> = "scopes",
        label: Option<String> = "label",
        authorization_code: Option<String> = "authorizationCode" | "authorization_code",
        access_token_code: Option<String> = "accessTokenCode" | "access_token_code",
        refresh_token_code: Option<String> = "refreshTokenCode" | "refresh_token_code",
    }
});

deserialize_with_extra!(UpdateAuth {
    required { auth_type: AuthType = "authType" | "auth_type" }
    optional {
        auth_fields: Option<Vec<AuthField>> = "authFields" | "auth_fields",
        auth_test_code: Option<String> = "authTestCode" | "auth_test_code",
        oauth_client: Option<OAuthClient> = "oauthClient" | "oauth_client",
    }
});
