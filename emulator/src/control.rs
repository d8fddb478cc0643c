//! The control API under `/_emulator/`: faults, journal, reset, seed, rate limit, keys, health, state and icon
//! files. No auth, no journal, no rate limit: it belongs to the test, not to the emulated service.

use http::request::Parts;
use http::{Method, StatusCode};
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::App;
use crate::body::read_body;
use crate::config::{ApiKey, Scope};
use crate::faults::Fault;
use crate::reply::{ApiError, Reply};
use crate::routes::serve_icon_file;

/// Serves `/_emulator/{rest}`.
pub(crate) async fn handle(app: &std::sync::Arc<App>, parts: &Parts, body: Incoming, rest: &str) -> Reply {
    let result = match (&parts.method, rest) {
        (&Method::GET, "health") => Ok(Reply::ok(&json!({ "ok": true }))),
        (&Method::GET, "faults") => Ok(faults_list(app)),
        (&Method::POST, "faults") => match read_json(app, parts, body).await {
            Ok(value) => add_faults(app, value),
            Err(e) => Err(e),
        },
        (&Method::DELETE, "faults") => {
            let cleared = app.faults.clear();
            Ok(Reply::ok(&json!({ "cleared": cleared })))
        }
        (&Method::GET, "journal") => Ok(Reply::ok(&json!({ "requests": app.journal.entries() }))),
        (&Method::DELETE, "journal") => {
            app.journal.clear();
            Ok(Reply::ok(&json!({ "ok": true })))
        }
        (&Method::POST, "reset") => {
            app.reset();
            persisted(app, Reply::ok(&json!({ "ok": true }))).await
        }
        (&Method::POST, "seed") => match read_json(app, parts, body).await.and_then(|value| seed(app, &value)) {
            Ok(reply) => persisted(app, reply).await,
            Err(e) => Err(e),
        },
        (&Method::GET, "rate-limit") => Ok(Reply::ok(&json!({ "perMinute": app.limiter.get() }))),
        (&Method::POST, "rate-limit") => match read_json(app, parts, body).await {
            Ok(value) => set_rate_limit(app, &value),
            Err(e) => Err(e),
        },
        (&Method::POST, "keys") => match read_json(app, parts, body).await.and_then(|value| add_key(app, value)) {
            Ok(reply) => persisted(app, reply).await,
            Err(e) => Err(e),
        },
        (&Method::POST, "chaos") => match read_json(app, parts, body).await {
            Ok(value) => set_chaos(app, value),
            Err(e) => Err(e),
        },
        (&Method::DELETE, "chaos") => {
            app.faults.set_chaos(None);
            Ok(Reply::ok(&json!({ "ok": true })))
        }
        (&Method::GET, "state") => Ok(state(app)),
        (&Method::GET, file) if file.starts_with("icons/") => Ok(serve_icon_file(app, &file["icons/".len()..])),
        (_, "health" | "faults" | "journal" | "reset" | "seed" | "rate-limit" | "keys" | "state" | "chaos") => {
            Err(ApiError::method_not_allowed(allowed(rest)))
        }
        _ => Err(ApiError::not_found(format!("no such control endpoint: /_emulator/{rest}"))),
    };
    result.unwrap_or_else(ApiError::into_reply)
}

fn allowed(rest: &str) -> &'static str {
    match rest {
        "faults" => "GET, POST, DELETE",
        "journal" => "GET, DELETE",
        "reset" | "seed" | "keys" => "POST",
        "rate-limit" => "GET, POST",
        "chaos" => "POST, DELETE",
        _ => "GET",
    }
}

async fn read_json(app: &App, parts: &Parts, body: Incoming) -> Result<Value, ApiError> {
    let bytes = read_body(body, &parts.headers, app.max_body_bytes).await?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("request body: invalid JSON: {e}")))
}

/// Answers `reply` once the state file holds the change, or 500 when it could not be written.
async fn persisted(app: &std::sync::Arc<App>, reply: Reply) -> Result<Reply, ApiError> {
    match app.persist_async().await {
        Ok(()) => Ok(reply),
        Err(e) => {
            tracing::error!(error = %e, "could not write the state file");
            Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("could not write the state file: {e}")))
        }
    }
}

fn faults_list(app: &App) -> Reply {
    Reply::ok(&json!({ "faults": app.faults.list() }))
}

/// Queues one fault, or each fault of an array (all checked before any is queued).
fn add_faults(app: &App, value: Value) -> Result<Reply, ApiError> {
    let faults: Vec<Fault> = match value {
        Value::Array(items) => items.into_iter().map(parse_fault).collect::<Result<_, _>>()?,
        single => vec![parse_fault(single)?],
    };
    let queued = faults.len();
    for fault in faults {
        app.faults.push(fault);
    }
    Ok(Reply::ok(&json!({ "queued": queued, "faults": app.faults.list() })))
}

fn parse_fault(value: Value) -> Result<Fault, ApiError> {
    Fault::from_json(value).map_err(|e| ApiError::bad_request(format!("fault: {e}")))
}

fn set_chaos(app: &App, value: Value) -> Result<Reply, ApiError> {
    let chaos: crate::faults::Chaos =
        serde_json::from_value(value).map_err(|e| ApiError::bad_request(format!("chaos: {e}")))?;
    chaos.check().map_err(ApiError::bad_request)?;
    app.faults.set_chaos(Some(chaos.clone()));
    Ok(Reply::ok(&json!({ "chaos": chaos })))
}

/// `{"integrations": N, "descriptionLength": L}`: a reset, then a workspace of exactly N generated integrations
/// (no Langdock-built ones, no actions) in one step, so that a bench can list 10,000 integrations without 10,000
/// creates. `descriptionLength` defaults to 60.
fn seed(app: &App, value: &Value) -> Result<Reply, ApiError> {
    let count = value
        .get("integrations")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n <= crate::seed::MAX_GENERATED)
        .ok_or_else(|| {
            ApiError::bad_request(format!("integrations: expected an integer from 0 to {}", crate::seed::MAX_GENERATED))
        })?;
    let max_description = langdock_wire::limits::INTEGRATION_DESCRIPTION;
    let description_length = match value.get("descriptionLength") {
        None | Some(Value::Null) => 60,
        Some(n) => {
            n.as_u64().and_then(|n| usize::try_from(n).ok()).filter(|&n| n <= max_description).ok_or_else(|| {
                ApiError::bad_request(format!("descriptionLength: expected an integer from 0 to {max_description}"))
            })?
        }
    };
    app.reset();
    *app.store() = crate::state::Store::from_integrations(crate::seed::generated(count, description_length));
    Ok(Reply::ok(&json!({ "integrations": count, "descriptionLength": description_length })))
}

fn set_rate_limit(app: &App, value: &Value) -> Result<Reply, ApiError> {
    let per_minute = match value.get("perMinute") {
        None | Some(Value::Null) => None,
        Some(n) => Some(
            n.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| ApiError::bad_request("perMinute: expected a non-negative integer or null"))?,
        ),
    };
    app.limiter.set(per_minute);
    Ok(Reply::ok(&json!({ "perMinute": per_minute })))
}

#[derive(Deserialize)]
struct NewKey {
    key: String,
    scopes: Option<Vec<Scope>>,
}

fn add_key(app: &App, value: Value) -> Result<Reply, ApiError> {
    let new: NewKey = serde_json::from_value(value).map_err(|e| ApiError::bad_request(format!("key: {e}")))?;
    if new.key.trim().is_empty() {
        return Err(ApiError::bad_request("key: must not be empty"));
    }
    let key = match new.scopes {
        Some(scopes) => ApiKey::new(new.key, scopes),
        None => ApiKey::full(new.key),
    };
    let scopes = key.scopes.clone();
    app.add_key(key);
    Ok(Reply::json(StatusCode::OK, &json!({ "ok": true, "scopes": scopes })))
}

/// The whole stored state, including what the API never shows (trigger polling code and input fields, the
/// OAuth client secret): tests use it to check that such data is kept.
fn state(app: &App) -> Reply {
    match app.snapshot() {
        Ok(bytes) => {
            let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            Reply::ok(&value)
        }
        Err(e) => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("could not serialize the state: {e}")).into_reply()
        }
    }
}
