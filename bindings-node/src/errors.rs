//! The one place where errors become JavaScript values.
//!
//! Every failure reaches JavaScript as an `Error` object whose properties say everything the core knows:
//! `kind` (the class the facade instantiates, from the core's `ErrorKind::class_name`), `code`, `status`,
//! `requestId`, `attempts`, `retryAfter` (milliseconds), `body`, `headers`, `violations`, `maybeCreated`, and
//! `cause` (the core's `source()` chain as nested `Error`s). Nothing is packed into the message.

use std::time::Duration;

use napi::bindgen_prelude::{JsObjectValue, JsValue, Object};
use napi::{Env, Status};
use serde::Serialize;

/// A failure on its way to JavaScript.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rejection {
    /// The facade's class name, e.g. `RateLimitError`.
    pub kind: &'static str,
    /// The machine-readable code, e.g. `rate_limit`.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// Everything else (boxed: most failures carry little).
    more: Box<More>,
}

/// What a failure may carry besides its class and message.
#[derive(Debug, Clone, PartialEq, Default)]
struct More {
    status: Option<u16>,
    body: Option<String>,
    headers: Vec<(String, String)>,
    request_id: Option<String>,
    attempts: u32,
    retry_after: Option<Duration>,
    maybe_created: bool,
    violations: Vec<(String, String)>,
    /// The messages of the `source()` chain, outermost first.
    causes: Vec<String>,
}

impl From<&langdock::Error> for Rejection {
    fn from(error: &langdock::Error) -> Rejection {
        let causes = langdock::binding::causes(error);
        Rejection {
            kind: error.kind().class_name(),
            code: error.kind().code(),
            message: error.message().to_owned(),
            more: Box::new(More {
                status: error.status(),
                body: error.body().map(str::to_owned),
                headers: error.headers().to_vec(),
                request_id: error.request_id().map(str::to_owned),
                attempts: error.attempts(),
                retry_after: error.retry_after(),
                maybe_created: error.maybe_created(),
                violations: error.violations().iter().map(|v| (v.path.clone(), v.message.clone())).collect(),
                causes,
            }),
        }
    }
}

impl Rejection {
    fn bare(kind: &'static str, code: &'static str, message: String) -> Rejection {
        Rejection { kind, code, message, more: Box::default() }
    }

    /// An option that is not a value of the right kind (`ConfigurationError`).
    pub(crate) fn configuration(message: String) -> Rejection {
        Rejection::bare(
            langdock::ErrorKind::Configuration.class_name(),
            langdock::ErrorKind::Configuration.code(),
            message,
        )
    }

    /// The call was cancelled through its `AbortSignal` (`APIUserAbortError`).
    pub(crate) fn aborted() -> Rejection {
        Rejection::bare(
            "APIUserAbortError",
            "aborted",
            "the call was aborted by its AbortSignal; a request already sent may have taken effect".to_owned(),
        )
    }

    /// A panic in the native code (a bug): it becomes an `InternalError` instead of ending the process, with
    /// the core's message for it.
    pub(crate) fn panic(payload: &(dyn std::any::Any + Send)) -> Rejection {
        Rejection::from(&langdock::binding::panic_error(payload))
    }

    /// Runs the synchronous part of a native function, turning a panic inside it into [`Rejection::panic`]
    /// (napi's own `catch_unwind` would make it a plain `Error`, not a `LangdockError`).
    pub(crate) fn catch_panic<T>(f: impl FnOnce() -> Result<T, Rejection>) -> Result<T, Rejection> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .unwrap_or_else(|payload| Err(Rejection::panic(&*payload)))
    }

    /// A misuse of the testing helpers, e.g. a fault the emulator cannot parse (a plain `Error`, code
    /// `invalid_argument`).
    pub(crate) fn invalid_argument(message: String) -> Rejection {
        Rejection::bare("Error", "invalid_argument", message)
    }

    fn details(&self) -> Details<'_> {
        let more = &self.more;
        let mut headers = serde_json::Map::new();
        for (name, value) in &more.headers {
            match headers.get_mut(name) {
                // Repeated headers are joined as HTTP allows (and as Node's own `http` module does).
                Some(serde_json::Value::String(joined)) => {
                    joined.push_str(", ");
                    joined.push_str(value);
                }
                _ => {
                    headers.insert(name.clone(), serde_json::Value::String(value.clone()));
                }
            }
        }
        Details {
            kind: self.kind,
            code: self.code,
            status: more.status,
            request_id: more.request_id.as_deref(),
            attempts: more.attempts,
            retry_after: more.retry_after.map(|d| d.as_secs_f64() * 1000.0),
            body: more.body.as_deref(),
            headers,
            violations: more.violations.iter().map(|(path, message)| ViolationJs { path, message }).collect(),
            maybe_created: more.maybe_created,
        }
    }

    /// The JavaScript `Error` object, as a `napi::Error` that rejects or throws exactly that object.
    pub(crate) fn into_napi(self, env: &Env) -> napi::Error {
        self.build(env).unwrap_or_else(|error| error)
    }

    fn build(&self, env: &Env) -> napi::Result<napi::Error> {
        let mut object = env.create_error(napi::Error::from_reason(self.message.clone()))?;
        let details = serde_json::to_value(self.details())?;
        if let serde_json::Value::Object(properties) = details {
            for (name, value) in properties {
                object.set_named_property(&name, value)?;
            }
        }
        let mut cause: Option<Object> = None;
        for message in self.more.causes.iter().rev() {
            let mut error = env.create_error(napi::Error::new(Status::GenericFailure, message.clone()))?;
            error.set_named_property("code", "cause")?;
            if let Some(inner) = cause {
                error.set_named_property("cause", inner)?;
            }
            cause = Some(error);
        }
        if let Some(cause) = cause {
            object.set_named_property("cause", cause)?;
        }
        Ok(napi::Error::from(object.to_unknown()))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Details<'a> {
    kind: &'a str,
    code: &'a str,
    status: Option<u16>,
    request_id: Option<&'a str>,
    attempts: u32,
    retry_after: Option<f64>,
    body: Option<&'a str>,
    headers: serde_json::Map<String, serde_json::Value>,
    violations: Vec<ViolationJs<'a>>,
    maybe_created: bool,
}

#[derive(Serialize)]
struct ViolationJs<'a> {
    path: &'a str,
    message: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_carry_every_property_in_camel_case() {
        let mut failure = Rejection::configuration("no key".into());
        failure.more.headers = vec![("set-cookie".into(), "a".into()), ("set-cookie".into(), "b".into())];
        failure.more.retry_after = Some(Duration::from_millis(1500));
        let details = serde_json::to_value(failure.details()).unwrap();
        assert_eq!(details["kind"], "ConfigurationError");
        assert_eq!(details["code"], "configuration");
        assert_eq!(details["retryAfter"], 1500.0);
        assert_eq!(details["headers"]["set-cookie"], "a, b");
        assert_eq!(details["requestId"], serde_json::Value::Null);
        assert_eq!(details["maybeCreated"], false);
    }

    #[test]
    fn panics_become_internal_errors() {
        let failure = Rejection::panic(&"boom");
        assert_eq!((failure.kind, failure.code), ("InternalError", "internal"));
        assert!(failure.message.contains("boom"));
        let caught = Rejection::catch_panic(|| -> Result<(), Rejection> { panic!("bang") }).unwrap_err();
        assert_eq!(caught.kind, "InternalError");
        assert!(caught.message.contains("bang"));
    }
}
