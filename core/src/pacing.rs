//! Adaptive pacing: a client-wide send-rate limiter that backs off on 429 and recovers on success.
//!
//! It stays out of the way (no limit at all) until the service throttles. Then the whole client
//! sends at 90% of the **goodput** the service allowed over the last two seconds (answers that
//! were not 429), recovers by 2% for each second without a throttle up to a **hold** just under
//! that goodput (97% of it: the most the service is known to take), and only after ten seconds
//! at the hold probes past it, again by 2% a second; never above twice the current goodput.
//! After 30 s without a throttle it switches off again. Fifty concurrent calls thus converge on
//! the service's limit instead of each hammering it with its own retries.
//!
//! Why not AWS's "adaptive" mode (CUBIC on the send rate), which this replaced: its cuts compound
//! (each 429 multiplies the rate by 0.7), and under a rate limit 429s come in bursts, so a bulk job
//! of 1,000 creates against 50 requests/s fell to the 0.5/s floor within 0.2 s and ran at 11% of
//! the ideal rate. A cut anchored on measured goodput does not compound: ten 429s in a row set the
//! rate to the same 90% of what the service accepts. A 429 to a request sent before the last cut
//! says nothing new and is ignored; an acceptance of one is counted into the goodput the cut
//! measured. That matters at the first throttle: answers arrive in no set order, and a client
//! that read its first 429 before most of the acceptances of the same burst cut to a fraction of
//! the limit; without this, the bulk job below ran at 56-87% of the ideal rate in one run of
//! three (a cut to a fraction of 50/s, slow to climb back, once switched off after 30 s quiet and
//! met 19 429s at once).
//!
//! Why the hold: a rate limiter (a token bucket) refills while the client sends below its rate,
//! so a client probing upward without a ceiling passes the limit unnoticed until the saved tokens
//! are spent, then meets a 429, is cut, and climbs again: every few seconds (measured: 2-4 429s
//! after the first second of a 20 s bulk job). Holding at 97% of the goodput the last cut
//! measured loses 3% of the rate and meets the limit only when it probes, about once every 18 s
//! at a steady limit (measured: 1 per run); a raised limit is still found, and a throttle at the
//! hold (the ceiling was measured too high) lowers the ceiling to what the service then accepted.
//!
//! Why a new client eases in: before its first throttle a client knows no limit, and what it sends
//! after the service's bucket runs dry (about 50 at once at 50 requests/s) is rejected until the
//! first 429 comes back, however well it paces afterwards. 64 callers starting together used to
//! meet 16-65 429s in their first 10 ms, 2-6% of a 1,000-call bulk job. So for its first 0.6 s
//! (counted from its first send) a client keeps at most 4 requests in flight, doubling every
//! 0.1 s (4, 8, ... 256), the way TCP's slow start probes an unknown path: what is in flight when
//! the bucket runs dry is what is rejected, and that is now a handful. After 0.6 s nothing limits
//! the concurrency again. The cost: a caller with more than 4 calls at once in the client's first
//! 0.3 s waits for a slot (at most a few tenths of a second, once per client); one call at a time,
//! or a few at once, never waits. Over a long round trip the ramp helps less, since more of the
//! burst is on its way before the first 429 can come back.
//!
//! Measured on the bulk job of `make bench` (1,000 creates, 64 in flight, 50 requests/s; Rust,
//! release, three runs each): 104% of the ideal rate and no failures, with and without the start
//! window; 429s 4, 64 and 64 without it, 6, 6 and 2 with it. Before the goodput-anchored cut
//! above: 56-105% of the ideal rate.
//!
//! Only a 429 that asks for a wait slows the client: a 429 with `Retry-After: 0` says "again, now",
//! not "too fast", and reacting to it would let a service that rejects a few requests at random
//! (measured: 3% of answers) slow a busy client down for nothing.
//!
//! The arithmetic takes the time as an argument (seconds since the pacer started) so that it is
//! unit-tested without a clock.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// After a throttle, the share of the measured goodput the client sends at: low enough to let the
/// service's bucket refill a little, high enough to lose little.
const CUT: f64 = 0.9;
/// The share of the goodput measured at the last cut that the recovery stops at.
const HOLD: f64 = 0.97;
/// How long the rate stays at the hold before probing past it.
const HOLD_SECONDS: f64 = 10.0;
/// How fast the rate recovers, and probes past the hold, per second.
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
/// The client's own burst: sends saved up while callers were idle, in seconds of the rate.
const BURST_SECONDS: f64 = 0.1;
/// A new client's concurrency: at most this many requests in flight at its first send...
const START_WINDOW: f64 = 4.0;
/// ...doubling every this many seconds...
const START_DOUBLING_SECONDS: f64 = 0.1;
/// ...until this long after its first send, when the window (256 by then) stops limiting anyone.
const START_SECONDS: f64 = 0.6;
/// A send slot that is this close to whole counts as whole: waiting exactly `(1 - tokens) / rate`
/// refills to 1 only up to rounding.
const ROUNDING: f64 = 1e-9;

/// Whether an answer is a signal to slow down: a 429, unless its `Retry-After` is zero.
pub fn is_throttle(status: u16, retry_after: Option<Duration>) -> bool {
    status == 429 && retry_after != Some(Duration::ZERO)
}

/// The state of the limiter. All rates are in requests per second, all times in seconds.
#[derive(Debug, Clone, Default)]
pub struct PacerState {
    enabled: bool,
    /// The goodput measured at the last cut: the most the service is known to take.
    ceiling: f64,
    /// The window that goodput was measured over, in seconds.
    cut_span: f64,
    last_cut: f64,
    tokens: f64,
    last_refill: f64,
    accepted: VecDeque<f64>,
    first_accepted: Option<f64>,
    /// When the client first sent: its start window counts from then.
    first_send: Option<f64>,
    /// Requests sent during the start window and not yet answered (not counted after it).
    in_flight: u32,
}

impl PacerState {
    /// Takes a send slot at time `now` when one is free: `None`, send now; else how long to wait
    /// before asking again (the rate may change meanwhile, so the caller asks again, not sends).
    pub fn try_acquire(&mut self, now: f64) -> Option<f64> {
        let started = now - *self.first_send.get_or_insert(now);
        let starting = self.starting(now);
        if starting && f64::from(self.in_flight) >= start_window(started) {
            // The window grows past the requests in flight at `grows_at` (an answer may free a slot first).
            let grows_at = START_DOUBLING_SECONDS * (f64::from(self.in_flight + 1) / START_WINDOW).log2();
            return Some((grows_at.min(START_SECONDS) - started).max(0.0));
        }
        if let Some(wait) = self.rate_wait(now) {
            return Some(wait);
        }
        if starting {
            self.in_flight += 1;
        }
        None
    }

    /// Whether the start window still counts requests in flight at `now`.
    pub fn starting(&self, now: f64) -> bool {
        self.first_send.is_none_or(|first| now - first < START_SECONDS)
    }

    /// A request sent through [`PacerState::try_acquire`] was answered or abandoned at `now`.
    pub fn release(&mut self, now: f64) {
        if self.starting(now) {
            self.in_flight = self.in_flight.saturating_sub(1);
        }
    }

    /// The rate limiter's part of [`PacerState::try_acquire`]: `None` when a slot is free (and taken).
    fn rate_wait(&mut self, now: f64) -> Option<f64> {
        let rate = self.rate(now)?;
        let capacity = (rate * BURST_SECONDS).max(1.0);
        self.tokens = (self.tokens + (now - self.last_refill).max(0.0) * rate).min(capacity);
        self.last_refill = now;
        if self.tokens >= 1.0 - ROUNDING {
            self.tokens = (self.tokens - 1.0).max(0.0);
            None
        } else {
            Some((1.0 - self.tokens) / rate)
        }
    }

    /// Records, at time `now`, the answer to an attempt sent at time `sent`.
    pub fn record(&mut self, now: f64, sent: f64, throttled: bool) {
        let before_the_cut = self.enabled && sent < self.last_cut;
        if !throttled {
            self.first_accepted.get_or_insert(now);
            self.accepted.push_back(now);
            self.forget_before(now - WINDOW_SECONDS);
            if before_the_cut {
                // Accepted before the service throttled, answered after: part of the goodput the
                // cut measured, which the answers' order had hidden from it.
                self.ceiling += 1.0 / self.cut_span;
            }
            return;
        }
        if before_the_cut {
            return; // sent before the last cut: already accounted for
        }
        self.cut_span = self.span(now);
        self.ceiling = self.goodput(now);
        self.last_cut = now;
        self.enabled = true;
        // The service's bucket is empty right now: the next send waits a whole slot at the new rate.
        self.tokens = 0.0;
        self.last_refill = now;
    }

    /// The current rate, or `None` while pacing is off.
    pub fn rate(&mut self, now: f64) -> Option<f64> {
        if !self.enabled {
            return None;
        }
        let quiet = (now - self.last_cut).max(0.0);
        if quiet > QUIET_SECONDS {
            self.enabled = false;
            return None;
        }
        let cut_rate = self.cut_rate();
        let recovering = cut_rate * grown(quiet);
        let held = HOLD * self.ceiling * grown(quiet - HOLD_SECONDS);
        let cap = (2.0 * self.goodput(now)).max(cut_rate);
        Some(recovering.min(held).min(cap).max(MIN_RATE))
    }

    /// The rate the last cut set, which the current rate grows from.
    fn cut_rate(&self) -> f64 {
        (CUT * self.ceiling).max(MIN_RATE)
    }

    /// The window the goodput is measured over at `now`: the time since the first accepted
    /// answer, between the minimum and the full window.
    fn span(&self, now: f64) -> f64 {
        self.first_accepted.map_or(MIN_WINDOW_SECONDS, |first| (now - first).clamp(MIN_WINDOW_SECONDS, WINDOW_SECONDS))
    }

    /// Answers the service accepted per second, over the window.
    fn goodput(&self, now: f64) -> f64 {
        let span = self.span(now);
        let counted = self.accepted.iter().filter(|&&t| t >= now - span).count();
        counted as f64 / span
    }

    /// Drops the answers older than `cutoff`, and the oldest beyond [`MAX_SAMPLES`].
    fn forget_before(&mut self, cutoff: f64) {
        while self.accepted.front().is_some_and(|&t| t < cutoff) {
            self.accepted.pop_front();
        }
        // A count rather than a loop condition, so that no change of a comparison can make it spin.
        let excess = self.accepted.len().saturating_sub(MAX_SAMPLES);
        self.accepted.drain(..excess);
    }
}

/// The most requests a client may have in flight `started` seconds after its first send.
fn start_window(started: f64) -> f64 {
    START_WINDOW * 2f64.powf(started.max(0.0) / START_DOUBLING_SECONDS)
}

/// The factor the rate has grown by after `seconds` of growth (none for a negative time).
fn grown(seconds: f64) -> f64 {
    (1.0 + GROWTH_PER_SECOND).powf(seconds.max(0.0))
}

/// The shared, thread-safe pacer of one client.
#[derive(Debug)]
pub(crate) struct Pacer {
    started: Instant,
    state: Mutex<PacerState>,
    /// Whether the start window may still count requests in flight (cleared once it is over, so
    /// that a steady client's answers take no lock).
    starting: AtomicBool,
    /// Wakes a caller waiting for the start window when a request in it is answered.
    released: Notify,
}

/// A send slot taken from the [`Pacer`]: give it back (drop it) when the attempt is over, answered
/// or not, so that the start window counts only the requests still in flight.
#[derive(Debug)]
pub(crate) struct Permit<'a>(&'a Pacer);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// A waiting caller asks again at least this often, so that a rate that rose meanwhile helps it.
const MAX_POLL: Duration = Duration::from_millis(100);

/// How long a caller told at `now` to wait `seconds` sleeps before asking again, or `None` when
/// that sleep would reach `deadline` (it gives up then rather than oversleep the deadline).
fn poll_wait(seconds: f64, now: Instant, deadline: Instant) -> Option<Duration> {
    let wait = Duration::from_secs_f64(seconds.clamp(0.0, MAX_POLL.as_secs_f64()));
    (now + wait < deadline).then_some(wait)
}

impl Pacer {
    pub(crate) fn new() -> Pacer {
        Pacer::with_state(Instant::now(), PacerState::default())
    }

    fn with_state(started: Instant, state: PacerState) -> Pacer {
        Pacer { started, state: Mutex::new(state), starting: AtomicBool::new(true), released: Notify::new() }
    }

    fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PacerState> {
        // The state is plain numbers: a panic elsewhere cannot leave it unusable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for a send slot; `None` when none came before `deadline` (nothing is held then).
    pub(crate) async fn acquire(&self, deadline: Instant) -> Option<Permit<'_>> {
        loop {
            // Made before asking, so that an answer arriving between the question and the wait
            // still wakes this caller.
            let released = self.released.notified();
            let now = self.now();
            let Some(wait) = self.lock().try_acquire(now) else { return Some(Permit(self)) };
            let wait = poll_wait(wait, Instant::now(), deadline)?;
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = released => {}
            }
        }
    }

    /// The end of an attempt that held a [`Permit`].
    fn release(&self) {
        if !self.starting.load(Ordering::Relaxed) {
            return;
        }
        let now = self.now();
        let mut state = self.lock();
        state.release(now);
        if !state.starting(now) {
            self.starting.store(false, Ordering::Relaxed);
        }
        drop(state);
        self.released.notify_one();
    }

    /// Records the answer to an attempt sent at `sent`.
    pub(crate) fn record(&self, sent: Instant, throttled: bool) {
        let now = self.now();
        let sent = sent.saturating_duration_since(self.started).as_secs_f64();
        self.lock().record(now, sent, throttled);
    }

    /// The current rate, or `None` while pacing is off.
    pub(crate) fn rate(&self) -> Option<f64> {
        let now = self.now();
        self.lock().rate(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` accepted answers spread evenly over `[start, start + seconds)`; returns the end.
    fn accept(state: &mut PacerState, start: f64, seconds: f64, count: usize) -> f64 {
        for n in 0..count {
            let at = start + seconds * n as f64 / count as f64;
            state.record(at, at, false);
        }
        start + seconds
    }

    /// A state cut to `rate` at time 0, with no answers remembered: its rate is `rate` until it grows.
    /// Its client has been sending for a second (its start window is over).
    fn paced(rate: f64) -> PacerState {
        PacerState {
            enabled: true,
            ceiling: rate / CUT,
            cut_span: MIN_WINDOW_SECONDS,
            first_send: Some(-1.0),
            ..PacerState::default()
        }
    }

    /// A state that measured 100 answers/s for three seconds and was throttled at `3.0`.
    fn cut_at_100_per_second() -> (PacerState, f64) {
        let mut state = PacerState::default();
        let now = accept(&mut state, 0.0, 3.0, 300);
        state.record(now, now, true);
        (state, now)
    }

    #[track_caller]
    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() <= 1e-9 * expected.abs().max(1.0), "{actual} != {expected}");
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
    fn a_throttle_sets_the_rate_to_90_percent_of_the_goodput_of_the_last_two_seconds() {
        // 100/s for three seconds: the last two hold 200 answers.
        let (mut state, now) = cut_at_100_per_second();
        assert_close(state.rate(now).unwrap(), 90.0);
    }

    #[test]
    fn a_cold_start_burst_is_not_read_as_the_sustained_rate() {
        // A service allowing 50/s with a burst of 50: the first 50 answers come at once, then 429s.
        // Over the one-second minimum window, that is 50/s, not 1,000/s.
        let mut state = PacerState::default();
        let now = accept(&mut state, 0.0, 0.05, 50);
        state.record(now, 0.0, true);
        assert_close(state.rate(now).unwrap(), 45.0);
    }

    #[test]
    fn the_goodput_window_is_the_time_since_the_first_answer_between_one_and_two_seconds() {
        // 150 answers over [10, 11.5): the window is those 1.5 s, the first answer (at 10.0) included.
        let mut state = PacerState::default();
        let now = accept(&mut state, 10.0, 1.5, 150);
        state.record(now, now, true);
        assert_close(state.rate(now).unwrap(), 90.0);
    }

    #[test]
    fn acceptances_answered_after_the_first_429_of_their_burst_count_into_its_cut() {
        // A burst of 50 sent at 0.0, all accepted by a service taking 50 at once, but the 429 to
        // the 51st is read after only 10 of the acceptances.
        let mut state = PacerState::default();
        for n in 0..10 {
            state.record(0.001 * f64::from(n), 0.0, false);
        }
        state.record(0.01, 0.0, true);
        assert_close(state.rate(0.01).unwrap(), 9.0);
        for n in 0..40 {
            state.record(0.011 + 0.0001 * f64::from(n), 0.0, false);
        }
        assert_close(state.rate(0.01).unwrap(), 45.0);
        // Sent at or after the cut: the paced sends themselves, not part of what the cut measured.
        state.record(0.03, 0.01, false);
        state.record(0.04, 0.02, false);
        assert_close(state.rate(0.01).unwrap(), 45.0);
    }

    #[test]
    fn a_late_acceptance_adds_one_answer_over_the_cut_s_window() {
        let (mut state, now) = cut_at_100_per_second(); // measured over 2 s: 200 answers
        for n in 0..10 {
            state.record(now + 0.001 * f64::from(n), now - 0.01, false);
        }
        assert_close(state.rate(now).unwrap(), 0.9 * 210.0 / 2.0);
    }

    #[test]
    fn a_throttle_without_any_accepted_answer_paces_at_the_floor() {
        let mut state = PacerState::default();
        state.record(1.0, 1.0, true);
        assert_close(state.rate(1.0).unwrap(), MIN_RATE);
        assert_close(state.rate(20.0).unwrap(), MIN_RATE);
    }

    #[test]
    fn cuts_do_not_compound() {
        let (mut state, mut now) = cut_at_100_per_second();
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
        let (mut state, now) = cut_at_100_per_second();
        let later = accept(&mut state, now, 0.5, 25); // the goodput falls to 87.5/s
        state.record(later, now - 0.005, true);
        assert_eq!(state.last_cut, now, "sent before the cut");
        assert_close(state.rate(later).unwrap(), 90.0 * grown(0.5));
        state.record(later, now, true);
        assert_eq!(state.last_cut, later, "sent at the cut: a new cut");
        assert_close(state.rate(later).unwrap(), 0.9 * 175.0 / 2.0);
    }

    #[test]
    fn the_rate_recovers_by_2_percent_a_second_up_to_97_percent_of_the_goodput_at_the_cut() {
        let (mut state, now) = cut_at_100_per_second();
        let later = accept(&mut state, now, 3.0, 300); // still 100/s accepted
        assert_close(state.rate(later).unwrap(), 90.0 * 1.02f64.powi(3));
        let later = accept(&mut state, later, 5.0, 500); // 8 s after the cut: 105.4 grown, held at 97
        assert_close(state.rate(later).unwrap(), 97.0);
    }

    #[test]
    fn after_ten_seconds_at_the_hold_the_rate_probes_past_it() {
        let (mut state, now) = cut_at_100_per_second();
        let later = accept(&mut state, now, 10.0, 1000);
        assert_close(state.rate(later).unwrap(), 97.0);
        let later = accept(&mut state, later, 3.0, 300);
        assert_close(state.rate(later).unwrap(), 97.0 * 1.02f64.powi(3));
    }

    #[test]
    fn a_throttle_at_the_hold_lowers_the_ceiling_to_the_goodput_then() {
        let (mut state, now) = cut_at_100_per_second();
        let later = accept(&mut state, now, 8.0, 640); // 80/s: the service's limit fell
        state.record(later, later, true);
        assert_close(state.rate(later).unwrap(), 72.0);
        let later = accept(&mut state, later, 8.0, 640);
        assert_close(state.rate(later).unwrap(), 0.97 * 80.0);
    }

    #[test]
    fn the_rate_is_held_under_twice_the_goodput_but_not_under_the_cut() {
        let (mut state, now) = cut_at_100_per_second();
        // Idle since the cut: no goodput, so the rate stays at the cut instead of growing.
        assert_close(state.rate(now + 5.0).unwrap(), 90.0);
        // 47/s accepted over the last two seconds: the rate is held at 94, under the 97 of the hold.
        let later = accept(&mut state, now + 6.0, 2.0, 94);
        assert_close(state.rate(later).unwrap(), 94.0);
    }

    #[test]
    fn pacing_switches_off_after_a_quiet_half_minute() {
        let (mut state, now) = cut_at_100_per_second();
        assert!(state.rate(now + 30.0).is_some());
        assert_eq!(state.rate(now + 30.001), None);
        assert_eq!(state.try_acquire(now + 30.001), None);
        assert_eq!(state.rate(now + 1.0), None, "it stays off until the next throttle");
    }

    #[test]
    fn sends_are_spaced_at_the_rate() {
        let mut state = paced(20.0);
        assert_close(state.try_acquire(0.0).unwrap(), 0.05);
        assert_eq!(state.try_acquire(0.05), None);
        assert_close(state.try_acquire(0.05).unwrap(), 0.05);
        assert_close(state.try_acquire(0.06).unwrap(), 0.04);
        assert_eq!(state.try_acquire(0.1), None);
    }

    #[test]
    fn a_slot_short_of_whole_only_by_rounding_counts_as_whole() {
        let mut state = paced(3.0);
        assert!(state.try_acquire((1.0 - 1e-6) / 3.0).is_some());
        let mut state = paced(3.0);
        assert_eq!(state.try_acquire((1.0 - 5e-10) / 3.0), None);
    }

    #[test]
    fn after_idling_the_client_sends_at_most_a_tenth_of_a_second_of_its_rate_at_once() {
        let mut state = paced(50.0);
        let sent = (0..10).take_while(|_| state.try_acquire(10.0).is_none()).count();
        assert_eq!(sent, 5);
        // Below 10/s a tenth of a second is less than one send: one send, not none.
        let mut state = paced(5.0);
        let sent = (0..10).take_while(|_| state.try_acquire(10.0).is_none()).count();
        assert_eq!(sent, 1);
    }

    #[test]
    fn after_a_cut_the_next_send_waits_a_whole_slot() {
        let mut state = paced(50.0);
        assert_eq!(state.try_acquire(1.0), None); // five saved up, one spent
        state.record(1.0, 1.0, true); // no goodput: cut to the floor
        assert_close(state.try_acquire(1.0).unwrap(), 1.0 / MIN_RATE);
    }

    #[test]
    fn answers_older_than_the_window_are_forgotten() {
        let mut state = PacerState::default();
        for at in [0.5, 2.8, 3.0, 4.0] {
            state.record(at, at, false);
        }
        state.record(5.0, 5.0, false);
        assert_eq!(Vec::from(state.accepted.clone()), [3.0, 4.0, 5.0], "kept from 5 - 2 s on");
    }

    #[test]
    fn at_most_max_samples_answers_are_remembered() {
        let mut state = PacerState::default();
        for _ in 0..MAX_SAMPLES + 2 {
            state.record(1.0, 1.0, false);
        }
        assert_eq!(state.accepted.len(), MAX_SAMPLES);
    }

    #[test]
    fn a_waiting_caller_asks_again_within_a_tenth_of_a_second_and_never_sleeps_to_its_deadline() {
        let now = Instant::now();
        let later = |ms| now + Duration::from_millis(ms);
        assert_eq!(poll_wait(5.0, now, later(1000)), Some(MAX_POLL));
        assert_eq!(poll_wait(0.025, now, later(1000)), Some(Duration::from_millis(25)));
        assert_eq!(poll_wait(-1.0, now, later(1)), Some(Duration::ZERO));
        assert_eq!(poll_wait(0.025, now, later(26)), Some(Duration::from_millis(25)));
        assert_eq!(poll_wait(0.025, now, later(25)), None, "the sleep would end at the deadline");
        assert_eq!(poll_wait(5.0, now, later(100)), None);
    }

    #[test]
    fn a_new_client_sends_four_at_once_and_a_fifth_when_the_window_has_grown() {
        let mut state = PacerState::default();
        for _ in 0..4 {
            assert_eq!(state.try_acquire(10.0), None, "the first send starts the window, at any time");
        }
        // 4 * 2^(t / 0.1) passes 4 in flight at t = 0.1 * log2(5 / 4).
        assert_close(state.try_acquire(10.0).unwrap(), 0.1 * 1.25f64.log2());
        assert_eq!(state.try_acquire(10.0 + 0.1 * 1.25f64.log2() + 1e-9), None);
        assert_eq!(state.in_flight, 5);
    }

    #[test]
    fn the_start_window_doubles_every_tenth_of_a_second() {
        let mut state = PacerState::default();
        assert_eq!(state.try_acquire(0.0), None);
        for _ in 1..8 {
            assert_eq!(state.try_acquire(0.1), None);
        }
        assert_close(state.try_acquire(0.1).unwrap(), 0.1 * 2.25f64.log2() - 0.1);
        for _ in 8..16 {
            assert_eq!(state.try_acquire(0.2), None);
        }
        assert!(state.try_acquire(0.2).is_some());
        assert_close(start_window(0.3), 32.0);
        assert_eq!(start_window(-1.0), 4.0);
    }

    #[test]
    fn an_answer_frees_a_slot_of_the_start_window() {
        let mut state = PacerState::default();
        for _ in 0..4 {
            state.try_acquire(0.0);
        }
        assert!(state.try_acquire(0.0).is_some());
        state.release(0.0);
        assert_eq!(state.in_flight, 3);
        assert_eq!(state.try_acquire(0.0), None);
    }

    #[test]
    fn one_call_at_a_time_never_waits_for_the_start_window() {
        let mut state = PacerState::default();
        for n in 0..1000 {
            let now = f64::from(n) * 0.001;
            assert_eq!(state.try_acquire(now), None);
            state.release(now);
        }
        assert_eq!(state.in_flight, 0);
    }

    #[test]
    fn six_tenths_of_a_second_after_the_first_send_the_window_limits_nothing_and_counts_nothing() {
        // The first send at 2 s: the window ends at 2.6 s.
        let mut state = PacerState::default();
        for _ in 0..4 {
            state.try_acquire(2.0);
        }
        // 300 in flight would wait for the window's end.
        state.in_flight = 300;
        assert_close(state.try_acquire(2.5).unwrap(), 0.1);
        assert!(state.starting(2.6 - 1e-9));
        assert!(!state.starting(2.6 + 1e-9));
        for _ in 0..1000 {
            assert_eq!(state.try_acquire(2.6 + 1e-9), None);
        }
        state.release(2.6 + 1e-9);
        assert_eq!(state.in_flight, 300, "neither counted nor given back after the window");
        assert!(PacerState::default().starting(1e9), "a client that never sent has its window ahead");
    }

    #[test]
    fn a_full_start_window_takes_no_slot_of_the_rate() {
        let mut state = PacerState { first_send: None, ..paced(1000.0) };
        for _ in 0..4 {
            assert_eq!(state.try_acquire(1.0), None);
        }
        let tokens = state.tokens;
        assert!(state.try_acquire(1.0).is_some());
        assert_close(state.tokens, tokens);
        assert_eq!(state.in_flight, 4);
    }

    #[test]
    fn a_waiting_rate_slot_is_not_counted_in_flight() {
        // Cut to the floor at 0: the first slot comes at 2 s.
        let mut state = PacerState { first_send: None, ..paced(MIN_RATE) };
        assert_close(state.try_acquire(0.0).unwrap(), 2.0);
        assert_eq!(state.in_flight, 0);
        assert_eq!(state.try_acquire(2.0), None);
        assert_eq!(state.in_flight, 0, "2 s after the first send the window is over");
    }

    #[tokio::test]
    async fn permits_are_counted_in_the_start_window_and_given_back_when_dropped() {
        let fresh = Pacer::new();
        let far = Instant::now() + Duration::from_secs(5);
        let first = fresh.acquire(far).await.expect("a slot");
        let second = fresh.acquire(far).await.expect("a slot");
        // Within the window's 0.6 s however loaded the machine (a few microseconds in fact).
        assert_eq!(fresh.lock().in_flight, 2);
        drop(first);
        assert_eq!(fresh.lock().in_flight, 1);
        drop(second);
        assert_eq!(fresh.lock().in_flight, 0);
        assert!(fresh.starting.load(Ordering::Relaxed));
        // Once the window is over, answers take no lock.
        let late = pacer(Duration::from_secs(1), PacerState { first_send: Some(0.0), ..PacerState::default() });
        drop(late.acquire(far).await.expect("a slot"));
        assert!(!late.starting.load(Ordering::Relaxed));
    }

    /// A pacer that started `ago` and whose state is `state`.
    fn pacer(ago: Duration, state: PacerState) -> Pacer {
        Pacer::with_state(Instant::now() - ago, state)
    }

    #[tokio::test]
    async fn acquire_sends_at_once_while_off_and_waits_its_turn_while_on() {
        // Far enough for a turn due in a millisecond however loaded the machine; near enough
        // that a pacer that never gives a turn fails the test instead of hanging it.
        let far = Instant::now() + Duration::from_secs(5);
        assert!(Pacer::new().acquire(Instant::now()).await.is_some(), "off: no wait, even at the deadline");
        // On at 1,000/s with no slot saved: a turn within a millisecond.
        let fast = pacer(Duration::ZERO, paced(1000.0));
        assert!(fast.acquire(far).await.is_some());
        // On at the floor (a slot every 2 s): no slot before a deadline 10 ms away.
        let slow = pacer(Duration::ZERO, paced(MIN_RATE));
        assert!(slow.acquire(Instant::now() + Duration::from_millis(10)).await.is_none());
    }

    #[test]
    fn the_pacer_records_throttles_and_reads_its_clock_from_its_start() {
        let fresh = Pacer::new();
        assert_eq!(fresh.rate(), None);
        fresh.record(Instant::now(), true);
        assert_eq!(fresh.rate(), Some(MIN_RATE), "a throttle with no goodput: the floor");
        // Cut 40 s after its start, read now: the quiet half minute has passed.
        let old = pacer(Duration::from_secs(40), paced(10.0));
        assert_eq!(old.rate(), None);
        // A throttle to a request sent before a cut at 40 s is ignored, as the sent time is read
        // from the start.
        let mut state = paced(10.0);
        state.last_cut = 39.5;
        let cut = pacer(Duration::from_secs(40), state);
        cut.record(cut.started + Duration::from_secs(39), true);
        assert_close(cut.rate().unwrap(), 10.0);
        cut.record(Instant::now(), true);
        assert_eq!(cut.rate(), Some(MIN_RATE));
    }
}
