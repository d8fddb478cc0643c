//! # langdock-wire
//!
//! The words the Langdock Integrations API is spoken in, written down once for both sides of the wire: the client
//! (`langdock`) and the local emulator (`langdock-emulator`). Neither side spells an operation name, a path, a
//! length limit or an enum value on its own; both read them from here, and `tests/openapi.yaml` is checked against
//! this crate by its tests.
//!
//! ```
//! use langdock_wire::{Method, Operation, limits, values};
//!
//! let op = Operation::UpdateAction;
//! assert_eq!(op.name(), "update_action");
//! assert_eq!(op.method(), Method::Put);
//! assert_eq!(op.path_template(), "/integrations/v1/{integrationId}/actions/{actionId}");
//! assert_eq!(limits::INTEGRATION_NAME, 40);
//! assert!(values::AUTH_TYPES.contains(&"OAUTH_DCR"));
//! ```

#![warn(missing_docs)]

pub mod limits;
mod operation;
pub mod values;

pub use operation::{Method, Operation, UnknownOperation};
