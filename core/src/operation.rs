//! The thirteen endpoints as data: their names (from `langdock-wire`) and how safe they are to repeat.

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

/// One endpoint of the Integrations API: its name, method and path come from `langdock-wire`, the vocabulary the
/// emulator speaks too, so the names match the emulator's fault-injection names.
pub use langdock_wire::Operation;

impl WriteSafety {
    /// How safe `op` is to repeat: only the three creates are not idempotent.
    pub fn of(op: Operation) -> WriteSafety {
        match op {
            Operation::CreateIntegration => WriteSafety::CreateWithoutUniqueName,
            Operation::CreateAction | Operation::CreateTrigger => WriteSafety::CreateWithUniqueName,
            _ => WriteSafety::Idempotent,
        }
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
            assert_eq!(WriteSafety::of(op), WriteSafety::Idempotent, "{}", op.name());
        }
        for op in creates {
            assert_ne!(WriteSafety::of(op), WriteSafety::Idempotent, "{}", op.name());
        }
        assert_eq!(WriteSafety::of(Operation::CreateIntegration), WriteSafety::CreateWithoutUniqueName);
    }
}
