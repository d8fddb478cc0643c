//! The thirteen endpoints as data: their names and how safe they are to repeat.

/// How safe an endpoint is to send twice, which decides what the retry engine may do after a
/// failure that may have taken effect (a timeout or reset after the body was sent, a 5xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteSafety {
    /// GET, PUT, PATCH, DELETE: repeating changes nothing more; every retryable failure retries.
    Idempotent,
    /// Action and trigger creates: names are unique in an integration, so a repeat that took effect
    /// answers 409, which the client resolves by reading the integration.
    CreateWithUniqueName,
    /// Integration create: names are not unique, so an ambiguous failure is never retried and the
    /// error says the integration may exist.
    CreateWithoutUniqueName,
}

/// One endpoint of the Integrations API. The names match the emulator's fault-injection names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `GET /integrations/v1/get`
    ListIntegrations,
    /// `POST /integrations/v1/create`
    CreateIntegration,
    /// `GET /integrations/v1/{id}`
    GetIntegration,
    /// `PATCH /integrations/v1/{id}`
    UpdateIntegration,
    /// `PATCH /integrations/v1/{id}/auth`
    UpdateAuth,
    /// `GET /integrations/v1/{id}/icon`
    GetIcon,
    /// `PUT /integrations/v1/{id}/icon`
    PutIcon,
    /// `POST /integrations/v1/{id}/actions/create`
    CreateAction,
    /// `PUT /integrations/v1/{id}/actions/{actionId}`
    UpdateAction,
    /// `DELETE /integrations/v1/{id}/actions/{actionId}`
    DeleteAction,
    /// `POST /integrations/v1/{id}/triggers/create`
    CreateTrigger,
    /// `PUT /integrations/v1/{id}/triggers/{triggerId}`
    UpdateTrigger,
    /// `DELETE /integrations/v1/{id}/triggers/{triggerId}`
    DeleteTrigger,
}

impl Operation {
    /// The snake_case name used in logs and by the emulator, e.g. `"create_action"`.
    pub fn name(self) -> &'static str {
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

    /// How safe the endpoint is to repeat.
    pub fn write_safety(self) -> WriteSafety {
        match self {
            Operation::CreateIntegration => WriteSafety::CreateWithoutUniqueName,
            Operation::CreateAction | Operation::CreateTrigger => WriteSafety::CreateWithUniqueName,
            _ => WriteSafety::Idempotent,
        }
    }

    /// True for the two deletes, whose 404 after an ambiguous attempt means the delete was done.
    pub fn is_delete(self) -> bool {
        matches!(self, Operation::DeleteAction | Operation::DeleteTrigger)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_three_creates_are_not_idempotent() {
        let creates = [Operation::CreateIntegration, Operation::CreateAction, Operation::CreateTrigger];
        for op in [
            Operation::ListIntegrations,
            Operation::GetIntegration,
            Operation::UpdateIntegration,
            Operation::UpdateAuth,
            Operation::GetIcon,
            Operation::PutIcon,
            Operation::UpdateAction,
            Operation::DeleteAction,
            Operation::UpdateTrigger,
            Operation::DeleteTrigger,
        ] {
            assert_eq!(op.write_safety(), WriteSafety::Idempotent, "{}", op.name());
        }
        for op in creates {
            assert_ne!(op.write_safety(), WriteSafety::Idempotent, "{}", op.name());
        }
        assert_eq!(Operation::CreateIntegration.write_safety(), WriteSafety::CreateWithoutUniqueName);
    }
}
