//! How a fault changes an answer: its latency, an injected status or raw body, extra headers and padding, a
//! truncated body, a dropped connection. Which fault applies is decided by [`crate::faults`]; when, by the pipeline.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_LENGTH;
use http::{HeaderName, HeaderValue, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::sync::Notify;
use tokio::time::Sleep;

use crate::faults::Fault;
use crate::reply::{JSON, Reply, ResponseBody, respond};

/// How long a truncated answer waits after its first half before the connection is closed, so that the half
/// really leaves the socket first.
const TRUNCATE_GRACE: Duration = Duration::from_millis(50);

/// Lets a handler close its connection without answering (dropped-connection faults).
#[derive(Debug, Clone)]
pub(crate) struct ConnSignal(pub Arc<Notify>);

impl ConnSignal {
    /// Asks the connection task to drop the connection now; it stores the request if nobody waits yet.
    pub(crate) fn drop_now(&self) {
        self.0.notify_one();
    }
}

/// Waits out a fault's latency, if it has one.
pub(crate) async fn wait(fault: &Fault) {
    if let Some(latency) = fault.latency_duration() {
        tokio::time::sleep(latency).await;
    }
}

/// The injected answer of a status fault.
pub(crate) fn injected(fault: &Fault, status: StatusCode) -> Reply {
    let body = match &fault.body {
        Some(raw) => Bytes::from(raw.clone()),
        None => Bytes::from_static(br#"{"message":"injected fault"}"#),
    };
    raw_reply(status, fault, body)
}

/// An answer with a fault's body, content type and headers.
pub(crate) fn raw_reply(status: StatusCode, fault: &Fault, body: Bytes) -> Reply {
    let content_type = fault
        .content_type
        .as_deref()
        .and_then(|ct| HeaderValue::from_str(ct).ok())
        .unwrap_or(HeaderValue::from_static(JSON));
    let mut reply = Reply { status, body, content_type, headers: Vec::new(), applied: false };
    add_headers(&mut reply, fault);
    reply
}

/// Adds a fault's headers and padding; invalid headers (only possible through `Emulator::inject`) are skipped.
pub(crate) fn add_headers(reply: &mut Reply, fault: &Fault) {
    if let Some(pad) = fault.pad_bytes.filter(|&pad| pad > 0) {
        let mut body = Vec::with_capacity(reply.body.len() + pad);
        body.extend_from_slice(&reply.body);
        body.resize(reply.body.len() + pad.min(crate::faults::MAX_PAD_BYTES), b' ');
        reply.body = Bytes::from(body);
    }
    for (name, value) in &fault.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str()))
            && !crate::faults::is_framing_header(&name)
        {
            reply.headers.push((name, value));
        }
    }
}

/// The real headers with the full `Content-Length`, then half the body, then a closed connection.
pub(crate) fn truncated(reply: Reply, request_id: &HeaderValue, conn: ConnSignal) -> Response<ResponseBody> {
    let full = reply.body.len();
    let half = reply.body.slice(..full / 2);
    let mut response = respond(Reply { body: Bytes::new(), ..reply }, request_id);
    *response.body_mut() =
        TruncatedBody { first: Some(half), grace: Box::pin(tokio::time::sleep(TRUNCATE_GRACE)), conn, fired: false }
            .boxed();
    response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(full));
    response
}

/// A body that yields its first part, then closes the connection instead of ending.
struct TruncatedBody {
    first: Option<Bytes>,
    grace: Pin<Box<Sleep>>,
    conn: ConnSignal,
    fired: bool,
}

impl Body for TruncatedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        if !this.fired {
            ready!(this.grace.as_mut().poll(cx));
            this.fired = true;
            this.conn.drop_now();
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        false
    }

    fn size_hint(&self) -> SizeHint {
        // Unknown on purpose: hyper then frames the body by the Content-Length header we set (the full length).
        SizeHint::default()
    }
}
