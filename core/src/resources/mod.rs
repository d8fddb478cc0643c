//! One file per API resource; each endpoint is a short method: check the input, build the path,
//! hand the request to the transport, unwrap the envelope.

mod actions;
mod integrations;
mod triggers;

pub use actions::Actions;
pub use integrations::Integrations;
pub use triggers::Triggers;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{ErrorKind, Result};
use crate::operation::{self, Operation};
use crate::response::Response;
use crate::transport::ApiRequest;
use crate::validate::{self, Validate};

/// Everything but unreserved characters is escaped, so an id can never change the path.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'?')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']')
    .add(b';')
    .add(b':')
    .add(b'@')
    .add(b'&')
    .add(b'=')
    .add(b'+')
    .add(b'$')
    .add(b',');

/// An id as a path segment.
pub(crate) fn segment(id: &str) -> String {
    utf8_percent_encode(id, SEGMENT).to_string()
}

impl Client {
    /// Checks path ids, when validation is on.
    pub(crate) fn check_ids(&self, ids: &[(&str, &str)]) -> Result<()> {
        if self.settings.validate { validate::ids(ids) } else { Ok(()) }
    }

    /// Checks the ids of `op`'s path (named as its `{placeholders}` are), when validation is on.
    pub(crate) fn check_op_ids(&self, op: Operation, ids: &[&str]) -> Result<()> {
        let named: Vec<(&str, &str)> = op.path_params().into_iter().zip(ids.iter().copied()).collect();
        self.check_ids(&named)
    }

    /// Checks a request body, when validation is on.
    pub(crate) fn check(&self, body: &impl Validate) -> Result<()> {
        if self.settings.validate { body.validate() } else { Ok(()) }
    }

    pub(crate) async fn call<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<Response<T>> {
        self.transport.send(&request, &self.settings).await
    }

    /// Sends `op` without a body to its path (from the operation table) filled with `ids`.
    pub(crate) async fn call_op<T: DeserializeOwned>(&self, op: Operation, ids: &[&str]) -> Result<Response<T>> {
        self.check_op_ids(op, ids)?;
        self.call(ApiRequest::new(op, operation::http_method(op), operation::path(op, ids))).await
    }

    /// Sends `op` with a JSON body, checked first when validation is on.
    pub(crate) async fn call_json<T: DeserializeOwned>(
        &self,
        op: Operation,
        ids: &[&str],
        body: &(impl serde::Serialize + Validate),
    ) -> Result<Response<T>> {
        self.check_op_ids(op, ids)?;
        self.check(body)?;
        self.call(ApiRequest::json(op, operation::http_method(op), operation::path(op, ids), body)?).await
    }
}

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
        error: crate::Error,
        what: &str,
        integration_id: &str,
        find: impl FnOnce(&crate::models::Integration) -> Option<T>,
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
