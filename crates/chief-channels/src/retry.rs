//! When to try a delivery again, and when to give up.
//!
//! - A 2xx answer delivers it.
//! - `410 Gone` fails it at once: the Standard Webhooks spec reserves it for
//!   a receiver that wants no more messages.
//! - Anything else fails this attempt and is retried: a refused connection,
//!   a timeout, a 5xx, a redirect (not followed), and other 4xx too, since a
//!   401 or 404 is usually a receiver being deployed or misconfigured, and
//!   fixing it within the retry window should not lose the notice.
//! - A retry waits with exponential backoff and full jitter: a random delay
//!   between 0 and `30 s × 2^(failures − 1)`, capped at 1 h, and at least
//!   1 s. A `Retry-After` (on a 429 or 503) is honoured as the least wait,
//!   up to the same 1 h cap.
//! - After [`MAX_ATTEMPTS`] attempts the delivery is marked `failed` with
//!   the last error; it can be re-delivered by hand.

use crate::webhook::Response;
use chief_store::delivery_queue::Outcome;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// How many attempts a delivery gets before it is marked failed: with the
/// backoff below, the last comes roughly an hour after the first.
pub const MAX_ATTEMPTS: i64 = 8;
/// The first retry's longest wait.
pub const BASE: Duration = Duration::from_secs(30);
/// The longest wait between two attempts.
pub const CAP: Duration = Duration::from_secs(3600);
/// The shortest wait, so a retry never lands in the tick that failed.
pub const FLOOR: Duration = Duration::from_secs(1);

/// Picks a wait between zero and the given bound; injectable so tests can
/// pin it.
pub type Jitter = Arc<dyn Fn(Duration) -> Duration + Send + Sync>;

/// Full jitter: uniform between zero and the bound.
pub fn full_jitter() -> Jitter {
    Arc::new(|bound: Duration| {
        let ms = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::random_range(0..=ms))
    })
}

/// The bound of the wait after `failures` failed attempts (1 or more).
pub fn backoff_bound(failures: i64) -> Duration {
    let doublings = u32::try_from(failures.saturating_sub(1).clamp(0, 20)).expect("clamped");
    BASE.saturating_mul(1 << doublings).min(CAP)
}

/// What the queue does after an attempt that answered `response`, when
/// `attempts` attempts (this one included) have been made, at `now`.
pub fn outcome(response: &Response, attempts: i64, now: DateTime<Utc>, jitter: &Jitter) -> Outcome {
    if response.status.is_some_and(|s| (200..300).contains(&s)) {
        return Outcome::Delivered;
    }
    let error = response
        .error
        .clone()
        .unwrap_or_else(|| "the target did not accept it".to_string());
    if response.status == Some(410) {
        return Outcome::Failed {
            error: format!("{error} (the receiver asked for no more messages)"),
        };
    }
    if attempts >= MAX_ATTEMPTS {
        return Outcome::Failed {
            error: format!("gave up after {attempts} attempts; last: {error}"),
        };
    }
    let mut wait = jitter(backoff_bound(attempts)).clamp(FLOOR, CAP);
    if let Some(asked) = response.retry_after {
        wait = wait.max(asked.min(CAP));
    }
    let wait = chrono::Duration::from_std(wait).expect("at most an hour");
    Outcome::Retry {
        at: now + wait,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: Option<u16>) -> Response {
        Response {
            status,
            retry_after: None,
            error: status.map_or(Some("connection refused".into()), |s| {
                (!(200..300).contains(&s)).then(|| format!("HTTP {s}"))
            }),
            duration_ms: 3,
        }
    }

    fn pinned(fraction: f64) -> Jitter {
        Arc::new(move |bound: Duration| bound.mul_f64(fraction))
    }

    #[test]
    fn the_backoff_doubles_from_30_seconds_up_to_an_hour() {
        let bounds: Vec<u64> = (1..=9).map(|n| backoff_bound(n).as_secs()).collect();
        assert_eq!(bounds, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff_bound(10_000), CAP);
    }

    #[test]
    fn failures_are_retried_with_jitter_inside_the_bound() {
        let now = Utc::now();
        let Outcome::Retry { at, .. } = outcome(&answer(Some(500)), 3, now, &pinned(0.5)) else {
            panic!("a 500 is retried");
        };
        assert_eq!(at - now, chrono::Duration::seconds(60));
        let Outcome::Retry { at, .. } = outcome(&answer(None), 1, now, &pinned(0.0)) else {
            panic!("a refused connection is retried");
        };
        assert_eq!(
            at - now,
            chrono::Duration::seconds(1),
            "never sooner than the floor"
        );
        let random = full_jitter();
        for _ in 0..200 {
            let Outcome::Retry { at, .. } = outcome(&answer(Some(404)), 2, now, &random) else {
                panic!("other 4xx are retried");
            };
            assert!(
                at - now >= chrono::Duration::seconds(1)
                    && at - now <= chrono::Duration::seconds(60)
            );
        }
    }

    #[test]
    fn retry_after_is_the_least_wait_and_410_or_the_last_attempt_fail() {
        let now = Utc::now();
        let mut busy = answer(Some(429));
        busy.retry_after = Some(Duration::from_secs(600));
        let Outcome::Retry { at, .. } = outcome(&busy, 1, now, &pinned(1.0)) else {
            panic!("a 429 is retried");
        };
        assert_eq!(at - now, chrono::Duration::seconds(600));
        busy.retry_after = Some(Duration::from_secs(86_400));
        let Outcome::Retry { at, .. } = outcome(&busy, 1, now, &pinned(1.0)) else {
            panic!("a 429 is retried");
        };
        assert_eq!(at - now, chrono::Duration::hours(1), "capped at an hour");
        assert!(matches!(
            outcome(&answer(Some(410)), 1, now, &pinned(1.0)),
            Outcome::Failed { .. }
        ));
        let Outcome::Failed { error } = outcome(&answer(None), MAX_ATTEMPTS, now, &pinned(1.0))
        else {
            panic!("the last attempt fails it");
        };
        assert!(
            error.contains("gave up after 8 attempts") && error.contains("connection refused"),
            "{error}"
        );
        assert_eq!(
            outcome(&answer(Some(204)), 8, now, &pinned(1.0)),
            Outcome::Delivered
        );
    }
}
