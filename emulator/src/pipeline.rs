//! The path of one request: CORS block, routing, auth, rate limit, faults, body, handler, persistence, journal.
//! Order matters and is decided here once: routing errors (404/405/malformed ID) come first, then auth
//! (before the body is read), then the rate limit, then the next matching fault is taken. Reading the body is
//! [`crate::body`]'s, applying a fault to the answer [`crate::inject`]'s, the HTTP response [`crate::reply`]'s.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use hyper::body::Incoming;
use serde_json::Value;
use uuid::Uuid;

use crate::app::App;
use crate::body::{parse_json, read_body};
use crate::faults::{DropPoint, FaultKind};
use crate::inject::{ConnSignal, add_headers, injected, raw_reply, truncated, wait};
use crate::journal::JournalEntry;
use crate::operation::Operation;
use crate::reply::{ApiError, Reply, ResponseBody, X_REQUEST_ID, respond};
use crate::router::{self, ApiRoute, CONTROL_PREFIX, Route};
use crate::validate::limits;
use crate::{control, routes};

/// Room for multipart framing around a maximal icon.
const MULTIPART_OVERHEAD: usize = 1024 * 1024;

/// What the journal and the response need to know about the request, gathered once.
struct Ctx {
    app: Arc<App>,
    conn: ConnSignal,
    method: Method,
    path: String,
    /// The `x-request-id` answered: the request's own, else a fresh UUID.
    request_id: HeaderValue,
    /// The request's `x-request-id`, as journaled.
    journal_request_id: Option<String>,
    received_at: u64,
}

impl Ctx {
    fn record(
        &self,
        op: Option<Operation>,
        reply: Option<&Reply>,
        fault: Option<FaultKind>,
        applied: bool,
        body: Option<Value>,
    ) {
        let entry = JournalEntry {
            seq: 0,
            method: self.method.as_str().to_owned(),
            path: self.path.clone(),
            operation: op,
            status: reply.map(|r| r.status.as_u16()),
            fault,
            applied,
            request_id: self.journal_request_id.clone(),
            body,
            received_at: self.received_at,
            response: None,
        };
        self.app.journal.record(entry, reply.map(|r| r.body.as_ref()));
    }

    /// Journals and answers.
    fn finish(
        &self,
        op: Option<Operation>,
        reply: Reply,
        fault: Option<FaultKind>,
        body: Option<Value>,
    ) -> Response<ResponseBody> {
        self.record(op, Some(&reply), fault, reply.applied, body);
        respond(reply, &self.request_id)
    }

    /// Journals a dropped connection and drops it; never returns, the connection task drops this future.
    async fn drop_connection(
        &self,
        op: Operation,
        kind: FaultKind,
        applied: bool,
        body: Option<Value>,
    ) -> Response<ResponseBody> {
        self.record(Some(op), None, Some(kind), applied, body);
        self.drop_now().await
    }

    /// Drops the connection without an answer; never returns, the connection task drops this future.
    async fn drop_now(&self) -> Response<ResponseBody> {
        self.conn.drop_now();
        std::future::pending().await
    }
}

/// Serves one request.
pub(crate) async fn handle(
    app: Arc<App>,
    conn: ConnSignal,
    req: http::Request<Incoming>,
) -> Result<Response<ResponseBody>, Infallible> {
    let (parts, body) = req.into_parts();
    let incoming = parts.headers.get(&X_REQUEST_ID).filter(|v| !v.is_empty()).cloned();
    let ctx = Ctx {
        received_at: u64::try_from(app.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        app,
        conn,
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        journal_request_id: incoming.as_ref().and_then(|v| v.to_str().ok()).map(str::to_owned),
        request_id: incoming.unwrap_or_else(fresh_request_id),
    };
    if parts.method == Method::OPTIONS {
        let reply = ApiError::forbidden("browser-origin requests are blocked").into_reply();
        if ctx.path.starts_with(CONTROL_PREFIX) {
            return Ok(respond(reply, &ctx.request_id));
        }
        return Ok(ctx.finish(None, reply, None, None));
    }
    match router::resolve(&parts.method, &ctx.path) {
        Err(e) => Ok(ctx.finish(e.op, e.error.into_reply(), None, None)),
        Ok(Route::Control(rest)) => {
            let reply = control::handle(&ctx.app, &parts, body, &rest).await;
            Ok(respond(reply, &ctx.request_id))
        }
        Ok(Route::Api(route)) => Ok(api(&ctx, &parts, body, route).await),
    }
}

fn fresh_request_id() -> HeaderValue {
    HeaderValue::try_from(Uuid::new_v4().to_string()).unwrap_or(HeaderValue::from_static("emulator"))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn api(ctx: &Ctx, parts: &Parts, body: Incoming, route: ApiRoute) -> Response<ResponseBody> {
    let app = &ctx.app;
    let op = route.op;
    let token = bearer(&parts.headers);
    if let Err(e) = app.authorize(token, op) {
        return ctx.finish(Some(op), e.into_reply(), None, None);
    }
    if let Err(wait) = app.limiter.check(token.unwrap_or_default()) {
        let secs = wait.as_secs().max(1);
        let reply = ApiError::new(StatusCode::TOO_MANY_REQUESTS, format!("rate limit exceeded: retry in {secs} s"))
            .into_reply()
            .with_header(RETRY_AFTER, HeaderValue::from(secs));
        return ctx.finish(Some(op), reply, Some(FaultKind::RateLimited), None);
    }

    let fault = app.faults.take(op, &parts.method);
    if let Some(f) = &fault
        && f.drop == Some(DropPoint::BeforeBody)
    {
        return ctx.drop_connection(op, FaultKind::DropBeforeBody, false, None).await;
    }

    let limit = if op == Operation::PutIcon { limits::ICON_BYTES + MULTIPART_OVERHEAD } else { app.max_body_bytes };
    let bytes = match read_body(body, &parts.headers, limit).await {
        Ok(bytes) => bytes,
        Err(e) => return ctx.finish(Some(op), e.into_reply(), None, None),
    };
    let parsed = parse_json(&bytes);
    let journal_body = parsed.as_ref().ok().cloned();

    if let Some(f) = &fault
        && let (Some(status), false) = (f.status_code(), f.apply)
    {
        // Journal before the latency: a client that times out drops this future, and its
        // attempt must still show in the journal.
        let reply = injected(f, status);
        ctx.record(Some(op), Some(&reply), Some(FaultKind::Status), false, journal_body);
        wait(f).await;
        return respond(reply, &ctx.request_id);
    }

    let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let request = routes::Request { route, content_type, body: &bytes, parsed: &parsed };
    let mut reply = routes::dispatch(app, &request).await.unwrap_or_else(ApiError::into_reply);
    if reply.applied
        && let Err(e) = app.persist_async().await
    {
        // Only what is on disk is acknowledged: a change the file does not hold is answered as a failure
        // (still `applied`, since memory has it and the next write will store it).
        tracing::error!(error = %e, "could not write the state file");
        reply = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("could not write the state file: {e}"))
            .into_reply();
        reply.applied = true;
    }

    let Some(f) = fault else {
        return ctx.finish(Some(op), reply, None, journal_body);
    };
    // Every outcome is journaled before the latency passes: a client that times out drops this
    // future, and its attempt must still show in the journal.
    let applied = reply.applied;
    if f.drop == Some(DropPoint::AfterBody) {
        ctx.record(Some(op), None, Some(FaultKind::DropAfterBody), applied, journal_body);
        wait(&f).await;
        return ctx.drop_now().await;
    }
    if let Some(status) = f.status_code() {
        let mut injected = injected(&f, status);
        injected.applied = applied;
        ctx.record(Some(op), Some(&injected), Some(FaultKind::Status), applied, journal_body);
        wait(&f).await;
        return respond(injected, &ctx.request_id);
    }
    add_headers(&mut reply, &f);
    if f.truncate {
        ctx.record(Some(op), Some(&reply), Some(FaultKind::Truncate), applied, journal_body);
        wait(&f).await;
        return truncated(reply, &ctx.request_id, ctx.conn.clone());
    }
    if let Some(raw) = &f.body {
        let mut raw = raw_reply(StatusCode::OK, &f, Bytes::from(raw.clone()));
        raw.applied = applied;
        ctx.record(Some(op), Some(&raw), Some(FaultKind::Body), applied, journal_body);
        wait(&f).await;
        return respond(raw, &ctx.request_id);
    }
    let kind = f.latency_duration().map(|_| FaultKind::Latency);
    ctx.record(Some(op), Some(&reply), kind, applied, journal_body);
    wait(&f).await;
    respond(reply, &ctx.request_id)
}
