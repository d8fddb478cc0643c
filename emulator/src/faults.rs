//! Scripted failures: a queue of [`Fault`]s per operation, consumed first-in first-out by matching requests.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::operation::Operation;
use crate::sync::lock;

/// Headers that frame the body: injecting them would make the answer lie about its own length, which the HTTP
/// server refuses (it panics in debug builds); `truncate` and `padBytes` shape bodies instead.
pub(crate) fn is_framing_header(name: &HeaderName) -> bool {
    name == http::header::CONTENT_LENGTH || name == http::header::TRANSFER_ENCODING
}

/// The largest `padBytes` a fault may ask for (256 MiB).
pub const MAX_PAD_BYTES: usize = 256 * 1024 * 1024;

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultTarget {
    /// `"*"`: any API route (never a control route); consulted after operation-specific faults.
    Any,
    /// One operation, e.g. `"create_action"`.
    Operation(Operation),
}

impl From<Operation> for FaultTarget {
    fn from(op: Operation) -> Self {
        FaultTarget::Operation(op)
    }
}

impl fmt::Display for FaultTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultTarget::Any => f.write_str("*"),
            FaultTarget::Operation(op) => f.write_str(op.name()),
        }
    }
}

impl FromStr for FaultTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "*" {
            Ok(FaultTarget::Any)
        } else {
            Operation::from_str(s)
                .map(FaultTarget::Operation)
                .map_err(|e| format!("{e}: use \"*\" or one of {}", Operation::ALL.map(Operation::name).join(", ")))
        }
    }
}

impl Serialize for FaultTarget {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FaultTarget {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        FaultTarget::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// Where a dropped connection is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropPoint {
    /// Close without reading the body and without an answer: the request is NOT applied.
    BeforeBody,
    /// Run the real handler (the request IS applied), then close without an answer.
    AfterBody,
}

/// The kind of fault that shaped an answer, as the journal records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// An injected status answered instead of the real one.
    Status,
    /// The connection was closed before the body was read.
    DropBeforeBody,
    /// The connection was closed after the request was handled.
    DropAfterBody,
    /// The real answer was cut in half.
    Truncate,
    /// The real answer was delayed.
    Latency,
    /// A raw body was answered with 200 instead of the real one.
    Body,
    /// The rate limit answered 429.
    RateLimited,
}

fn one() -> Option<u32> {
    Some(1)
}

/// A scripted failure for the next matching request(s). On the control API it is JSON in camelCase:
/// `{"operation": "create_action", "status": 503, "headers": {"Retry-After": "2"}}`.
///
/// Semantics, in order: `drop: before_body` closes the connection unanswered (not applied). Else the body is
/// read; with `status` and not `apply`, the injected answer is sent after `latency_ms` (not applied). Else the
/// real handler runs (applied), `latency_ms` passes, then `drop: after_body` closes unanswered, or `status`
/// replaces the answer, or `truncate` sends half of the real body, or `body` is answered as 200, or the real
/// answer goes out. `headers` are added to whatever answer is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    /// The operation the fault applies to, or `"*"` for any API route.
    pub operation: FaultTarget,
    /// Only requests with this HTTP method match (case-insensitive); `None` matches any.
    #[serde(default)]
    pub method: Option<String>,
    /// How many requests the fault applies to (default 1); `None` (`null`) or `0` means until reset.
    #[serde(default = "one")]
    pub times: Option<u32>,
    /// Answer this status instead of the real one.
    #[serde(default)]
    pub status: Option<u16>,
    /// Headers added to the answer, e.g. `Retry-After`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Raw answer body; with `status` the injected body (default `{"message": "injected fault"}`), without it a
    /// 200 answer with exactly this body.
    #[serde(default)]
    pub body: Option<String>,
    /// Content type of an injected body (default `application/json`).
    #[serde(default)]
    pub content_type: Option<String>,
    /// Delay before answering, in milliseconds.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Close the connection without an answer, before or after the body is read.
    #[serde(default)]
    pub drop: Option<DropPoint>,
    /// With `status`: run the real handler first, so the request is applied although the answer is an error.
    #[serde(default)]
    pub apply: bool,
    /// Send the real headers with the full `Content-Length` but only the first half of the body, then close.
    #[serde(default)]
    pub truncate: bool,
    /// Append this many spaces to the answered JSON (still valid JSON): a very large answer.
    #[serde(default)]
    pub pad_bytes: Option<usize>,
}

impl Fault {
    /// A fault for `target` that does nothing yet and applies once; add behaviour with the builder methods.
    pub fn new(target: impl Into<FaultTarget>) -> Fault {
        Fault {
            operation: target.into(),
            method: None,
            times: Some(1),
            status: None,
            headers: BTreeMap::new(),
            body: None,
            content_type: None,
            latency_ms: None,
            drop: None,
            apply: false,
            truncate: false,
            pad_bytes: None,
        }
    }

    /// A fault for any API route.
    pub fn any() -> Fault {
        Fault::new(FaultTarget::Any)
    }

    /// Answers `status` instead of the real answer.
    pub fn status(mut self, status: u16) -> Fault {
        self.status = Some(status);
        self
    }

    /// Adds a header to the answer.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Fault {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// Sets the raw answer body.
    pub fn body(mut self, body: impl Into<String>) -> Fault {
        self.body = Some(body.into());
        self
    }

    /// Sets the content type of the raw answer body.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Fault {
        self.content_type = Some(content_type.into());
        self
    }

    /// Delays the answer.
    pub fn latency(mut self, latency: Duration) -> Fault {
        self.latency_ms = Some(u64::try_from(latency.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// Closes the connection without an answer at `point`.
    pub fn drop_connection(mut self, point: DropPoint) -> Fault {
        self.drop = Some(point);
        self
    }

    /// Runs the real handler before answering the injected status.
    pub fn applied(mut self) -> Fault {
        self.apply = true;
        self
    }

    /// Cuts the real answer in half.
    pub fn truncated(mut self) -> Fault {
        self.truncate = true;
        self
    }

    /// Applies to `n` requests (`0` means until reset).
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }

    /// Applies to every matching request until reset.
    pub fn forever(mut self) -> Fault {
        self.times = None;
        self
    }

    /// Only matches requests with this HTTP method.
    pub fn method(mut self, method: impl Into<String>) -> Fault {
        self.method = Some(method.into());
        self
    }

    /// A fault from its control-API JSON, checked: what `POST /_emulator/faults` and `--fault` accept.
    pub(crate) fn from_json(value: serde_json::Value) -> Result<Fault, String> {
        let fault: Fault = serde_json::from_value(value).map_err(|e| e.to_string())?;
        fault.check()?;
        Ok(fault)
    }

    /// Checks what JSON cannot: a real status code, valid header names and values, a valid method.
    pub fn check(&self) -> Result<(), String> {
        if let Some(status) = self.status
            && !(100..=599).contains(&status)
        {
            return Err(format!("status: {status} is not an HTTP status (100-599)"));
        }
        for (name, value) in &self.headers {
            let parsed = HeaderName::from_str(name).map_err(|_| format!("headers: {name:?} is not a header name"))?;
            if is_framing_header(&parsed) {
                return Err(format!(
                    "headers: {name} frames the body and is set by the server; use truncate or padBytes"
                ));
            }
            HeaderValue::from_str(value).map_err(|_| format!("headers.{name}: {value:?} is not a header value"))?;
        }
        if let Some(ct) = &self.content_type {
            HeaderValue::from_str(ct).map_err(|_| format!("contentType: {ct:?} is not a header value"))?;
        }
        if self.pad_bytes.is_some_and(|bytes| bytes > MAX_PAD_BYTES) {
            return Err(format!("padBytes: at most {MAX_PAD_BYTES}"));
        }
        if let Some(method) = &self.method {
            Method::from_str(method).map_err(|_| format!("method: {method:?} is not an HTTP method"))?;
        }
        Ok(())
    }

    /// The injected status, if any; an unusable number (possible through [`crate::Emulator::inject`], which
    /// cannot refuse) becomes 500 rather than a panic.
    pub(crate) fn status_code(&self) -> Option<StatusCode> {
        self.status.map(|s| StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
    }

    /// The delay, if any.
    pub(crate) fn latency_duration(&self) -> Option<Duration> {
        self.latency_ms.filter(|&ms| ms > 0).map(Duration::from_millis)
    }

    fn matches(&self, op: Operation, method: &Method) -> bool {
        let target = match self.operation {
            FaultTarget::Any => true,
            FaultTarget::Operation(wanted) => wanted == op,
        };
        target && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
    }
}

impl FromStr for Fault {
    type Err = String;

    /// Parses the JSON of one fault, as `POST /_emulator/faults` takes it, e.g.
    /// `{"operation": "create_action", "status": 503}`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = serde_json::from_str(s).map_err(|e| format!("not JSON: {e}"))?;
        Fault::from_json(value)
    }
}

/// A queued fault with the number of uses left (`None`: until reset).
#[derive(Debug, Clone)]
struct Pending {
    fault: Fault,
    remaining: Option<u32>,
}

/// Random faults on a share of all API requests, for soak tests: every kind the client must survive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Chaos {
    /// The share of requests that get a fault, from 0 to 1.
    pub rate: f64,
    /// The seed of the random choices, so that a run can be repeated.
    #[serde(default)]
    pub seed: u64,
    /// The delay of the `latency` kind, in milliseconds.
    #[serde(default = "default_chaos_latency")]
    pub latency_ms: u64,
    /// Only these statuses (no `Retry-After`, nothing applied) instead of every kind: e.g. `[503]` to
    /// measure what retrying costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<u16>>,
}

fn default_chaos_latency() -> u64 {
    100
}

impl Chaos {
    /// The faults chaos picks from, with equal odds: retryable statuses (some after applying the
    /// request), connections dropped before and after the body, truncated and slow answers.
    pub fn kinds(&self) -> Vec<Fault> {
        let any = Fault::any;
        if let Some(statuses) = &self.statuses {
            return statuses.iter().map(|&status| any().status(status)).collect();
        }
        vec![
            any().status(500),
            any().status(502),
            any().status(503).header("Retry-After", "0"),
            any().status(504),
            any().status(429).header("Retry-After", "0"),
            any().status(408),
            any().status(500).applied(),
            any().drop_connection(DropPoint::BeforeBody),
            any().drop_connection(DropPoint::AfterBody),
            any().truncated(),
            any().latency(Duration::from_millis(self.latency_ms)),
        ]
    }

    /// Checks the numbers.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.rate) {
            return Err(format!("rate: must be between 0 and 1, got {}", self.rate));
        }
        if let Some(bad) = self.statuses.iter().flatten().find(|s| !(100..=599).contains(*s)) {
            return Err(format!("statuses: {bad} is not an HTTP status"));
        }
        Ok(())
    }
}

impl Chaos {
    /// Chaos at `rate` with the defaults of the control API: seed 0, 100 ms latency, every kind.
    pub fn with_rate(rate: f64) -> Chaos {
        Chaos { rate, seed: 0, latency_ms: default_chaos_latency(), statuses: None }
    }
}

impl FromStr for Chaos {
    type Err = String;

    /// A rate from 0 to 1 (`0.3`), or the JSON `POST /_emulator/chaos` takes (`{"rate": 0.3, "seed": 7}`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let chaos = if s.starts_with('{') {
            serde_json::from_str(s).map_err(|e| format!("not chaos JSON: {e}"))?
        } else {
            let rate = s.parse::<f64>().map_err(|_| format!("{s:?} is not a rate from 0 to 1, nor chaos JSON"))?;
            Chaos::with_rate(rate)
        };
        Chaos::check(&chaos)?;
        Ok(chaos)
    }
}

#[derive(Debug)]
struct ChaosState {
    rate: f64,
    kinds: Vec<Fault>,
    rng: fastrand::Rng,
}

/// Faults waiting for requests, in the order they were injected, and chaos when it is on.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: Mutex<Vec<Pending>>,
    chaos: Mutex<Option<ChaosState>>,
}

impl FaultQueue {
    /// Queues a fault.
    pub fn push(&self, fault: Fault) {
        let remaining = fault.times.filter(|&n| n > 0);
        lock(&self.pending).push(Pending { fault, remaining });
    }

    /// Takes one use of the first fault for `op`, else of the first `"*"` fault.
    pub fn take(&self, op: Operation, method: &Method) -> Option<Fault> {
        self.take_scripted(op, method).or_else(|| self.roll_chaos())
    }

    /// Turns chaos on (or off with `None`).
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        *lock(&self.chaos) =
            chaos.map(|c| ChaosState { rate: c.rate, kinds: c.kinds(), rng: fastrand::Rng::with_seed(c.seed) });
    }

    fn roll_chaos(&self) -> Option<Fault> {
        let mut guard = lock(&self.chaos);
        let chaos = guard.as_mut()?;
        if chaos.rng.f64() >= chaos.rate || chaos.kinds.is_empty() {
            return None;
        }
        let index = chaos.rng.usize(..chaos.kinds.len());
        chaos.kinds.get(index).cloned()
    }

    fn take_scripted(&self, op: Operation, method: &Method) -> Option<Fault> {
        let mut pending = lock(&self.pending);
        if pending.is_empty() {
            return None;
        }
        let specific = |p: &Pending| p.fault.operation != FaultTarget::Any && p.fault.matches(op, method);
        let any = |p: &Pending| p.fault.operation == FaultTarget::Any && p.fault.matches(op, method);
        let index = pending.iter().position(specific).or_else(|| pending.iter().position(any))?;
        let entry = pending.get_mut(index)?;
        let fault = entry.fault.clone();
        if let Some(left) = entry.remaining.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                pending.remove(index);
            }
        }
        Some(fault)
    }

    /// The pending faults, each with `times` set to the uses left.
    pub fn list(&self) -> Vec<Fault> {
        lock(&self.pending).iter().map(|p| Fault { times: p.remaining, ..p.fault.clone() }).collect()
    }

    /// Removes every pending fault and stops chaos; returns how many faults there were.
    pub fn clear(&self) -> usize {
        self.set_chaos(None);
        let mut pending = lock(&self.pending);
        let n = pending.len();
        pending.clear();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_from_the_documented_json() {
        let fault: Fault = serde_json::from_str(
            r#"{"operation": "create_action", "method": null, "times": 1, "status": 503,
                "headers": {"Retry-After": "2"}, "body": "raw", "contentType": "text/html",
                "latencyMs": 200, "drop": "before_body", "apply": false, "truncate": false}"#,
        )
        .unwrap();
        assert_eq!(fault.operation, FaultTarget::Operation(Operation::CreateAction));
        assert_eq!(fault.drop, Some(DropPoint::BeforeBody));
        let any: Fault = serde_json::from_str(r#"{"operation": "*", "times": null}"#).unwrap();
        assert_eq!((any.operation, any.times), (FaultTarget::Any, None));
        let default: Fault = serde_json::from_str(r#"{"operation": "*"}"#).unwrap();
        assert_eq!(default.times, Some(1));
        assert!(serde_json::from_str::<Fault>(r#"{"operation": "nope"}"#).is_err());
    }

    #[test]
    fn queue_is_fifo_per_operation_and_star_comes_last() {
        let queue = FaultQueue::default();
        queue.push(Fault::any().status(500));
        queue.push(Fault::new(Operation::CreateAction).status(503).times(2));
        queue.push(Fault::new(Operation::CreateAction).status(502));
        let post = Method::POST;
        let take = |op| queue.take(op, &post).and_then(|f| f.status);
        assert_eq!(take(Operation::CreateAction), Some(503));
        assert_eq!(take(Operation::CreateAction), Some(503));
        assert_eq!(take(Operation::CreateAction), Some(502));
        assert_eq!(take(Operation::CreateAction), Some(500));
        assert_eq!(take(Operation::CreateAction), None);
    }

    #[test]
    fn times_zero_or_null_lasts_until_cleared() {
        let queue = FaultQueue::default();
        queue.push(Fault::new(Operation::GetIcon).status(503).times(0));
        for _ in 0..5 {
            assert!(queue.take(Operation::GetIcon, &Method::GET).is_some());
        }
        assert_eq!(queue.clear(), 1);
        assert!(queue.take(Operation::GetIcon, &Method::GET).is_none());
    }

    #[test]
    fn method_filter_and_checks() {
        let queue = FaultQueue::default();
        queue.push(Fault::any().method("delete").status(500));
        assert!(queue.take(Operation::GetIntegration, &Method::GET).is_none());
        assert!(queue.take(Operation::DeleteAction, &Method::DELETE).is_some());
        assert!(Fault::any().status(42).check().is_err());
        assert!(Fault::any().header("bad header", "x").check().is_err());
        assert!(Fault::any().status(503).header("Retry-After", "1").check().is_ok());
    }
}
