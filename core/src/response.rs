//! A successful answer: the decoded data plus what it took to get it.

use std::ops::{Deref, DerefMut};

/// The data of a successful call, with the HTTP status, the attempts taken and the request id.
///
/// It dereferences to the data, so `response.name` reads the data's field directly.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    data: T,
    status: u16,
    attempts: u32,
    request_id: Option<String>,
}

impl<T> Response<T> {
    pub(crate) fn new(data: T, status: u16, attempts: u32, request_id: Option<String>) -> Response<T> {
        Response { data, status, attempts, request_id }
    }

    /// The decoded data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The decoded data, taken out of the response.
    pub fn into_inner(self) -> T {
        self.data
    }

    /// The HTTP status of the answer that succeeded.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// How many HTTP attempts the call took (1 when nothing was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The request id: the server's `x-request-id`, else the one this client sent.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The same metadata around other data, e.g. a field of this data.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { data: f(self.data), status: self.status, attempts: self.attempts, request_id: self.request_id }
    }

    /// Adds attempts made by follow-up calls (e.g. reading the integration to resolve a 409).
    pub(crate) fn add_attempts(mut self, attempts: u32) -> Response<T> {
        self.attempts += attempts;
        self
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}
