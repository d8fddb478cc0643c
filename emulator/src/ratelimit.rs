//! Per-key token buckets. A limit of N requests per minute refills continuously at N/60 tokens per second and
//! holds at most max(1, N/60) tokens: a burst of one second's worth, so that 3000/min behaves like 50/s and
//! 30/min like one request every two seconds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::sync::lock;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug, Default)]
struct Inner {
    per_minute: Option<u32>,
    buckets: HashMap<String, Bucket>,
}

/// The rate limiter; off when no limit is set.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    inner: Mutex<Inner>,
}

impl RateLimiter {
    /// A limiter with `per_minute` requests per minute and key (`None`: off).
    pub fn new(per_minute: Option<u32>) -> RateLimiter {
        RateLimiter { inner: Mutex::new(Inner { per_minute, buckets: HashMap::new() }) }
    }

    /// Changes the limit; buckets start full again.
    pub fn set(&self, per_minute: Option<u32>) {
        let mut inner = lock(&self.inner);
        inner.per_minute = per_minute;
        inner.buckets.clear();
    }

    /// The current limit.
    pub fn get(&self) -> Option<u32> {
        lock(&self.inner).per_minute
    }

    /// Refills every bucket.
    pub fn refill(&self) {
        lock(&self.inner).buckets.clear();
    }

    /// Takes a token for `key`; when none is left, returns how long until one is (at least one second, as
    /// `Retry-After` counts whole seconds).
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut inner = lock(&self.inner);
        let Some(per_minute) = inner.per_minute else {
            return Ok(());
        };
        if per_minute == 0 {
            return Err(Duration::from_secs(60));
        }
        let rate = f64::from(per_minute) / 60.0;
        let capacity = rate.max(1.0);
        let bucket = match inner.buckets.get_mut(key) {
            Some(bucket) => bucket,
            None => inner.buckets.entry(key.to_owned()).or_insert(Bucket { tokens: capacity, last: now }),
        };
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            Err(Duration::from_secs_f64(wait.ceil().max(1.0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default_and_burst_is_one_second_of_tokens() {
        let off = RateLimiter::new(None);
        assert!((0..1000).all(|_| off.check("k").is_ok()));
        let limiter = RateLimiter::new(Some(3000));
        let now = Instant::now();
        assert!((0..50).all(|_| limiter.check_at("k", now).is_ok()));
        assert!(limiter.check_at("k", now).is_err());
        assert!(limiter.check_at("other", now).is_ok(), "buckets are per key");
        assert!(limiter.check_at("k", now + Duration::from_millis(20)).is_ok(), "refills continuously");
    }

    #[test]
    fn retry_after_is_whole_seconds_until_the_next_token() {
        let limiter = RateLimiter::new(Some(2));
        let now = Instant::now();
        assert!(limiter.check_at("k", now).is_ok());
        assert_eq!(limiter.check_at("k", now), Err(Duration::from_secs(30)));
        let fast = RateLimiter::new(Some(600));
        let now = Instant::now();
        for _ in 0..10 {
            let _ = fast.check_at("k", now);
        }
        assert_eq!(fast.check_at("k", now), Err(Duration::from_secs(1)));
    }
}
