//! Adaptive pacing: a client-wide send-rate limiter that backs off on 429 and recovers on success.
//!
//! It stays out of the way (no limit at all) until the service throttles. Then the whole client
//! sends at 90% of the **goodput** the service allowed over the last two seconds (answers that
//! were not 429), and probes upward by 2% for each second without a throttle, never above twice
//! the goodput; after 30 s without a throttle it switches off again. Fifty concurrent calls thus
//! converge on the service's limit instead of each hammering it with its own retries.
//!
//! Why not AWS's "adaptive" mode (CUBIC on the send rate), which this replaced: its cuts compound
//! (each 429 multiplies the rate by 0.7), and under a rate limit 429s come in bursts, so a bulk job
//! of 1,000 creates against 50 requests/s fell to the 0.5/s floor within 0.2 s and ran at 11% of
//! the ideal rate. A cut anchored on measured goodput does not compound: ten 429s in a row set the
//! rate to the same 90% of what the service accepts. Measured on that bulk job (Rust, `make bench`):
//! 103-105% of the ideal rate (the service's initial burst included), 17-58 429s, 0 failures. A 429 to a request sent before the last cut
//! says nothing new and is ignored.
//!
//! Only a 429 that asks for a wait slows the client: a 429 with `Retry-After: 0` says "again, now",
//! not "too fast", and reacting to it would let a service that rejects a few requests at random
//! (measured: 3% of answers) slow a busy client down for nothing.
//!
//! The arithmetic takes the time as an argument (seconds since the pacer started) so that it is
//! unit-tested without a clock.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// After a throttle, the share of the measured goodput the client sends at: low enough that the
/// probe back up (2%/s) takes seconds to meet the limit again, high enough to lose little.
const CUT: f64 = 0.9;
/// How fast the rate probes upward while nothing is throttled, per second.
const GROWTH_PER_SECOND: f64 = 0.02;
/// Goodput is measured over this many seconds...
const WINDOW_SECONDS: f64 = 2.0;
/// ...and over at least this many, so that a cold-start burst the service let through is not
/// mistaken for its sustained rate.
const MIN_WINDOW_SECONDS: f64 = 1.0;
/// The slowest the client is ever paced, in requests per second.
const MIN_RATE: f64 = 0.5;
/// Without a throttle for this long, pacing switches off.
const QUIET_SECONDS: f64 = 30.0;
/// Answers remembered for the goodput; more than any service's rate over the window.
const MAX_SAMPLES: usize = 200_000;

/// Whether an answer is a signal to slow down: a 429, unless its `Retry-After` is zero.
pub fn is_throttle(status: u16, retry_after: Option<Duration>) -> bool {
    status == 429 && retry_after != Some(Duration::ZERO)
}

/// The state of the limiter. All rates are in requests per second, all times in seconds.
#[derive(Debug, Clone, Default)]
pub struct PacerState {
    enabled: bool,
    /// The rate set by the last cut; the current rate grows from it.
    cut_rate: f64,
    last_cut: f64,
    tokens: f64,
    last_refill: f64,
    accepted: VecDeque<f64>,
    first_accepted: Option<f64>,
}

impl PacerState {
    /// Takes a send slot at time `now` when one is free: `None`, send now; else how long to wait
    /// before asking again (the rate may change meanwhile, so the caller asks again, not sends).
    pub fn try_acquire(&mut self, now: f64) -> Option<f64> {
        let rate = self.rate(now)?;
        let capacity = (rate / 10.0).max(1.0);
        self.tokens = (self.tokens + (now - self.last_refill).max(0.0) * rate).min(capacity);
        self.last_refill = now;
        // The epsilon: waiting exactly (1 - tokens) / rate refills to 1 only up to rounding.
        if self.tokens >= 1.0 - 1e-9 {
            self.tokens = (self.tokens - 1.0).max(0.0);
            None
        } else {
            Some((1.0 - self.tokens) / rate)
        }
    }

    /// Records, at time `now`, the answer to an attempt sent at time `sent`.
    pub fn record(&mut self, now: f64, sent: f64, throttled: bool) {
        if !throttled {
            self.first_accepted.get_or_insert(now);
            self.accepted.push_back(now);
            self.forget_before(now - WINDOW_SECONDS);
            return;
        }
        if self.enabled && sent < self.last_cut {
            return; // sent before the last cut: already accounted for
        }
        self.forget_before(now - WINDOW_SECONDS);
        self.cut_rate = (CUT * self.goodput(now)).max(MIN_RATE);
        self.last_cut = now;
        if !self.enabled {
            self.enabled = true;
            self.tokens = 1.0;
            self.last_refill = now;
        }
        self.tokens = self.tokens.min(1.0);
    }

    /// The current rate, or `None` while pacing is off.
    pub fn rate(&mut self, now: f64) -> Option<f64> {
        if !self.enabled {
            return None;
        }
        let quiet = now - self.last_cut;
        if quiet > QUIET_SECONDS {
            self.enabled = false;
            return None;
        }
        let grown = self.cut_rate * (1.0 + GROWTH_PER_SECOND).powf(quiet.max(0.0));
        Some(grown.min((2.0 * self.goodput(now)).max(self.cut_rate)).max(MIN_RATE))
    }

    /// Answers the service accepted per second, over the window.
    fn goodput(&self, now: f64) -> f64 {
        let Some(first) = self.first_accepted else { return 0.0 };
        let span = (now - first).clamp(MIN_WINDOW_SECONDS, WINDOW_SECONDS);
        let counted = self.accepted.iter().filter(|&&t| t >= now - span).count();
        counted as f64 / span
    }

    fn forget_before(&mut self, cutoff: f64) {
        while self.accepted.front().is_some_and(|&t| t < cutoff) || self.accepted.len() > MAX_SAMPLES {
            self.accepted.pop_front();
        }
    }
}

/// The shared, thread-safe pacer of one client.
#[derive(Debug)]
pub(crate) struct Pacer {
    started: Instant,
    state: Mutex<PacerState>,
}

/// A waiting caller asks again at least this often, so that a rate that rose meanwhile helps it.
const MAX_POLL: Duration = Duration::from_millis(100);

impl Pacer {
    pub(crate) fn new() -> Pacer {
        Pacer { started: Instant::now(), state: Mutex::new(PacerState::default()) }
    }

    fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PacerState> {
        // The state is plain numbers: a panic elsewhere cannot leave it unusable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for a send slot; `false` when none came before `deadline` (nothing is held then).
    pub(crate) async fn acquire(&self, deadline: Instant) -> bool {
        loop {
            let now = self.now();
            let Some(wait) = self.lock().try_acquire(now) else { return true };
            let wait = Duration::from_secs_f64(wait.clamp(0.0, 3600.0)).min(MAX_POLL);
            if Instant::now() + wait >= deadline {
                return false;
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Records the answer to an attempt sent at `sent`.
    pub(crate) fn record(&self, sent: Instant, throttled: bool) {
        let now = self.now();
        let sent = sent.saturating_duration_since(self.started).as_secs_f64();
        self.lock().record(now, sent, throttled);
    }

    pub(crate) fn rate(&self) -> Option<f64> {
        let now = self.now();
        self.lock().rate(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` accepted answers spread evenly over `[start, start + seconds)`.
    fn accept(state: &mut PacerState, start: f64, seconds: f64, count: usize) -> f64 {
        for n in 0..count {
            let at = start + seconds * n as f64 / count as f64;
            state.record(at, at, false);
        }
        start + seconds
    }

    #[test]
    fn only_a_429_that_asks_for_a_wait_is_a_throttle() {
        assert!(is_throttle(429, None));
        assert!(is_throttle(429, Some(Duration::from_secs(1))));
        assert!(!is_throttle(429, Some(Duration::ZERO)));
        assert!(!is_throttle(503, Some(Duration::from_secs(1))));
        assert!(!is_throttle(200, None));
    }

    #[test]
    fn pacing_stays_off_until_the_first_throttle() {
        let mut state = PacerState::default();
        let now = accept(&mut state, 0.0, 2.0, 200);
        assert_eq!(state.rate(now), None);
        assert_eq!(state.try_acquire(now), None);
    }

    #[test]
    fn a_cold_start_burst_is_not_read_as_the_sustained_rate() {
        // A service allowing 50/s with a burst of 50: the first 50 answers come at once, then 429s.
        let mut state = PacerState::default();
        let now = accept(&mut state, 0.0, 0.05, 50);
        state.record(now, 0.0, true);
        let rate = state.rate(now).unwrap();
        assert!((43.0..=46.0).contains(&rate), "rate {rate}");
    }

    #[test]
    fn a_throttle_sets_the_rate_to_90_percent_of_the_goodput() {
        let mut state = PacerState::default();
        let now = accept(&mut state, 0.0, 3.0, 300); // 100/s accepted
        state.record(now, now, true);
        let rate = state.rate(now).unwrap();
        assert!((88.0..=91.0).contains(&rate), "rate {rate}");
    }

    #[test]
    fn cuts_do_not_compound() {
        let mut state = PacerState::default();
        let mut now = accept(&mut state, 0.0, 3.0, 300);
        state.record(now, now, true);
        let first = state.rate(now).unwrap();
        for _ in 0..20 {
            now += 0.01;
            state.record(now, now, false); // the service keeps accepting 100/s...
            state.record(now, now, true); // ...and throttles what is sent after the cut
        }
        let after = state.rate(now).unwrap();
        assert!(after > first * 0.9, "{first} then {after}");
    }

    #[test]
    fn throttles_to_requests_sent_before_the_cut_are_ignored() {
        let mut state = PacerState::default();
        let now = accept(&mut state, 0.0, 3.0, 300);
        state.record(now, now - 0.01, true);
        let cut = state.last_cut;
        state.record(now + 0.5, now - 0.005, true);
        assert_eq!(state.last_cut, cut);
    }

    #[test]
    fn the_rate_probes_upward_while_nothing_is_throttled_but_not_past_twice_the_goodput() {
        let mut state = PacerState::default();
        let now = accept(&mut state, 0.0, 3.0, 300);
        state.record(now, now, true);
        let cut = state.rate(now).unwrap();
        let later = accept(&mut state, now, 4.0, 400);
        let grown = state.rate(later).unwrap();
        assert!(grown > cut * 1.06 && grown < cut * 1.10, "{cut} -> {grown}");
        // Idle for 20 s: the goodput is 0, so the rate is held at the last cut, not grown freely.
        let idle = state.rate(later + 20.0).unwrap();
        assert!(idle <= cut + 1e-9, "{idle}");
    }

    #[test]
    fn sends_are_spaced_at_the_rate() {
        let mut state = PacerState::default();
        let mut now = accept(&mut state, 0.0, 2.0, 40); // 20/s
        state.record(now, now, true);
        let rate = state.rate(now).unwrap();
        let start = now;
        let mut sent = 0;
        while sent < 100 {
            match state.try_acquire(now) {
                None => sent += 1,
                Some(wait) => now += wait.min(0.1),
            }
        }
        let elapsed = now - start;
        let expected = 100.0 / rate;
        assert!((expected * 0.9..=expected * 1.1).contains(&elapsed), "{elapsed} s for 100 at {rate}/s");
    }

    #[test]
    fn pacing_switches_off_after_a_quiet_half_minute() {
        let mut state = PacerState::default();
        let now = accept(&mut state, 0.0, 2.0, 100);
        state.record(now, now, true);
        assert!(state.rate(now + 29.0).is_some());
        assert_eq!(state.rate(now + 31.0), None);
        assert_eq!(state.try_acquire(now + 31.0), None);
    }
}
