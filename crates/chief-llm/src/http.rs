//! The HTTP side both clients share: one pooled reqwest client with the
//! configured timeouts, and the mapping from statuses, error bodies and
//! transport failures to [`LlmError`].

use crate::error::{ConfigError, LlmError, ProviderKind};
use crate::retry::RetryPolicy;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// How much of an unparseable error body is kept in the message.
const ERROR_EXCERPT: usize = 300;

/// Timeouts and retries for a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// Establishing the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// The whole call, first byte sent to last byte read, streams included.
    pub timeout: Duration,
    /// The longest silence inside a response; a stalled stream is cut off
    /// after this rather than at the whole-call timeout. (Anthropic sends
    /// pings, so a healthy stream is never this quiet.)
    pub idle_timeout: Duration,
    pub retry: RetryPolicy,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(300),
            idle_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
        }
    }
}

/// A pooled HTTP client for one provider.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    pub(crate) kind: ProviderKind,
    pub(crate) options: ClientOptions,
    client: reqwest::Client,
}

impl Transport {
    pub(crate) fn new(
        kind: ProviderKind,
        options: ClientOptions,
    ) -> Result<Transport, ConfigError> {
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .read_timeout(options.idle_timeout)
            .user_agent(concat!("chief/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Http(describe(&e)))?;
        Ok(Transport {
            kind,
            options,
            client,
        })
    }

    /// POSTs a JSON body; a non-2xx answer becomes its typed error.
    pub(crate) async fn post(
        &self,
        url: &str,
        headers: HeaderMap,
        body: &Value,
    ) -> Result<reqwest::Response, LlmError> {
        let body = serde_json::to_vec(body).expect("JSON values serialise");
        let sent = self
            .client
            .post(url)
            .headers(headers)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        let resp = sent.map_err(|e| self.send_error(url, &e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let retry_after = crate::retry::retry_after(resp.headers(), SystemTime::now());
        let text = resp.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let mut error = api_error(self.kind, status.as_u16(), &body, &text);
        if let LlmError::RateLimited { retry_after: r, .. } = &mut error {
            *r = retry_after;
        }
        Err(error)
    }

    /// Reads a whole (non-streamed) body.
    pub(crate) async fn read_all(&self, resp: reqwest::Response) -> Result<Vec<u8>, LlmError> {
        match resp.bytes().await {
            Ok(bytes) => Ok(bytes.to_vec()),
            Err(e) if e.is_timeout() => Err(LlmError::Timeout {
                provider: self.kind,
                after: self.options.timeout,
            }),
            Err(e) => Err(self.cut_off(&e)),
        }
    }

    /// The next piece of a streamed body; `None` at its end.
    pub(crate) async fn next_chunk(
        &self,
        resp: &mut reqwest::Response,
    ) -> Result<Option<Vec<u8>>, LlmError> {
        match resp.chunk().await {
            Ok(chunk) => Ok(chunk.map(|c| c.to_vec())),
            Err(e) => Err(self.cut_off(&e)),
        }
    }

    fn cut_off(&self, e: &reqwest::Error) -> LlmError {
        LlmError::CutOff {
            provider: self.kind,
            detail: describe(e),
        }
    }

    fn send_error(&self, url: &str, e: &reqwest::Error) -> LlmError {
        if e.is_timeout() && !e.is_connect() {
            return LlmError::Timeout {
                provider: self.kind,
                after: self.options.timeout,
            };
        }
        LlmError::Unreachable {
            provider: self.kind,
            url: url.to_string(),
            detail: describe(e),
        }
    }
}

/// The typed error for an API error: a non-2xx `status` with its parsed
/// `body` (`{"error": {"type", "message"}}` in both APIs) and raw `text`.
/// Streams report errors in the same shape, with the status they imply.
pub(crate) fn api_error(kind: ProviderKind, status: u16, body: &Value, text: &str) -> LlmError {
    let error = &body["error"];
    let error_type = error["type"].as_str().unwrap_or_default();
    let message = error["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| excerpt(text));
    if error_type == "overloaded_error" || status == 529 {
        return LlmError::Overloaded {
            provider: kind,
            message,
        };
    }
    match status {
        401 | 403 => LlmError::WrongKey {
            provider: kind,
            status,
            message,
        },
        429 => LlmError::RateLimited {
            provider: kind,
            message,
            retry_after: None,
        },
        400..=499 => LlmError::BadRequest {
            provider: kind,
            status,
            message,
        },
        500..=599 => LlmError::Server {
            provider: kind,
            status,
            message,
        },
        _ => LlmError::Malformed {
            provider: kind,
            detail: format!("unexpected HTTP {status}: {message}"),
        },
    }
}

/// The start of a body, on one line.
fn excerpt(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return "no details given".to_string();
    }
    match line.char_indices().nth(ERROR_EXCERPT) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line,
    }
}

/// A transport error with its causes, which is where the useful part
/// ("connection refused", "dns error") is.
fn describe(e: &reqwest::Error) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_bodies_become_the_error_that_says_what_to_do() {
        let a = ProviderKind::Anthropic;
        let body = json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}});
        let e = api_error(a, 401, &body, "");
        assert_eq!(
            e.to_string(),
            "the Anthropic API refused the key (HTTP 401: invalid x-api-key); check ANTHROPIC_API_KEY"
        );
        let body = json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}});
        assert!(matches!(
            api_error(a, 529, &body, ""),
            LlmError::Overloaded { .. }
        ));
        assert!(matches!(
            api_error(a, 500, &body, ""),
            LlmError::Overloaded { .. }
        ));
        let e = api_error(
            ProviderKind::OpenAi,
            400,
            &Value::Null,
            "<html>\n  bad\n</html>",
        );
        assert_eq!(
            e.to_string(),
            "the OpenAI-compatible API rejected the request (HTTP 400): <html> bad </html>"
        );
        assert!(matches!(
            api_error(ProviderKind::OpenAi, 503, &Value::Null, ""),
            LlmError::Server { status: 503, .. }
        ));
    }
}
