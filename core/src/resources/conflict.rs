//! What the answer to a repeated write means. A retried write can meet the effect of its own earlier attempt:
//! - a create of an action or trigger answered 409 (the name is taken, by the item that attempt created), or
//!   answered 2xx with a body that cannot be read: [`Client::recover_create`] reads the integration back and
//!   returns the item when it is the one that was sent;
//! - a delete answered 404 (the earlier attempt deleted it): [`Client::delete`] reports it deleted.
//!
//! Both only apply after an ambiguous attempt; the same answer to a first attempt is an error as usual.

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::models::{Deleted, Integration};
use crate::operation::Operation;
use crate::response::Response;

impl Client {
    /// Recovers an action or trigger create whose outcome the answer hid, by reading the integration
    /// and returning the item `find` recognises as what was sent:
    /// - a 409 met after an ambiguous attempt: without a match, the 409 stands;
    /// - a 2xx whose body could not be read (the item exists): without a match, or when the read
    ///   fails, the error stands with `maybe_created` and says what to check.
    ///
    /// Any other error is returned as it is.
    pub(crate) async fn recover_create<T>(
        &self,
        error: Error,
        what: &str,
        integration_id: &str,
        find: impl FnOnce(&Integration) -> Option<T>,
    ) -> Result<Response<T>> {
        let conflict = error.kind() == ErrorKind::Conflict && error.after_ambiguous_attempt();
        let unreadable = error.is_unreadable_success();
        if !conflict && !unreadable {
            return Err(error);
        }
        let integration = match self.integrations().get(integration_id).await {
            Ok(integration) => integration,
            Err(read) if unreadable => {
                let attempts = error.attempts() + read.attempts();
                return Err(error.with_attempts(attempts).append_message(&format!(
                    " - the {what} was created, but reading it back failed ({read}): get the integration before \
                     creating it again"
                )));
            }
            Err(read) => return Err(read),
        };
        match find(&integration) {
            Some(item) => {
                tracing::info!(
                    what,
                    "the create's answer hid its outcome; reading the integration back found the item as sent"
                );
                Ok(integration.map(|_| item).add_attempts(error.attempts()))
            }
            None => {
                let attempts = error.attempts() + integration.attempts();
                let error = error.with_attempts(attempts);
                Err(if unreadable {
                    error.append_message(&format!(
                        " - the {what} may have been created, but reading the integration back did not find it \
                         as sent: get the integration before creating it again"
                    ))
                } else {
                    error
                })
            }
        }
    }
}

impl Client {
    /// Sends a delete; a 404 after an ambiguous attempt means an earlier attempt deleted it.
    pub(crate) async fn delete(&self, op: Operation, ids: &[&str], message: &str) -> Result<Response<Deleted>> {
        // The deleted item's id is the last of the path's.
        let id = ids.last().copied().unwrap_or_default();
        match self.call_op::<Deleted>(op, ids).await {
            Err(error) if error.kind() == ErrorKind::NotFound && error.after_ambiguous_attempt() => {
                tracing::info!(op = op.name(), "a retried delete met 404 after an ambiguous attempt: it was deleted");
                let deleted = Deleted {
                    message: message.to_owned(),
                    id: id.to_owned(),
                    already_deleted: true,
                    ..Deleted::default()
                };
                Ok(Response::new(deleted, 200, error.attempts(), error.request_id().map(str::to_owned)))
            }
            other => other,
        }
    }
}
