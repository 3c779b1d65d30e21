//! What a model answered, in the same shape from every provider, with the
//! tokens it cost and how long it took; and the events a streaming call
//! reports as the answer arrives.

use crate::message::Block;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// A finished model call.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The model that answered, as the provider named it.
    pub model: String,
    pub content: Vec<Block>,
    pub stop_reason: StopReason,
    /// The tokens of the call that succeeded; attempts that failed and were
    /// retried are not counted (providers do not bill them).
    pub usage: Usage,
    /// From sending the successful attempt to its last byte.
    pub latency: Duration,
    /// HTTP attempts made, retries included.
    pub attempts: u32,
    /// Approximate cost in millionths of a US dollar, from the price table;
    /// `None` when the table has no price for the model (a local model).
    pub cost_micro_usd: Option<u64>,
}

impl Response {
    /// The answer's text blocks joined together.
    pub fn text(&self) -> String {
        crate::message::text_of(&self.content)
    }

    /// The tool calls the model asked for, in order: (id, name, input).
    pub fn tool_calls(&self) -> impl Iterator<Item = (&str, &str, &Value)> {
        crate::message::tool_uses(&self.content)
    }
}

/// Why the model stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// It finished its answer.
    EndTurn,
    /// It wants the results of the tool calls in its answer.
    ToolUse,
    /// It ran into `max_tokens`: the answer is truncated.
    MaxTokens,
    /// It produced one of the stop sequences.
    StopSequence,
    /// A reason this crate does not know (refusal, content filter, …), as
    /// the provider spelled it.
    Other(String),
}

/// Tokens one call used. Input is split by how it was billed, so the four
/// figures add up to the whole prompt with no overlap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens neither written to nor read from the cache.
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Prompt tokens written to the cache on this call (billed above input).
    pub cache_creation_input_tokens: u64,
    /// Prompt tokens read from the cache (billed well below input).
    pub cache_read_input_tokens: u64,
}

impl Usage {
    /// The whole prompt, cached or not.
    pub fn total_input(&self) -> u64 {
        self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens
    }
}

/// Something a streaming call learned, reported as it arrives so a chat UI
/// can show it. The finished [`Response`] carries the same content.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent {
    /// More of the answer's text.
    Text(String),
    /// The model began a tool call.
    ToolCallStarted { id: String, name: String },
    /// A fragment of a tool call's JSON arguments (not valid JSON alone).
    ToolCallArguments { id: String, fragment: String },
    /// A tool call is complete, with its parsed arguments.
    ToolCallFinished {
        id: String,
        name: String,
        input: Value,
    },
}

/// Arguments text as the tool input: the parsed object, or the raw text as
/// a JSON string when it does not parse (see [`Block::ToolUse`]).
pub(crate) fn parse_tool_input(raw: &str) -> Value {
    if raw.trim().is_empty() {
        return Value::Object(Default::default());
    }
    serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()))
}
