//! The retry policy as plain data and functions, testable without a network.
//!
//! The transport asks [`decide`] what to do after each failed attempt; this module never sleeps or
//! sends anything itself.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use crate::operation::WriteSafety;

/// Statuses worth another attempt; every other status (400, 401, 403, 404, 409, 413...) is final.
pub const RETRYABLE_STATUSES: &[u16] = &[408, 429, 500, 502, 503, 504];

/// The knobs of the retry engine. Defaults follow SDK.md section 2.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (2 means up to 3 attempts).
    pub max_retries: u32,
    /// The first computed wait; it doubles on each retry.
    pub initial_backoff: Duration,
    /// The computed wait never exceeds this.
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not slept: the call fails at once with `retry_after` set.
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

/// How one attempt failed, as far as the retry decision needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The connection was never established: the request provably did not reach the server.
    Connect,
    /// The attempt timed out after the request may have been sent.
    Timeout,
    /// The connection broke after the request may have been sent (reset, truncated answer).
    Interrupted,
    /// The TLS handshake refused the server's certificate (an unknown CA, another host's name, expired):
    /// nothing was sent, and another attempt would meet the same certificate, so it is final.
    Certificate,
    /// The server answered with an error status.
    Status {
        /// The HTTP status.
        status: u16,
        /// The parsed `Retry-After`, if the answer had a valid one.
        retry_after: Option<Duration>,
    },
}

impl Failure {
    /// True when the request provably did not take effect, so that even a create may be repeated
    /// and a failed create is not `maybe_created`: a connect failure (a refused server certificate
    /// included), a redirect that was not
    /// followed, a 4xx other than 409 (the service refused the request: bad input, no scope, rate
    /// limited...), or a 503 that says when to come back. A 409 says the item exists.
    pub fn provably_not_applied(self) -> bool {
        match self {
            Failure::Connect | Failure::Certificate => true,
            Failure::Status { status: 409, .. } => false,
            Failure::Status { status: 300..=499, .. } => true,
            Failure::Status { status: 503, retry_after } => retry_after.is_some(),
            _ => false,
        }
    }

    /// True for failures the policy retries at all.
    pub fn is_retryable(self) -> bool {
        match self {
            Failure::Connect | Failure::Timeout | Failure::Interrupted => true,
            Failure::Certificate => false,
            Failure::Status { status, .. } => RETRYABLE_STATUSES.contains(&status),
        }
    }

    /// The server's requested wait, if any.
    pub fn retry_after(self) -> Option<Duration> {
        match self {
            Failure::Status { retry_after, .. } => retry_after,
            _ => None,
        }
    }
}

/// Why the engine stops retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// The failure is final (a 4xx other than 408/429).
    NotRetryable,
    /// `max_retries` retries were already taken.
    RetriesExhausted,
    /// A create without a unique name failed in a way that may have taken effect.
    MaybeApplied,
    /// The server asked for a wait longer than [`RetryPolicy::retry_after_cap`].
    RetryAfterTooLong,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Return the failure to the caller.
    GiveUp(GiveUp),
}

/// Decides whether to retry after `failure`, given the retries already taken.
///
/// `jitter` is a number in `[0, 1)`; the computed backoff is scaled to between 75% and 100%
/// of its nominal value so that many clients failing together do not retry together.
pub fn decide(
    policy: &RetryPolicy,
    safety: WriteSafety,
    failure: Failure,
    retries_taken: u32,
    jitter: f64,
) -> Decision {
    if !failure.is_retryable() {
        return Decision::GiveUp(GiveUp::NotRetryable);
    }
    if safety == WriteSafety::CreateWithoutUniqueName && !failure.provably_not_applied() {
        return Decision::GiveUp(GiveUp::MaybeApplied);
    }
    if let Some(wait) = failure.retry_after()
        && wait > policy.retry_after_cap
    {
        return Decision::GiveUp(GiveUp::RetryAfterTooLong);
    }
    if retries_taken >= policy.max_retries {
        return Decision::GiveUp(GiveUp::RetriesExhausted);
    }
    let wait = failure.retry_after().unwrap_or_else(|| backoff(policy, retries_taken, jitter));
    Decision::Retry(wait)
}

/// The computed wait before retry number `retries_taken + 1`: `initial × 2^n`, capped, jittered.
pub fn backoff(policy: &RetryPolicy, retries_taken: u32, jitter: f64) -> Duration {
    let factor = 2f64.powi(retries_taken.min(32) as i32);
    let nominal = policy.initial_backoff.as_secs_f64() * factor;
    let capped = nominal.min(policy.max_backoff.as_secs_f64());
    Duration::from_secs_f64(capped * (1.0 - 0.25 * jitter.clamp(0.0, 1.0)))
}

/// Parses a `Retry-After` value: delta-seconds (`"120"`, also fractional `"1.5"`) or an HTTP date.
///
/// A date in the past means "now" (zero). Garbage gives `None`, and the engine falls back to its
/// own backoff.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A client-wide retry budget (AWS "standard" mode): retries spend tokens and successes earn them
/// back, so that when the service is down a busy client stops multiplying its load by the retry
/// count. As in AWS's SDKs, a call that succeeds after retries gets back what its retries cost (a
/// call that succeeds at once earns one token): a service that fails a share of requests but
/// answers the retries does not drain the budget. A 429 costs nothing: the service is up and
/// metering, and pacing, not the budget, is the answer to it.
#[derive(Debug)]
pub struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

/// The tokens a budget starts with and never exceeds.
pub const BUDGET_CAPACITY: u32 = 500;
/// What a retry costs.
pub const RETRY_COST: u32 = 5;
/// What a retry after a timeout costs: timeouts hint at an overloaded service, so they drain faster.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// What a success at the first attempt earns back.
pub const SUCCESS_REFUND: u32 = 1;

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::new(BUDGET_CAPACITY)
    }
}

impl RetryBudget {
    /// A full budget of `capacity` tokens.
    pub fn new(capacity: u32) -> RetryBudget {
        RetryBudget { tokens: AtomicU32::new(capacity), capacity }
    }

    /// The cost of retrying after `failure`.
    pub fn cost(failure: Failure) -> u32 {
        match failure {
            Failure::Timeout => TIMEOUT_RETRY_COST,
            Failure::Status { status: 429, .. } => 0,
            _ => RETRY_COST,
        }
    }

    /// Takes the cost of one retry; false (and nothing taken) when the budget cannot pay it.
    pub fn try_spend(&self, cost: u32) -> bool {
        self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| tokens.checked_sub(cost)).is_ok()
    }

    /// Earns tokens back after a successful call that spent `spent` on its retries: all of them,
    /// or one when it spent none.
    pub fn refund(&self, spent: u32) {
        let capacity = self.capacity;
        let earned = if spent == 0 { SUCCESS_REFUND } else { spent };
        let _ = self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
            (tokens < capacity).then(|| tokens.saturating_add(earned).min(capacity))
        });
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFE: WriteSafety = WriteSafety::Idempotent;

    fn status(status: u16) -> Failure {
        Failure::Status { status, retry_after: None }
    }

    #[test]
    fn retryable_failures_are_exactly_the_documented_ones() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(status(code).is_retryable(), "{code}");
        }
        for code in [400, 401, 403, 404, 409, 413, 415, 422, 501] {
            assert!(!status(code).is_retryable(), "{code}");
        }
        assert!(Failure::Connect.is_retryable());
        assert!(Failure::Timeout.is_retryable());
        assert!(Failure::Interrupted.is_retryable());
        assert!(!Failure::Certificate.is_retryable(), "the same certificate would be refused again");
    }

    #[test]
    fn connect_certificate_3xx_4xx_but_409_and_503_with_retry_after_prove_nothing_happened() {
        assert!(Failure::Connect.provably_not_applied());
        assert!(Failure::Certificate.provably_not_applied(), "the handshake failed before the request");
        for code in [301, 307, 308, 400, 401, 403, 404, 408, 413, 422, 429] {
            assert!(status(code).provably_not_applied(), "{code}");
        }
        assert!(!status(409).provably_not_applied(), "a 409 says the item exists");
        assert!(Failure::Status { status: 503, retry_after: Some(Duration::from_secs(1)) }.provably_not_applied());
        assert!(!status(503).provably_not_applied());
        assert!(!status(500).provably_not_applied());
        assert!(!Failure::Timeout.provably_not_applied());
        assert!(!Failure::Interrupted.provably_not_applied());
    }

    #[test]
    fn backoff_doubles_from_half_a_second_and_caps_at_eight() {
        let policy = RetryPolicy::default();
        let nominal: Vec<f64> = (0..7).map(|n| backoff(&policy, n, 0.0).as_secs_f64()).collect();
        assert_eq!(nominal, vec![0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]);
        assert_eq!(backoff(&policy, 1000, 0.0), Duration::from_secs(8));
    }

    #[test]
    fn jitter_keeps_the_wait_between_75_and_100_percent() {
        let policy = RetryPolicy::default();
        assert_eq!(backoff(&policy, 1, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(&policy, 1, 1.0), Duration::from_millis(750));
        assert_eq!(backoff(&policy, 1, 0.5), Duration::from_millis(875));
    }

    #[test]
    fn retry_after_replaces_the_computed_wait() {
        let policy = RetryPolicy::default();
        let failure = Failure::Status { status: 429, retry_after: Some(Duration::from_secs(3)) };
        assert_eq!(decide(&policy, SAFE, failure, 0, 0.0), Decision::Retry(Duration::from_secs(3)));
    }

    #[test]
    fn retry_after_over_the_cap_fails_at_once() {
        let policy = RetryPolicy::default();
        let failure = Failure::Status { status: 429, retry_after: Some(Duration::from_secs(61)) };
        assert_eq!(decide(&policy, SAFE, failure, 0, 0.0), Decision::GiveUp(GiveUp::RetryAfterTooLong));
        let at_cap = Failure::Status { status: 429, retry_after: Some(Duration::from_secs(60)) };
        assert_eq!(decide(&policy, SAFE, at_cap, 0, 0.0), Decision::Retry(Duration::from_secs(60)));
    }

    #[test]
    fn retries_stop_after_max_retries() {
        let policy = RetryPolicy { max_retries: 2, ..RetryPolicy::default() };
        assert!(matches!(decide(&policy, SAFE, status(500), 1, 0.0), Decision::Retry(_)));
        assert_eq!(decide(&policy, SAFE, status(500), 2, 0.0), Decision::GiveUp(GiveUp::RetriesExhausted));
        let none = RetryPolicy { max_retries: 0, ..RetryPolicy::default() };
        assert_eq!(decide(&none, SAFE, status(503), 0, 0.0), Decision::GiveUp(GiveUp::RetriesExhausted));
    }

    #[test]
    fn final_statuses_are_never_retried() {
        let policy = RetryPolicy::default();
        for code in [400, 401, 403, 404, 409, 413] {
            assert_eq!(decide(&policy, SAFE, status(code), 0, 0.0), Decision::GiveUp(GiveUp::NotRetryable));
        }
    }

    #[test]
    fn integration_create_retries_only_what_provably_did_not_happen() {
        let policy = RetryPolicy::default();
        let unique = WriteSafety::CreateWithoutUniqueName;
        for failure in [Failure::Timeout, Failure::Interrupted, status(500), status(502), status(503), status(504)] {
            assert_eq!(decide(&policy, unique, failure, 0, 0.0), Decision::GiveUp(GiveUp::MaybeApplied), "{failure:?}");
        }
        for failure in [
            Failure::Connect,
            status(408),
            status(429),
            Failure::Status { status: 503, retry_after: Some(Duration::from_secs(1)) },
        ] {
            assert!(matches!(decide(&policy, unique, failure, 0, 0.0), Decision::Retry(_)), "{failure:?}");
        }
    }

    #[test]
    fn action_and_trigger_creates_retry_ambiguous_failures() {
        let policy = RetryPolicy::default();
        let named = WriteSafety::CreateWithUniqueName;
        for failure in [Failure::Timeout, Failure::Interrupted, status(500)] {
            assert!(matches!(decide(&policy, named, failure, 0, 0.0), Decision::Retry(_)), "{failure:?}");
        }
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 1.5 ", now), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("inf", now), None);
    }

    #[test]
    fn budget_spends_refunds_and_runs_dry() {
        let budget = RetryBudget::new(12);
        assert!(budget.try_spend(RetryBudget::cost(status(500))));
        assert_eq!(budget.available(), 7);
        assert!(!budget.try_spend(RetryBudget::cost(Failure::Timeout)));
        assert_eq!(budget.available(), 7, "a refused spend takes nothing");
        budget.refund(0);
        assert_eq!(budget.available(), 8, "a first-attempt success earns one");
        budget.refund(RETRY_COST);
        assert_eq!(budget.available(), 12, "a retried success earns its retries back, never above capacity");
        assert_eq!(RetryBudget::cost(Failure::Status { status: 429, retry_after: None }), 0, "429s are free");
    }

    #[test]
    fn default_budget_allows_a_hundred_plain_retries() {
        let budget = RetryBudget::default();
        let spent = (0..1000).take_while(|_| budget.try_spend(RETRY_COST)).count();
        assert_eq!(spent, 100);
    }
}
