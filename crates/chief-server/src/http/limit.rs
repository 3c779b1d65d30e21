//! Rate limits: a token bucket per key that refills at the configured rate
//! and holds up to one minute's worth. An API key's requests each take a
//! token ([`RateLimiter::check`]); a dashboard login, keyed by the client
//! and the email together, spends one only when it fails
//! ([`RateLimiter::allowed`], [`RateLimiter::spend`]) and a success
//! forgets the key, so neither someone else's guesses nor one's own
//! sign-ins lock a person out. A caller over the limit gets 429 with
//! `Retry-After`.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Instant;
use uuid::Uuid;

pub struct RateLimiter<K = Uuid> {
    /// Requests per minute per key; 0 turns the limit off.
    per_minute: u32,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key`, or says how many seconds until one is free.
    pub fn check(&self, key: K) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    /// Whether `key` has a token left, taking none; or how many seconds
    /// until it has one.
    pub fn allowed(&self, key: K) -> Result<(), u64> {
        self.bucket_at(key, Instant::now(), false)
    }

    /// Spends a token of `key` (a failed login), if it has one.
    pub fn spend(&self, key: K) {
        let _ = self.check(key);
    }

    /// Forgets `key`'s spent tokens (a successful login).
    pub fn forget(&self, key: &K) {
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    fn check_at(&self, key: K, now: Instant) -> Result<(), u64> {
        self.bucket_at(key, now, true)
    }

    /// Refills `key`'s bucket to `now`, then takes a token if `take`.
    fn bucket_at(&self, key: K, now: Instant, take: bool) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = buckets.entry(key).or_insert((capacity, now));
        let refilled =
            (*tokens + now.saturating_duration_since(*last).as_secs_f64() * per_sec).min(capacity);
        *last = now;
        if refilled >= 1.0 {
            *tokens = if take { refilled - 1.0 } else { refilled };
            Ok(())
        } else {
            *tokens = refilled;
            Err(((1.0 - refilled) / per_sec).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_over_the_limit_is_refused_until_tokens_refill() {
        let limiter: RateLimiter = RateLimiter::new(60);
        let key = Uuid::now_v7();
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(limiter.check_at(key, t0).is_ok());
        }
        assert_eq!(limiter.check_at(key, t0), Err(1));
        assert!(
            limiter
                .check_at(key, t0 + Duration::from_millis(1100))
                .is_ok()
        );
        // Another key has its own bucket.
        assert!(limiter.check_at(Uuid::now_v7(), t0).is_ok());
    }

    #[test]
    fn asking_takes_nothing_spending_does_and_forgetting_refills() {
        let limiter: RateLimiter<&str> = RateLimiter::new(2);
        assert!((0..10).all(|_| limiter.allowed("a").is_ok()));
        limiter.spend("a");
        limiter.spend("a");
        assert_eq!(limiter.allowed("a"), Err(30), "one token refills in 30 s");
        assert!(limiter.allowed("b").is_ok());
        limiter.forget(&"a");
        assert!(limiter.allowed("a").is_ok());
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter: RateLimiter = RateLimiter::new(0);
        let key = Uuid::now_v7();
        let t0 = Instant::now();
        assert!((0..10_000).all(|_| limiter.check_at(key, t0).is_ok()));
    }
}
