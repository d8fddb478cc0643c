//! The API's operations: one name per endpoint, shared by the router, fault injection and the journal.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::config::Scope;

/// One endpoint of the Integrations API, named as in fault injection and the journal (`snake_case` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// `GET /integrations/v1/get`
    ListIntegrations,
    /// `POST /integrations/v1/create`
    CreateIntegration,
    /// `GET /integrations/v1/{integrationId}`
    GetIntegration,
    /// `PATCH /integrations/v1/{integrationId}`
    UpdateIntegration,
    /// `PATCH /integrations/v1/{integrationId}/auth`
    UpdateAuth,
    /// `GET /integrations/v1/{integrationId}/icon`
    GetIcon,
    /// `PUT /integrations/v1/{integrationId}/icon`
    PutIcon,
    /// `POST /integrations/v1/{integrationId}/actions/create`
    CreateAction,
    /// `PUT /integrations/v1/{integrationId}/actions/{actionId}`
    UpdateAction,
    /// `DELETE /integrations/v1/{integrationId}/actions/{actionId}`
    DeleteAction,
    /// `POST /integrations/v1/{integrationId}/triggers/create`
    CreateTrigger,
    /// `PUT /integrations/v1/{integrationId}/triggers/{triggerId}`
    UpdateTrigger,
    /// `DELETE /integrations/v1/{integrationId}/triggers/{triggerId}`
    DeleteTrigger,
}

impl Operation {
    /// Every operation, in the order of API.md section 4.
    pub const ALL: [Operation; 13] = [
        Operation::ListIntegrations,
        Operation::CreateIntegration,
        Operation::GetIntegration,
        Operation::UpdateIntegration,
        Operation::UpdateAuth,
        Operation::GetIcon,
        Operation::PutIcon,
        Operation::CreateAction,
        Operation::UpdateAction,
        Operation::DeleteAction,
        Operation::CreateTrigger,
        Operation::UpdateTrigger,
        Operation::DeleteTrigger,
    ];

    /// The wire name, e.g. `create_action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::ListIntegrations => "list_integrations",
            Operation::CreateIntegration => "create_integration",
            Operation::GetIntegration => "get_integration",
            Operation::UpdateIntegration => "update_integration",
            Operation::UpdateAuth => "update_auth",
            Operation::GetIcon => "get_icon",
            Operation::PutIcon => "put_icon",
            Operation::CreateAction => "create_action",
            Operation::UpdateAction => "update_action",
            Operation::DeleteAction => "delete_action",
            Operation::CreateTrigger => "create_trigger",
            Operation::UpdateTrigger => "update_trigger",
            Operation::DeleteTrigger => "delete_trigger",
        }
    }

    /// Scopes of which the caller's key must hold at least one (API.md section 1).
    pub fn accepted_scopes(self) -> &'static [Scope] {
        match self {
            Operation::ListIntegrations => &[Scope::AssistantApi, Scope::IntegrationApi],
            _ => &[Scope::IntegrationApi],
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Operation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operation::ALL.into_iter().find(|op| op.as_str() == s).ok_or_else(|| format!("unknown operation {s:?}"))
    }
}
