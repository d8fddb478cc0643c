//! Adaptive pacing: a client-wide send-rate limiter that backs off on 429 and recovers on success.
//!
//! This is AWS's "adaptive" retry mode: a token bucket whose fill rate follows CUBIC congestion
//! control. It stays out of the way (no limit at all) until the first 429; from then on the rate
//! drops to 70% of what was being sent and grows back along a cubic curve while calls succeed,
//! never above twice the measured send rate. Fifty concurrent calls thus converge on the
//! service's limit instead of each hammering it with its own retries.
//!
//! Only a 429 that asks for a wait slows the client: a 429 with `Retry-After: 0` says "again, now",
//! not "too fast", and reacting to it would let a service that rejects a few requests at random
//! (measured: 3% of answers) cut a busy client's rate forty-fold.
//!
//! Two changes to AWS's version, both from TCP: the send rate is measured over a sliding window
//! (AWS's half-second buckets read 0 during a cold-start burst, which cut the rate to the floor),
//! and the rate is cut once per congestion event: a 429 to a request sent before the last cut says
//! nothing about the rate chosen since, so it does not cut again.
//!
//! The arithmetic takes the time as an argument (seconds since the pacer started) so that it is
//! unit-tested without a clock.

use std::sync::Mutex;
use std::time::{Duration, Instant};

const BETA: f64 = 0.7;
const SCALE: f64 = 0.4;
const MIN_FILL_RATE: f64 = 0.5;
const MIN_CAPACITY: f64 = 1.0;
const WINDOW_SECONDS: f64 = 1.0;
const MIN_WINDOW_SECONDS: f64 = 0.05;
const MAX_SAMPLES: usize = 100_000;

/// Whether an answer is a signal to slow down: a 429, unless its `Retry-After` is zero.
pub fn is_throttle(status: u16, retry_after: Option<Duration>) -> bool {
    status == 429 && retry_after != Some(Duration::ZERO)
}

/// The state of the limiter. All rates are in requests per second.
#[derive(Debug, Clone)]
pub struct PacerState {
    enabled: bool,
    fill_rate: f64,
    capacity: f64,
    tokens: f64,
    last_refill: f64,
    sends: std::collections::VecDeque<f64>,
    first_send: Option<f64>,
    last_max_rate: f64,
    last_throttle: f64,
    time_window: f64,
}

impl Default for PacerState {
    fn default() -> Self {
        PacerState {
            enabled: false,
            fill_rate: MIN_FILL_RATE,
            capacity: MIN_CAPACITY,
            tokens: MIN_CAPACITY,
            last_refill: 0.0,
            sends: std::collections::VecDeque::new(),
            first_send: None,
            last_max_rate: 0.0,
            last_throttle: 0.0,
            time_window: 0.0,
        }
    }
}

impl PacerState {
    /// Reserves one send slot at time `now`; returns how long the caller must wait before sending.
    pub fn reserve(&mut self, now: f64) -> f64 {
        if !self.enabled {
            return 0.0;
        }
        self.refill(now);
        // Tokens may go negative: that is a queue of reservations, each waiting its turn.
        self.tokens -= 1.0;
        if self.tokens >= 0.0 { 0.0 } else { -self.tokens / self.fill_rate }
    }

    /// Records the outcome, at time `now`, of an attempt sent at time `sent`.
    pub fn record(&mut self, now: f64, sent: f64, throttled: bool) {
        let measured = self.measure(sent, now);
        let rate = if throttled {
            if self.enabled && sent < self.last_throttle {
                return; // sent before the last cut: already accounted for
            }
            let rate_to_use = if self.enabled { measured.min(self.fill_rate) } else { measured };
            self.last_max_rate = rate_to_use.max(MIN_FILL_RATE);
            self.time_window = (self.last_max_rate * (1.0 - BETA) / SCALE).cbrt();
            self.last_throttle = now;
            self.enabled = true;
            rate_to_use * BETA
        } else {
            if !self.enabled {
                return;
            }
            let t = now - self.last_throttle - self.time_window;
            SCALE * t.powi(3) + self.last_max_rate
        };
        self.set_rate(now, rate.min(2.0 * measured.max(MIN_FILL_RATE)));
    }

    /// The current fill rate, when pacing is on.
    pub fn rate(&self) -> Option<f64> {
        self.enabled.then_some(self.fill_rate)
    }

    fn refill(&mut self, now: f64) {
        let elapsed = (now - self.last_refill).max(0.0);
        self.tokens = (self.tokens + elapsed * self.fill_rate).min(self.capacity);
        self.last_refill = now;
    }

    fn set_rate(&mut self, now: f64, rate: f64) {
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.capacity = rate.max(MIN_CAPACITY);
        self.tokens = self.tokens.min(self.capacity);
    }

    /// Counts a send at `sent` and returns the send rate over the last second (or since the
    /// first send, when that is more recent).
    fn measure(&mut self, sent: f64, now: f64) -> f64 {
        self.first_send.get_or_insert(sent);
        self.sends.push_back(sent);
        while self.sends.front().is_some_and(|&t| t < now - WINDOW_SECONDS) || self.sends.len() > MAX_SAMPLES {
            self.sends.pop_front();
        }
        let since_first = now - self.first_send.unwrap_or(sent);
        let window = since_first.clamp(MIN_WINDOW_SECONDS, WINDOW_SECONDS);
        self.sends.len() as f64 / window
    }
}

/// The shared, thread-safe pacer of one client.
#[derive(Debug)]
pub(crate) struct Pacer {
    started: Instant,
    state: Mutex<PacerState>,
}

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

    /// How long to wait before the next send.
    pub(crate) fn reserve(&self) -> Duration {
        let now = self.now();
        Duration::from_secs_f64(self.lock().reserve(now).clamp(0.0, 3600.0))
    }

    /// Records the answer to an attempt sent at `sent`.
    pub(crate) fn record(&self, sent: Instant, throttled: bool) {
        let now = self.now();
        let sent = sent.saturating_duration_since(self.started).as_secs_f64();
        self.lock().record(now, sent, throttled);
    }

    pub(crate) fn rate(&self) -> Option<f64> {
        self.lock().rate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends at `rate` per second from `start` for `seconds`, recording each outcome.
    fn send_steadily(state: &mut PacerState, start: f64, seconds: f64, rate: f64, throttled: bool) -> f64 {
        let step = 1.0 / rate;
        let mut now = start;
        while now < start + seconds {
            state.record(now, now, throttled);
            now += step;
        }
        now
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
        send_steadily(&mut state, 0.0, 2.0, 100.0, false);
        assert_eq!(state.rate(), None);
        assert_eq!(state.reserve(2.0), 0.0);
    }

    #[test]
    fn a_throttle_cuts_the_rate_to_seventy_percent_of_what_was_sent() {
        let mut state = PacerState::default();
        let now = send_steadily(&mut state, 0.0, 3.0, 100.0, false);
        state.record(now, now, true);
        let rate = state.rate().expect("pacing on after a 429");
        assert!((60.0..=75.0).contains(&rate), "rate {rate}");
    }

    #[test]
    fn successes_grow_the_rate_back_after_a_throttle() {
        let mut state = PacerState::default();
        let now = send_steadily(&mut state, 0.0, 3.0, 100.0, false);
        state.record(now, now, true);
        let after_throttle = state.rate().unwrap();
        let later = send_steadily(&mut state, now, 5.0, 100.0, false);
        state.record(later, later, false);
        assert!(state.rate().unwrap() > after_throttle);
    }

    #[test]
    fn reservations_queue_up_at_the_fill_rate() {
        let mut state = PacerState::default();
        let now = send_steadily(&mut state, 0.0, 3.0, 20.0, false);
        state.record(now, now, true);
        let rate = state.rate().unwrap();
        let waits: Vec<f64> = (0..50).map(|_| state.reserve(now)).collect();
        assert!(waits.windows(2).all(|pair| pair[1] >= pair[0]), "waits grow: {waits:?}");
        // Fifty sends at once: the last waits about fifty slots (less the at most one token in hand).
        assert!((48.0 / rate..=50.0 / rate).contains(&waits[49]), "{} at rate {rate}", waits[49]);
    }

    #[test]
    fn a_cold_start_burst_does_not_cut_the_rate_to_the_floor() {
        let mut state = PacerState::default();
        // 60 requests sent within 50 ms; the first answers are 429s.
        for n in 0..60 {
            state.measure(f64::from(n) * 0.001, f64::from(n) * 0.001);
        }
        state.record(0.06, 0.0, true);
        let rate = state.rate().unwrap();
        assert!(rate > 100.0, "rate {rate}");
    }

    #[test]
    fn throttles_to_requests_sent_before_the_cut_do_not_cut_again() {
        let mut state = PacerState::default();
        let now = send_steadily(&mut state, 0.0, 2.0, 100.0, false);
        state.record(now, now - 0.01, true);
        let first = state.rate().unwrap();
        for n in 1..40 {
            state.record(now + 0.001 * f64::from(n), now - 0.01, true);
        }
        assert_eq!(state.rate().unwrap(), first);
    }

    #[test]
    fn repeated_throttles_keep_cutting_the_rate() {
        let mut state = PacerState::default();
        let mut now = send_steadily(&mut state, 0.0, 2.0, 100.0, false);
        state.record(now, now, true);
        let first = state.rate().unwrap();
        for _ in 0..5 {
            now = send_steadily(&mut state, now, 1.0, first, true);
        }
        assert!(state.rate().unwrap() < first);
        assert!(state.rate().unwrap() >= MIN_FILL_RATE);
    }
}
