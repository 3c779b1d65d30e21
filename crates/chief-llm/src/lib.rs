//! chief's model providers: thin clients for the Anthropic Messages API and
//! for OpenAI-compatible Chat Completions (OpenAI, Ollama, LiteLLM, vLLM).
//!
//! They are hand-written because chief must control the wire format: where
//! the prompt-cache breakpoints go, how streamed tool calls are assembled,
//! and which failures are retried. Both speak one provider-neutral
//! conversation ([`Request`] in, [`Response`] out) so the agent loop does
//! not care which model it drives.
//!
//! - [`ModelConfig`] reads `CHIEF_MODEL` and the keys and returns the
//!   configured [`Provider`], or none;
//! - [`Provider::complete`] and [`Provider::stream`] make one logical call:
//!   timeouts, retries with backoff and jitter (`retry`), and a typed
//!   [`LlmError`] when it fails;
//! - every [`Response`] carries its [`Usage`], latency and cost from the
//!   [`PriceTable`].
//!
//! This is the ai layer; it depends on no store. With the `testing`
//! feature, `testing` holds fake Anthropic and OpenAI servers for tests.

mod anthropic;
mod anthropic_stream;
mod config;
mod error;
mod http;
mod message;
mod openai;
mod openai_stream;
mod price;
mod provider;
mod response;
pub mod retry;
mod sse;
#[cfg(feature = "testing")]
pub mod testing;

pub use anthropic::VERSION as ANTHROPIC_VERSION;
pub use config::{
    ANTHROPIC_BASE_URL, ApiKey, DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_MODEL, ModelChoice,
    ModelConfig, OLLAMA_BASE_URL,
};
pub use error::{ConfigError, LlmError, ProviderKind};
pub use http::ClientOptions;
pub use message::{Block, Message, Request, Role, SystemPrompt, ToolDefinition};
pub use openai::OFFICIAL_BASE_URL as OPENAI_BASE_URL;
pub use price::{Price, PriceTable};
pub use provider::{Endpoint, Provider};
pub use response::{Response, StopReason, StreamEvent, Usage};
pub use sse::{SseDecoder, SseEvent};
