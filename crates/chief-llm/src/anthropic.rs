//! The Anthropic Messages API wire format: the request body and headers,
//! and the non-streamed answer. Streamed answers are assembled in
//! [`crate::anthropic_stream`].
//!
//! Prompt caching: Anthropic caches a prompt prefix up to a block marked
//! `cache_control: {"type": "ephemeral"}`, in the order tools → system →
//! messages. The last tool definition and the stable system block are
//! marked, so the tools and the persona are read from the cache on every
//! call after the first; with [`Request::cache_conversation`] the end of
//! the conversation is marked too, so an agent loop pays full price only
//! for each turn's new tokens.

use crate::config::ApiKey;
use crate::error::{LlmError, ProviderKind};
use crate::message::{Block, Request, Role};
use crate::provider::Parsed;
use crate::response::{StopReason, Usage};
use reqwest::header::{HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};

/// The API version this wire format is.
pub const VERSION: &str = "2023-06-01";

/// `{base}/v1/messages`.
pub(crate) fn url(base: &str) -> String {
    format!("{}/v1/messages", base.trim_end_matches('/'))
}

/// The key and version headers.
pub(crate) fn headers(key: Option<&ApiKey>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("anthropic-version", HeaderValue::from_static(VERSION));
    if let Some(value) = key.and_then(|k| HeaderValue::from_str(k.expose()).ok()) {
        h.insert("x-api-key", value);
    }
    h
}

fn ephemeral() -> Value {
    json!({"type": "ephemeral"})
}

/// The JSON body for `req` on `model`.
pub(crate) fn request_body(req: &Request, model: &str, stream: bool) -> Value {
    let mut system = Vec::new();
    if !req.system.stable.is_empty() {
        system
            .push(json!({"type": "text", "text": req.system.stable, "cache_control": ephemeral()}));
    }
    if !req.system.dynamic.is_empty() {
        system.push(json!({"type": "text", "text": req.system.dynamic}));
    }
    let mut tools: Vec<Value> = req
        .tools
        .iter()
        .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.input_schema}))
        .collect();
    if let Some(last) = tools.last_mut() {
        last["cache_control"] = ephemeral();
    }
    let mut messages: Vec<Value> = req
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            let content: Vec<Value> = m.content.iter().filter_map(block).collect();
            json!({"role": role, "content": content})
        })
        .collect();
    if req.cache_conversation
        && let Some(last) = messages
            .last_mut()
            .and_then(|m| m["content"].as_array_mut())
            .and_then(|c| c.last_mut())
    {
        last["cache_control"] = ephemeral();
    }
    let mut body = json!({
        "model": model,
        "max_tokens": req.max_tokens,
        "messages": messages,
    });
    if !system.is_empty() {
        body["system"] = Value::Array(system);
    }
    if !tools.is_empty() {
        body["tools"] = Value::Array(tools);
    }
    if let Some(t) = req.temperature {
        body["temperature"] = json!(t);
    }
    if !req.stop_sequences.is_empty() {
        body["stop_sequences"] = json!(req.stop_sequences);
    }
    if stream {
        body["stream"] = Value::Bool(true);
    }
    body
}

/// One content block on the wire; empty text is dropped (the API rejects
/// it).
fn block(b: &Block) -> Option<Value> {
    Some(match b {
        Block::Text { text } if text.is_empty() => return None,
        Block::Text { text } => json!({"type": "text", "text": text}),
        Block::ToolUse { id, name, input } => {
            // Arguments that were not a JSON object cannot be sent back as
            // one; the tool result already tells the model what was wrong.
            let input = if input.is_object() {
                input.clone()
            } else {
                json!({})
            };
            json!({"type": "tool_use", "id": id, "name": name, "input": input})
        }
        Block::ToolResult {
            tool_use_id,
            content,
            is_error,
        } => {
            let mut r =
                json!({"type": "tool_result", "tool_use_id": tool_use_id, "content": content});
            if *is_error {
                r["is_error"] = Value::Bool(true);
            }
            r
        }
    })
}

/// A content block of an answer.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum WireBlock {
    Text {
        #[serde(default)]
        text: String,
    },
    ToolUse {
        id: String,
        name: String,
        #[serde(default)]
        input: Value,
    },
    /// Thinking and other blocks chief does not use.
    #[serde(other)]
    Other,
}

/// Token counts; the cache fields are absent or null when caching was not
/// involved, and in `message_delta` any field may be absent.
#[derive(Default, Deserialize)]
pub(crate) struct WireUsage {
    pub(crate) input_tokens: Option<u64>,
    pub(crate) output_tokens: Option<u64>,
    pub(crate) cache_creation_input_tokens: Option<u64>,
    pub(crate) cache_read_input_tokens: Option<u64>,
}

impl WireUsage {
    /// Lays the fields this one has over `usage`.
    pub(crate) fn apply(&self, usage: &mut Usage) {
        let set = |to: &mut u64, from: Option<u64>| {
            if let Some(v) = from {
                *to = v;
            }
        };
        set(&mut usage.input_tokens, self.input_tokens);
        set(&mut usage.output_tokens, self.output_tokens);
        set(
            &mut usage.cache_creation_input_tokens,
            self.cache_creation_input_tokens,
        );
        set(
            &mut usage.cache_read_input_tokens,
            self.cache_read_input_tokens,
        );
    }
}

#[derive(Deserialize)]
struct WireMessage {
    model: String,
    content: Vec<WireBlock>,
    stop_reason: Option<String>,
    #[serde(default)]
    usage: WireUsage,
}

/// The stop reason as Anthropic spells it.
pub(crate) fn stop_reason(s: &str) -> StopReason {
    match s {
        "end_turn" => StopReason::EndTurn,
        "tool_use" => StopReason::ToolUse,
        "max_tokens" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        other => StopReason::Other(other.to_string()),
    }
}

/// Reads a non-streamed answer.
pub(crate) fn parse_response(body: &[u8]) -> Result<Parsed, LlmError> {
    let malformed = |detail: String| LlmError::Malformed {
        provider: ProviderKind::Anthropic,
        detail,
    };
    let m: WireMessage = serde_json::from_slice(body).map_err(|e| malformed(e.to_string()))?;
    let stop = m
        .stop_reason
        .ok_or_else(|| malformed("the answer has no stop_reason".into()))?;
    let mut usage = Usage::default();
    m.usage.apply(&mut usage);
    let content = m
        .content
        .into_iter()
        .filter_map(|b| match b {
            WireBlock::Text { text } => Some(Block::Text { text }),
            WireBlock::ToolUse { id, name, input } => Some(Block::ToolUse { id, name, input }),
            WireBlock::Other => None,
        })
        .collect();
    Ok(Parsed {
        model: m.model,
        content,
        stop_reason: stop_reason(&stop),
        usage,
    })
}
