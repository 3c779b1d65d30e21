//! What a fake model server is told to answer: scripted turns, errors,
//! and the ways an answer can break off.

use crate::message::Block;
use crate::response::{StopReason, Usage};
use serde_json::Value;

/// One scripted answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Turn {
    pub content: Vec<Block>,
    pub stop_reason: StopReason,
    pub usage: Usage,
    /// The model named in the answer; the request's when `None`.
    pub model: Option<String>,
    /// Characters per streamed text or tool-argument fragment.
    pub fragment: usize,
}

impl Turn {
    /// An answer of plain text that ends the turn.
    pub fn text(text: impl Into<String>) -> Turn {
        Turn {
            content: vec![Block::Text { text: text.into() }],
            stop_reason: StopReason::EndTurn,
            usage: Usage {
                input_tokens: 100,
                output_tokens: 20,
                ..Usage::default()
            },
            model: None,
            fragment: 7,
        }
    }

    /// An answer that calls one tool.
    pub fn tool_call(id: impl Into<String>, name: impl Into<String>, input: Value) -> Turn {
        Turn {
            content: vec![Block::ToolUse {
                id: id.into(),
                name: name.into(),
                input,
            }],
            stop_reason: StopReason::ToolUse,
            ..Turn::text("")
        }
    }

    /// This answer with `text` before its other content.
    pub fn with_text_first(mut self, text: impl Into<String>) -> Turn {
        self.content.insert(0, Block::Text { text: text.into() });
        self
    }

    /// This answer with another tool call after its content.
    pub fn and_tool_call(
        mut self,
        id: impl Into<String>,
        name: impl Into<String>,
        input: Value,
    ) -> Turn {
        self.content.push(Block::ToolUse {
            id: id.into(),
            name: name.into(),
            input,
        });
        self
    }

    /// This answer reporting `usage`.
    pub fn with_usage(mut self, usage: Usage) -> Turn {
        self.usage = usage;
        self
    }
}

/// What the fake does with one request.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// Answers, as JSON or as a stream per the request.
    Answer(Turn),
    /// An error status with the provider's error body.
    Fail {
        status: u16,
        error_type: String,
        message: String,
        retry_after: Option<String>,
    },
    /// Starts answering and stops: after `after` stream events (or bytes of
    /// a JSON answer), either dropping the connection or ending the body
    /// cleanly with the answer incomplete.
    CutOff {
        turn: Turn,
        after: usize,
        drop_connection: bool,
    },
    /// Streams the whole answer but its final event (`message_stop` or
    /// `data: [DONE]`), then ends the body cleanly.
    Unfinished(Turn),
    /// Streams `after` events, then an in-stream error of `error_type`.
    StreamError {
        turn: Turn,
        after: usize,
        error_type: String,
    },
}

impl Reply {
    /// An error answer.
    pub fn fail(status: u16, error_type: &str, message: &str) -> Reply {
        Reply::Fail {
            status,
            error_type: error_type.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// A 429 with this `Retry-After` value.
    pub fn rate_limited(retry_after: &str) -> Reply {
        Reply::Fail {
            status: 429,
            error_type: "rate_limit_error".into(),
            message: "Number of request tokens has exceeded your per-minute rate limit".into(),
            retry_after: Some(retry_after.into()),
        }
    }

    /// Anthropic's 529.
    pub fn overloaded() -> Reply {
        Reply::fail(529, "overloaded_error", "Overloaded")
    }
}
