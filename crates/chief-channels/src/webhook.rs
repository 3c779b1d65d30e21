//! The webhook sender: a JSON POST signed per the Standard Webhooks spec
//! (<https://www.standardwebhooks.com>), so receivers can verify it with any
//! of that spec's libraries.
//!
//! The body is `{"type": topic, "timestamp": …, "data": {delivery_id,
//! title, text, markdown, data}}`, and three headers carry the signature:
//! - `webhook-id`: the delivery id, the same on every retry, so a receiver
//!   can drop a duplicate;
//! - `webhook-timestamp`: the send time in Unix seconds;
//! - `webhook-signature`: `v1,` and base64 of HMAC-SHA256 over
//!   `{id}.{timestamp}.{body}`, keyed with the bytes of the channel secret
//!   after its `whsec_` prefix.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chief_domain::delivery::Delivery;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;
use std::time::{Duration, Instant};

/// How long one POST may take, connection to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a failed response's body is kept in the error.
const ERROR_BODY: usize = 300;

/// The Standard Webhooks signature header value for one message.
pub fn sign(secret: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// The JSON body sent for a delivery at `now`.
pub fn body(d: &Delivery, now: DateTime<Utc>) -> Vec<u8> {
    let doc = json!({
        "type": d.topic,
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": {
            "delivery_id": d.id,
            "title": d.payload.title,
            "text": d.payload.text,
            "markdown": d.payload.markdown,
            "data": d.payload.data,
        },
    });
    serde_json::to_vec(&doc).expect("JSON values serialise")
}

/// What one POST came to.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The HTTP status; `None` when no answer came (refused, timed out).
    pub status: Option<u16>,
    /// The target's `Retry-After`, read against the send time.
    pub retry_after: Option<Duration>,
    /// Why it failed; `None` for a 2xx.
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// Sends signed webhooks over one pooled HTTP client.
#[derive(Clone, Debug)]
pub struct Sender {
    client: reqwest::Client,
}

impl Sender {
    /// A sender with a 10 s timeout that does not follow redirects: a
    /// receiver that moved must be updated, not silently followed.
    pub fn new() -> Result<Sender, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("chief-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Sender { client })
    }

    /// POSTs `d` to `url`, signed with `secret` (the key bytes), at `now`.
    pub async fn send(
        &self,
        url: &str,
        secret: &[u8],
        d: &Delivery,
        now: DateTime<Utc>,
    ) -> Response {
        let body = body(d, now);
        let id = d.id.to_string();
        let timestamp = now.timestamp();
        let signature = sign(secret, &id, timestamp, &body);
        let started = Instant::now();
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        let (status, retry_after, error) = match sent {
            Ok(mut resp) => {
                let status = resp.status();
                let retry_after = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, now));
                let error = if status.is_success() {
                    None
                } else {
                    let excerpt = read_excerpt(&mut resp).await;
                    let mut e = format!("HTTP {status}");
                    if !excerpt.is_empty() {
                        e.push_str(": ");
                        e.push_str(&excerpt);
                    }
                    Some(e)
                };
                (Some(status.as_u16()), retry_after, error)
            }
            Err(e) => (None, None, Some(describe(&e))),
        };
        Response {
            status,
            retry_after,
            error,
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        }
    }
}

/// The start of a response body, as one line of text.
async fn read_excerpt(resp: &mut reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < ERROR_BODY {
        match resp.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(ERROR_BODY) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line,
    }
}

/// A transport error with its causes, which is where the useful part
/// ("connection refused", "dns error") is.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return format!("timed out after {} s", TIMEOUT.as_secs());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// `Retry-After` as seconds or an HTTP date, measured from `now`.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    (at.with_timezone(&Utc) - now).to_std().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_standard_webhooks_example() {
        // The spec's published test vector.
        let secret = B64.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-01-05T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Mon, 05 Jan 2026 10:01:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Mon, 05 Jan 2026 09:00:00 GMT", now),
            None
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
