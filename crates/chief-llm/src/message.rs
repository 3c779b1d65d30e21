//! The provider-neutral conversation: what chief asks a model, in one shape
//! that both wire formats are translated from.
//!
//! The system prompt has two parts so that prompt caching works: the
//! `stable` part (persona, rules, the operating loop) is byte-identical
//! from call to call and is sent first, marked cacheable; the `dynamic`
//! part (today's date, the task at hand) follows it and is never cached.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One call to a model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The model to use instead of the provider's configured one (a cheap
    /// model for classification, say).
    pub model: Option<String>,
    pub system: SystemPrompt,
    pub messages: Vec<Message>,
    /// The tools the model may call; sent before the system prompt and
    /// cached with it.
    pub tools: Vec<ToolDefinition>,
    pub max_tokens: u32,
    pub temperature: Option<f64>,
    pub stop_sequences: Vec<String>,
    /// Also mark the end of the conversation as a cache breakpoint (Anthropic),
    /// so each turn of an agent loop reads the previous turns from the cache
    /// instead of paying for them again.
    pub cache_conversation: bool,
}

impl Request {
    /// A request with the given system prompt and first user message, and
    /// room for `max_tokens` of answer.
    pub fn new(system: SystemPrompt, user: impl Into<String>, max_tokens: u32) -> Request {
        Request {
            system,
            messages: vec![Message::user(user)],
            max_tokens,
            ..Request::default()
        }
    }
}

/// The system prompt: a stable, cacheable prefix, then the per-call rest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemPrompt {
    /// The same on every call (persona, rules, tool guidance): cached.
    pub stable: String,
    /// Changes per call (the date, the task): sent after the cached prefix.
    pub dynamic: String,
}

impl SystemPrompt {
    /// A system prompt that is all stable prefix.
    pub fn stable(text: impl Into<String>) -> SystemPrompt {
        SystemPrompt {
            stable: text.into(),
            dynamic: String::new(),
        }
    }
}

/// Who said a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Assistant,
}

/// One turn of the conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: Vec<Block>,
}

impl Message {
    /// A user turn of plain text.
    pub fn user(text: impl Into<String>) -> Message {
        Message {
            role: Role::User,
            content: vec![Block::Text { text: text.into() }],
        }
    }

    /// An assistant turn made of what a model answered (to send it back).
    pub fn assistant(content: Vec<Block>) -> Message {
        Message {
            role: Role::Assistant,
            content,
        }
    }

    /// A user turn carrying the results of the model's tool calls.
    pub fn tool_results(results: Vec<Block>) -> Message {
        Message {
            role: Role::User,
            content: results,
        }
    }
}

/// A piece of a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Text {
        text: String,
    },
    /// The model asks to call a tool. `input` is the arguments object; when
    /// the model sent arguments that are not JSON, it is the raw text as a
    /// JSON string, so the caller can send the error back to the model.
    ToolUse {
        id: String,
        name: String,
        input: Value,
    },
    /// What a tool call returned (or why it failed, with `is_error`).
    ToolResult {
        tool_use_id: String,
        content: String,
        is_error: bool,
    },
}

impl Block {
    /// A successful tool result.
    pub fn tool_result(tool_use_id: impl Into<String>, content: impl Into<String>) -> Block {
        Block::ToolResult {
            tool_use_id: tool_use_id.into(),
            content: content.into(),
            is_error: false,
        }
    }
}

/// A tool the model may call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolDefinition {
    pub name: String,
    pub description: String,
    /// The JSON Schema of the arguments object.
    pub input_schema: Value,
}

/// The text blocks of `content` joined together.
pub(crate) fn text_of(content: &[Block]) -> String {
    content
        .iter()
        .filter_map(|b| match b {
            Block::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// Tool-use blocks in `content`, in order.
pub(crate) fn tool_uses(content: &[Block]) -> impl Iterator<Item = (&str, &str, &Value)> {
    content.iter().filter_map(|b| match b {
        Block::ToolUse { id, name, input } => Some((id.as_str(), name.as_str(), input)),
        _ => None,
    })
}
