//! The thirteen endpoints as data: name, method and path of each, in the order of API.md section 4.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The HTTP methods the API uses. Each side converts to its own HTTP library's type by [`Method::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method as it goes on the wire, e.g. `"PATCH"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One endpoint of the Integrations API. Its [`name`](Operation::name) is how logs, fault injection and the
/// emulator's journal call it (`snake_case`, also its serde form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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

/// Every operation's row: name, method, path. One line per endpoint, so a 14th is one more line here.
const TABLE: [(Operation, &str, Method, &str); 13] = {
    use Method::*;
    use Operation as Op;
    [
        (Op::ListIntegrations, "list_integrations", Get, "/integrations/v1/get"),
        (Op::CreateIntegration, "create_integration", Post, "/integrations/v1/create"),
        (Op::GetIntegration, "get_integration", Get, "/integrations/v1/{integrationId}"),
        (Op::UpdateIntegration, "update_integration", Patch, "/integrations/v1/{integrationId}"),
        (Op::UpdateAuth, "update_auth", Patch, "/integrations/v1/{integrationId}/auth"),
        (Op::GetIcon, "get_icon", Get, "/integrations/v1/{integrationId}/icon"),
        (Op::PutIcon, "put_icon", Put, "/integrations/v1/{integrationId}/icon"),
        (Op::CreateAction, "create_action", Post, "/integrations/v1/{integrationId}/actions/create"),
        (Op::UpdateAction, "update_action", Put, "/integrations/v1/{integrationId}/actions/{actionId}"),
        (Op::DeleteAction, "delete_action", Delete, "/integrations/v1/{integrationId}/actions/{actionId}"),
        (Op::CreateTrigger, "create_trigger", Post, "/integrations/v1/{integrationId}/triggers/create"),
        (Op::UpdateTrigger, "update_trigger", Put, "/integrations/v1/{integrationId}/triggers/{triggerId}"),
        (Op::DeleteTrigger, "delete_trigger", Delete, "/integrations/v1/{integrationId}/triggers/{triggerId}"),
    ]
};

impl Operation {
    /// Every operation, in the order of API.md section 4.
    pub const ALL: [Operation; 13] = {
        let mut all = [Operation::ListIntegrations; 13];
        let mut i = 0;
        while i < TABLE.len() {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    fn row(self) -> &'static (Operation, &'static str, Method, &'static str) {
        // The table is in declaration order, which a unit test pins.
        &TABLE[self as usize]
    }

    /// The snake_case name used in logs, fault injection and the journal, e.g. `"create_action"`.
    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// The HTTP method.
    pub fn method(self) -> Method {
        self.row().2
    }

    /// The full path with its parameters in braces, as API.md writes it, e.g.
    /// `/integrations/v1/{integrationId}/actions/{actionId}`.
    pub fn path_template(self) -> &'static str {
        self.row().3
    }

    /// The names of the path's parameters, in order, e.g. `["integrationId", "actionId"]`.
    pub fn path_params(self) -> Vec<&'static str> {
        self.path_template()
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }

    /// True for the operations that create something (answered with 201).
    pub fn is_create(self) -> bool {
        matches!(self, Operation::CreateIntegration | Operation::CreateAction | Operation::CreateTrigger)
    }

    /// True for the two deletes.
    pub fn is_delete(self) -> bool {
        matches!(self, Operation::DeleteAction | Operation::DeleteTrigger)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`Operation::ALL`]; its message lists the names that are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOperation(pub String);

impl fmt::Display for UnknownOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown operation {:?}", self.0)
    }
}

impl std::error::Error for UnknownOperation {}

impl FromStr for Operation {
    type Err = UnknownOperation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operation::ALL.into_iter().find(|op| op.name() == s).ok_or_else(|| UnknownOperation(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_declaration_order() {
        for (index, row) in TABLE.iter().enumerate() {
            assert_eq!(row.0 as usize, index, "{}", row.1);
        }
    }

    #[test]
    fn names_round_trip_through_from_str_and_serde() {
        for op in Operation::ALL {
            assert_eq!(op.name().parse::<Operation>(), Ok(op));
            let json = serde_json::to_string(&op).unwrap();
            assert_eq!(json, format!("\"{}\"", op.name()));
        }
        assert_eq!("nope".parse::<Operation>().unwrap_err().to_string(), "unknown operation \"nope\"");
    }

    #[test]
    fn path_params_are_read_from_the_template() {
        assert!(Operation::ListIntegrations.path_params().is_empty());
        assert_eq!(Operation::DeleteTrigger.path_params(), ["integrationId", "triggerId"]);
    }
}
