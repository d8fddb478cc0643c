//! One file per API resource; each endpoint is a short method: check the input, build the path,
//! hand the request to the transport, unwrap the envelope.

mod actions;
mod conflict;
mod integrations;
mod triggers;

pub use actions::Actions;
pub use integrations::Integrations;
pub use triggers::Triggers;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::de::DeserializeOwned;

use crate::binding::{Check, JsonText};
use crate::client::Client;
use crate::error::Result;
use crate::error_shaping::Answer;
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
    /// Integrations: list, create, get, update, update auth, icon.
    pub fn integrations(&self) -> Integrations<'_> {
        Integrations::new(self)
    }

    /// Actions of an integration: create, update, delete.
    pub fn actions(&self) -> Actions<'_> {
        Actions::new(self)
    }

    /// Triggers of an integration: create, update, delete.
    pub fn triggers(&self) -> Triggers<'_> {
        Triggers::new(self)
    }

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

    /// Sends `request` and reads a successful answer with `read` (see
    /// [`crate::transport::Transport::send_and_read`]).
    pub(crate) async fn call_text(
        &self,
        request: ApiRequest,
        read: impl FnOnce(Answer, u32, &str) -> Result<Response<(JsonText, Option<Check>)>>,
    ) -> Result<Response<(JsonText, Option<Check>)>> {
        self.transport.send_and_read(&request, &self.settings, read).await
    }

    /// `op` without a body, to its path (from the operation table) filled with `ids`, checked when validation is
    /// on.
    pub(crate) fn op_request(&self, op: Operation, ids: &[&str]) -> Result<ApiRequest> {
        self.check_op_ids(op, ids)?;
        Ok(ApiRequest::new(op, operation::http_method(op), operation::path(op, ids)))
    }

    /// `op` with a JSON body; the ids and the body are checked first when validation is on.
    pub(crate) fn json_request(
        &self,
        op: Operation,
        ids: &[&str],
        body: &(impl serde::Serialize + Validate),
    ) -> Result<ApiRequest> {
        self.check_op_ids(op, ids)?;
        self.check(body)?;
        ApiRequest::json(op, operation::http_method(op), operation::path(op, ids), body)
    }

    /// Sends `op` without a body to its path (from the operation table) filled with `ids`.
    pub(crate) async fn call_op<T: DeserializeOwned>(&self, op: Operation, ids: &[&str]) -> Result<Response<T>> {
        self.call(self.op_request(op, ids)?).await
    }

    /// Sends `op` with a JSON body, checked first when validation is on.
    pub(crate) async fn call_json<T: DeserializeOwned>(
        &self,
        op: Operation,
        ids: &[&str],
        body: &(impl serde::Serialize + Validate),
    ) -> Result<Response<T>> {
        self.call(self.json_request(op, ids, body)?).await
    }
}
