//! Assembles an Anthropic SSE stream into the same answer a non-streamed
//! call returns, reporting text and tool calls as they arrive.
//!
//! The events: `message_start` (model, input usage), then per content block
//! `content_block_start`, `content_block_delta` (`text_delta` or
//! `input_json_delta`, whose fragments only parse once joined) and
//! `content_block_stop`; `message_delta` (stop reason, output usage);
//! `message_stop`. `ping` keeps the connection alive and `error` ends the
//! stream with an API error. A stream that ends before `message_stop` is
//! cut off.

use crate::anthropic::{WireBlock, WireUsage, stop_reason};
use crate::error::{LlmError, ProviderKind};
use crate::message::Block;
use crate::provider::{Parsed, StreamAssembler};
use crate::response::{StopReason, StreamEvent, Usage, parse_tool_input};
use crate::sse::SseEvent;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Event {
    MessageStart {
        message: StartMessage,
    },
    ContentBlockStart {
        index: usize,
        content_block: WireBlock,
    },
    ContentBlockDelta {
        index: usize,
        delta: BlockDelta,
    },
    ContentBlockStop {
        index: usize,
    },
    MessageDelta {
        delta: MessageDelta,
        #[serde(default)]
        usage: WireUsage,
    },
    MessageStop,
    Error {
        error: Value,
    },
    /// `ping`, and event types added after this was written.
    #[serde(other)]
    Ignored,
}

#[derive(Deserialize)]
struct StartMessage {
    #[serde(default)]
    model: String,
    #[serde(default)]
    usage: WireUsage,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum BlockDelta {
    TextDelta {
        text: String,
    },
    InputJsonDelta {
        partial_json: String,
    },
    /// Thinking and signature deltas.
    #[serde(other)]
    Ignored,
}

#[derive(Deserialize)]
struct MessageDelta {
    stop_reason: Option<String>,
}

/// A content block being received.
enum Partial {
    Text(String),
    Tool {
        id: String,
        name: String,
        json: String,
        /// The input given at the start, used when no deltas follow.
        start_input: Value,
    },
    Ignored,
}

/// The state of one streamed answer.
#[derive(Default)]
pub(crate) struct Assembler {
    model: String,
    blocks: Vec<Partial>,
    usage: Usage,
    stop_reason: Option<StopReason>,
}

fn malformed(detail: String) -> LlmError {
    LlmError::Malformed {
        provider: ProviderKind::Anthropic,
        detail,
    }
}

/// The HTTP status an in-stream error type stands for, so it maps to the
/// same [`LlmError`] as the status would.
fn status_of(error_type: &str) -> u16 {
    match error_type {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "overloaded_error" => 529,
        _ => 500,
    }
}

impl Assembler {
    fn block(&mut self, index: usize) -> Result<&mut Partial, LlmError> {
        self.blocks.get_mut(index).ok_or_else(|| {
            malformed(format!(
                "a delta for content block {index}, which never started"
            ))
        })
    }
}

impl StreamAssembler for Assembler {
    fn feed(
        &mut self,
        event: SseEvent,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<bool, LlmError> {
        let parsed: Event = serde_json::from_str(&event.data)
            .map_err(|e| malformed(format!("{} event: {e}", event.event)))?;
        match parsed {
            Event::MessageStart { message } => {
                self.model = message.model;
                message.usage.apply(&mut self.usage);
            }
            Event::ContentBlockStart {
                index,
                content_block,
            } => {
                if index != self.blocks.len() {
                    return Err(malformed(format!(
                        "content block {index} started out of order"
                    )));
                }
                self.blocks.push(match content_block {
                    WireBlock::Text { text } => {
                        if !text.is_empty() {
                            emit(StreamEvent::Text(text.clone()));
                        }
                        Partial::Text(text)
                    }
                    WireBlock::ToolUse { id, name, input } => {
                        emit(StreamEvent::ToolCallStarted {
                            id: id.clone(),
                            name: name.clone(),
                        });
                        Partial::Tool {
                            id,
                            name,
                            json: String::new(),
                            start_input: input,
                        }
                    }
                    WireBlock::Other => Partial::Ignored,
                });
            }
            Event::ContentBlockDelta { index, delta } => match (self.block(index)?, delta) {
                (Partial::Text(text), BlockDelta::TextDelta { text: more }) => {
                    text.push_str(&more);
                    emit(StreamEvent::Text(more));
                }
                (Partial::Tool { id, json, .. }, BlockDelta::InputJsonDelta { partial_json }) => {
                    json.push_str(&partial_json);
                    emit(StreamEvent::ToolCallArguments {
                        id: id.clone(),
                        fragment: partial_json,
                    });
                }
                (_, BlockDelta::Ignored) | (Partial::Ignored, _) => {}
                _ => {
                    return Err(malformed(format!(
                        "a delta of the wrong kind for block {index}"
                    )));
                }
            },
            Event::ContentBlockStop { index } => {
                if let Partial::Tool {
                    id,
                    name,
                    json,
                    start_input,
                } = self.block(index)?
                {
                    emit(StreamEvent::ToolCallFinished {
                        id: id.clone(),
                        name: name.clone(),
                        input: tool_input(json, start_input),
                    });
                }
            }
            Event::MessageDelta { delta, usage } => {
                if let Some(s) = delta.stop_reason {
                    self.stop_reason = Some(stop_reason(&s));
                }
                usage.apply(&mut self.usage);
            }
            Event::MessageStop => return Ok(true),
            Event::Error { error } => {
                let error_type = error["type"].as_str().unwrap_or_default();
                let body = serde_json::json!({ "error": error });
                return Err(crate::http::api_error(
                    ProviderKind::Anthropic,
                    status_of(error_type),
                    &body,
                    &event.data,
                ));
            }
            Event::Ignored => {}
        }
        Ok(false)
    }

    fn final_event(&self) -> &'static str {
        "message_stop"
    }

    fn finish(self: Box<Self>) -> Result<Parsed, LlmError> {
        let stop_reason = self
            .stop_reason
            .ok_or_else(|| malformed("the stream gave no stop_reason".into()))?;
        let content = self
            .blocks
            .into_iter()
            .filter_map(|b| match b {
                Partial::Text(text) => Some(Block::Text { text }),
                Partial::Tool {
                    id,
                    name,
                    json,
                    start_input,
                } => {
                    let input = tool_input(&json, &start_input);
                    Some(Block::ToolUse { id, name, input })
                }
                Partial::Ignored => None,
            })
            .collect();
        Ok(Parsed {
            model: self.model,
            content,
            stop_reason,
            usage: self.usage,
        })
    }
}

/// A tool call's input: the joined fragments, or the start's input when
/// there were none.
fn tool_input(json: &str, start_input: &Value) -> Value {
    if json.is_empty() && start_input.is_object() {
        start_input.clone()
    } else {
        parse_tool_input(json)
    }
}
