//! When a failed model call is tried again, and how long it waits.
//!
//! - Retried: 429, 5xx, Anthropic's 529 / `overloaded_error`, and no
//!   connection at all. Not retried: a wrong key, a bad request, a timeout
//!   of the whole call, a cut-off or malformed answer.
//! - The wait is exponential backoff with full jitter: uniform between
//!   zero and `base × 2^(retries − 1)`, at most `max_backoff`.
//! - A `Retry-After` (or OpenAI's `retry-after-ms`) replaces the jittered
//!   wait. When it asks for more than `max_retry_after`, the call gives up
//!   at once with the rate-limit error, which carries the wait, so the
//!   caller (the agent loop) can put the task back instead of blocking.
//! - At most `max_attempts` attempts; then [`LlmError::GaveUp`].
//!
//! The sleep and the jitter are injectable so tests check the waits
//! without waiting.

use crate::error::LlmError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How hard to retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first retry's longest wait.
    pub base: Duration,
    /// The longest jittered wait.
    pub max_backoff: Duration,
    /// The longest `Retry-After` worth waiting for inside one call.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Waits for a duration.
pub type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;
/// Picks a wait between zero and the given bound.
pub type Jitter = Arc<dyn Fn(Duration) -> Duration + Send + Sync>;

/// How a client waits between attempts: the real clock and real randomness
/// unless a test swaps them.
#[derive(Clone)]
pub struct Backoff {
    pub sleeper: Sleeper,
    pub jitter: Jitter,
}

impl std::fmt::Debug for Backoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Backoff")
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            sleeper: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
            jitter: Arc::new(|bound: Duration| {
                let ms = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX);
                Duration::from_millis(rand::random_range(0..=ms))
            }),
        }
    }
}

/// One logical call's attempts so far.
pub(crate) struct Attempts<'a> {
    policy: &'a RetryPolicy,
    backoff: &'a Backoff,
    made: u32,
}

impl<'a> Attempts<'a> {
    pub(crate) fn new(policy: &'a RetryPolicy, backoff: &'a Backoff) -> Attempts<'a> {
        Attempts {
            policy,
            backoff,
            made: 0,
        }
    }

    /// Counts an attempt about to be made.
    pub(crate) fn start(&mut self) {
        self.made += 1;
    }

    /// Attempts made so far.
    pub(crate) fn made(&self) -> u32 {
        self.made
    }

    /// After a failed attempt: waits and returns `Ok` to try again, or
    /// returns the error to give up with. `may_retry` is false once a
    /// stream has reported events, which a retry would repeat.
    pub(crate) async fn after_failure(
        &mut self,
        error: LlmError,
        may_retry: bool,
    ) -> Result<(), LlmError> {
        if !may_retry || !error.is_retryable() {
            return Err(error);
        }
        let asked = match &error {
            LlmError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        };
        if asked.is_some_and(|d| d > self.policy.max_retry_after) {
            return Err(error);
        }
        if self.made >= self.policy.max_attempts {
            return Err(LlmError::GaveUp {
                attempts: self.made,
                last: Box::new(error),
            });
        }
        let wait = asked.unwrap_or_else(|| (self.backoff.jitter)(self.bound()));
        tracing::debug!(attempt = self.made, wait_ms = wait.as_millis() as u64, %error, "retrying model call");
        (self.backoff.sleeper)(wait).await;
        Ok(())
    }

    /// The longest jittered wait after the attempts made so far.
    fn bound(&self) -> Duration {
        let doublings = self.made.saturating_sub(1).min(20);
        self.policy
            .base
            .saturating_mul(1 << doublings)
            .min(self.policy.max_backoff)
    }
}

/// The wait a response asks for: `retry-after-ms` (OpenAI), else
/// `Retry-After` as seconds or an HTTP date measured from `now`.
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_millis(ms as u64));
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProviderKind;
    use crate::testing::recording_backoff as recording;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn server_error() -> LlmError {
        LlmError::Server {
            provider: ProviderKind::Anthropic,
            status: 500,
            message: "boom".into(),
        }
    }

    #[tokio::test]
    async fn the_jittered_wait_doubles_up_to_the_cap_then_gives_up() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base: Duration::from_secs(1),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        };
        let (backoff, waits) = recording();
        let mut attempts = Attempts::new(&policy, &backoff);
        for _ in 0..4 {
            attempts.start();
            attempts.after_failure(server_error(), true).await.unwrap();
        }
        attempts.start();
        let err = attempts
            .after_failure(server_error(), true)
            .await
            .unwrap_err();
        assert!(matches!(err, LlmError::GaveUp { attempts: 5, .. }), "{err}");
        let secs: Vec<f64> = waits
            .lock()
            .unwrap()
            .iter()
            .map(Duration::as_secs_f64)
            .collect();
        assert_eq!(secs, [1.0, 2.0, 4.0, 5.0], "1, 2, 4, then the 5 s cap");
    }

    #[tokio::test]
    async fn a_long_retry_after_or_a_started_stream_is_not_waited_for() {
        let policy = RetryPolicy::default();
        let (backoff, waits) = recording();
        let mut attempts = Attempts::new(&policy, &backoff);
        attempts.start();
        let limited = LlmError::RateLimited {
            provider: ProviderKind::OpenAi,
            message: "slow down".into(),
            retry_after: Some(Duration::from_secs(3600)),
        };
        let err = attempts.after_failure(limited, true).await.unwrap_err();
        assert!(matches!(err, LlmError::RateLimited { .. }));
        let err = attempts
            .after_failure(server_error(), false)
            .await
            .unwrap_err();
        assert!(matches!(err, LlmError::Server { .. }));
        assert!(waits.lock().unwrap().is_empty());
    }

    #[test]
    fn retry_after_reads_milliseconds_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, now), None);
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2026 07:28:30 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2026 07:00:00 GMT"),
        );
        assert_eq!(
            retry_after(&h, now),
            Some(Duration::ZERO),
            "a past date means now"
        );
        h.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_millis(1500)));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        h.remove("retry-after-ms");
        assert_eq!(retry_after(&h, now), None);
    }
}
