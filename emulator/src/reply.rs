//! Answers before they become HTTP responses: a status, a JSON (or raw) body, extra headers, and whether the
//! request changed state. Errors are answers too: always `{"message": "..."}` as JSON.

use std::convert::Infallible;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderName, HeaderValue, Response, StatusCode, header};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use serde_json::json;

/// The content type of every JSON answer.
pub(crate) const JSON: &str = "application/json";

/// The body type of every response.
pub(crate) type ResponseBody = BoxBody<Bytes, Infallible>;

/// The header carrying the request id: the request's own, echoed, else a fresh one.
pub(crate) static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A finished answer of a handler or of the pipeline.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Bytes,
    pub content_type: HeaderValue,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Whether the request changed the emulator's state (journaled as `applied`).
    pub applied: bool,
}

impl Reply {
    /// A JSON answer that changed nothing: a `Value`, or a view written straight to text (see `views::list`).
    pub fn json<T: serde::Serialize + ?Sized>(status: StatusCode, body: &T) -> Reply {
        // Serializing a `Value` or a view cannot fail (string keys, no fallible fields): the fallback is never used.
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        Reply {
            status,
            body: Bytes::from(bytes),
            content_type: HeaderValue::from_static(JSON),
            headers: Vec::new(),
            applied: false,
        }
    }

    /// A 200 JSON answer that changed nothing.
    pub fn ok<T: serde::Serialize + ?Sized>(body: &T) -> Reply {
        Reply::json(StatusCode::OK, body)
    }

    /// Marks the answer as the result of a state change.
    pub fn applied(mut self) -> Reply {
        self.applied = true;
        self
    }

    /// Adds a header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Reply {
        self.headers.push((name, value));
        self
    }
}

/// A refusal: becomes `{"message": ...}` with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub allow: Option<&'static str>,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), allow: None }
    }

    /// 400: the request itself is wrong.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 403: the key lacks a scope, or the target may not be changed.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    /// 404: the path, or the thing it names, does not exist.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 405 with the `Allow` header listing the methods the path accepts.
    pub fn method_not_allowed(allow: &'static str) -> ApiError {
        ApiError {
            status: StatusCode::METHOD_NOT_ALLOWED,
            message: format!("method not allowed on this path: use {allow}"),
            allow: Some(allow),
        }
    }

    /// 409: a name clashes inside one integration.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// 413: the body is larger than the limit.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("request body too large: the limit is {limit} bytes"))
    }

    /// The answer for this error.
    pub fn into_reply(self) -> Reply {
        let reply = Reply::json(self.status, &json!({ "message": self.message }));
        match self.allow {
            Some(allow) => reply.with_header(header::ALLOW, HeaderValue::from_static(allow)),
            None => reply,
        }
    }
}

impl From<ApiError> for Reply {
    fn from(error: ApiError) -> Reply {
        error.into_reply()
    }
}

/// Turns an answer into a response with its content type and `x-request-id`.
pub(crate) fn respond(reply: Reply, request_id: &HeaderValue) -> Response<ResponseBody> {
    let mut response = Response::new(Full::new(reply.body).boxed());
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, reply.content_type);
    headers.insert(X_REQUEST_ID.clone(), request_id.clone());
    for (name, value) in reply.headers {
        headers.append(name, value);
    }
    response
}
