//! What can go wrong calling a model, one variant per thing the caller
//! handles differently: fix the key, fix the request, wait and retry, or
//! retry the whole call.

use std::time::Duration;

/// Which API a client speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// The Anthropic Messages API.
    Anthropic,
    /// OpenAI-compatible Chat Completions (OpenAI, Ollama, LiteLLM, vLLM).
    OpenAi,
}

impl ProviderKind {
    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::Anthropic => "Anthropic",
            ProviderKind::OpenAi => "OpenAI-compatible",
        }
    }

    /// The environment variable that holds this provider's key.
    pub fn key_var(self) -> &'static str {
        match self {
            ProviderKind::Anthropic => "ANTHROPIC_API_KEY",
            ProviderKind::OpenAi => "OPENAI_API_KEY",
        }
    }
}

/// A failed model call.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// 401 or 403: never retried.
    #[error("the {} API refused the key (HTTP {status}: {message}); check {}", .provider.name(), .provider.key_var())]
    WrongKey {
        provider: ProviderKind,
        status: u16,
        message: String,
    },
    /// A 4xx other than 401, 403 and 429: the request itself is wrong
    /// (unknown model, too long a prompt, a bad tool schema).
    #[error("the {} API rejected the request (HTTP {status}): {message}", .provider.name())]
    BadRequest {
        provider: ProviderKind,
        status: u16,
        message: String,
    },
    /// 429. `retry_after` is what the server asked for, if it said.
    #[error("the {} API is rate limiting this key: {message}{}", .provider.name(), wait_hint(*.retry_after))]
    RateLimited {
        provider: ProviderKind,
        message: String,
        retry_after: Option<Duration>,
    },
    /// Anthropic's 529 / `overloaded_error`: busy, not broken.
    #[error("the {} API is overloaded: {message}", .provider.name())]
    Overloaded {
        provider: ProviderKind,
        message: String,
    },
    /// A 5xx, or an error event in a stream.
    #[error("the {} API failed (HTTP {status}): {message}", .provider.name())]
    Server {
        provider: ProviderKind,
        status: u16,
        message: String,
    },
    /// No connection: refused, DNS, TLS, or the connect timeout.
    #[error("cannot reach the {} API at {url}: {detail}", .provider.name())]
    Unreachable {
        provider: ProviderKind,
        url: String,
        detail: String,
    },
    /// The whole call took longer than the configured timeout.
    #[error("the {} API did not answer within {} s", .provider.name(), .after.as_secs())]
    Timeout {
        provider: ProviderKind,
        after: Duration,
    },
    /// The answer stopped before its end (a dropped connection, or a stream
    /// with no final event). Nothing partial is returned; retry the call.
    #[error("the {} API's answer was cut off: {detail}", .provider.name())]
    CutOff {
        provider: ProviderKind,
        detail: String,
    },
    /// The answer is not what the wire format says it should be.
    #[error("the {} API sent a malformed answer: {detail}", .provider.name())]
    Malformed {
        provider: ProviderKind,
        detail: String,
    },
    /// Every attempt failed with an error worth retrying; `last` says why.
    #[error("gave up after {attempts} attempts: {last}")]
    GaveUp { attempts: u32, last: Box<LlmError> },
}

impl LlmError {
    /// Worth trying again after a pause: 429, 5xx, overloaded, no
    /// connection.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            LlmError::RateLimited { .. }
                | LlmError::Overloaded { .. }
                | LlmError::Server { .. }
                | LlmError::Unreachable { .. }
        )
    }

    /// The error behind a [`LlmError::GaveUp`], or this one.
    pub fn root(&self) -> &LlmError {
        match self {
            LlmError::GaveUp { last, .. } => last.root(),
            other => other,
        }
    }
}

fn wait_hint(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |d| {
        format!(" (it asks to wait {} s)", d.as_secs())
    })
}

/// Why a provider could not be set up from the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("CHIEF_MODEL={model} needs {var}; set it (or choose another model)")]
    /// The chosen provider's own API needs a key that is not set.
    MissingKey { model: String, var: &'static str },
    #[error(
        "CHIEF_MODEL={model}: cannot tell which provider serves it; write anthropic:{model} or openai:{model}"
    )]
    /// A bare model name no provider is known for.
    UnknownProvider { model: String },
    /// A base URL that is not http(s).
    #[error("{var}={value:?} is not an http(s) URL")]
    BadUrl { var: &'static str, value: String },
    /// The TLS or HTTP stack could not start.
    #[error("cannot set up the HTTP client: {0}")]
    Http(String),
}
