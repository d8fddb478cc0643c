//! The API's operations, shared by the router, fault injection and the journal. The names, methods and paths come
//! from `langdock-wire`, which the client reads too; only who may call each one is the emulator's own.

pub use langdock_wire::Operation;

use crate::config::Scope;

/// Scopes of which the caller's key must hold at least one to call `op` (API.md section 1).
pub(crate) fn accepted_scopes(op: Operation) -> &'static [Scope] {
    match op {
        Operation::ListIntegrations => &[Scope::AssistantApi, Scope::IntegrationApi],
        _ => &[Scope::IntegrationApi],
    }
}
