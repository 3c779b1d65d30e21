//! Assembles a streamed Chat Completion (`stream: true`) into the same
//! answer a non-streamed call returns, reporting text and tool calls as
//! they arrive.
//!
//! Each `data:` line is a chunk whose `choices[0].delta` carries more
//! `content` or `tool_calls` fragments keyed by `index` (the first fragment
//! of a call has its `id` and name, later ones more `arguments` text);
//! `finish_reason` arrives on the last choice chunk, and with
//! `stream_options.include_usage` a final chunk with no choices carries the
//! usage. `data: [DONE]` ends the stream; a stream that ends without it is
//! cut off. A chunk with an `error` object ends it with that error.

use crate::error::{LlmError, ProviderKind};
use crate::message::Block;
use crate::openai::{WireUsage, stop_reason};
use crate::provider::{Parsed, StreamAssembler};
use crate::response::{StopReason, StreamEvent, Usage, parse_tool_input};
use crate::sse::SseEvent;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    model: String,
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: ChunkDelta,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Default, Deserialize)]
struct ChunkDelta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCallFragment>,
}

#[derive(Deserialize)]
struct ToolCallFragment {
    /// Absent on servers that send each call whole in one fragment.
    index: Option<usize>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: FunctionFragment,
}

#[derive(Default, Deserialize)]
struct FunctionFragment {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

/// A tool call being received.
struct PartialCall {
    id: String,
    name: String,
    arguments: String,
}

/// The state of one streamed answer.
#[derive(Default)]
pub(crate) struct Assembler {
    model: String,
    text: String,
    calls: Vec<PartialCall>,
    finished_calls: bool,
    usage: Usage,
    stop_reason: Option<StopReason>,
}

impl Assembler {
    fn tool_fragment(
        &mut self,
        f: ToolCallFragment,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<(), LlmError> {
        let index = f.index.unwrap_or(self.calls.len());
        if index > self.calls.len() {
            return Err(LlmError::Malformed {
                provider: ProviderKind::OpenAi,
                detail: format!("tool call {index} came before call {}", self.calls.len()),
            });
        }
        if index == self.calls.len() {
            let id = f.id.clone().unwrap_or_else(|| format!("call_{index}"));
            let name = f.function.name.clone().unwrap_or_default();
            emit(StreamEvent::ToolCallStarted {
                id: id.clone(),
                name: name.clone(),
            });
            self.calls.push(PartialCall {
                id,
                name,
                arguments: String::new(),
            });
        }
        let call = &mut self.calls[index];
        if let Some(fragment) = f.function.arguments.filter(|a| !a.is_empty()) {
            call.arguments.push_str(&fragment);
            emit(StreamEvent::ToolCallArguments {
                id: call.id.clone(),
                fragment,
            });
        }
        Ok(())
    }

    /// Reports every tool call complete, once.
    fn finish_calls(&mut self, emit: &mut (dyn FnMut(StreamEvent) + Send)) {
        if std::mem::replace(&mut self.finished_calls, true) {
            return;
        }
        for call in &self.calls {
            emit(StreamEvent::ToolCallFinished {
                id: call.id.clone(),
                name: call.name.clone(),
                input: parse_tool_input(&call.arguments),
            });
        }
    }
}

impl StreamAssembler for Assembler {
    fn feed(
        &mut self,
        event: SseEvent,
        emit: &mut (dyn FnMut(StreamEvent) + Send),
    ) -> Result<bool, LlmError> {
        if event.data.trim() == "[DONE]" {
            self.finish_calls(emit);
            return Ok(true);
        }
        let chunk: Chunk = serde_json::from_str(&event.data).map_err(|e| LlmError::Malformed {
            provider: ProviderKind::OpenAi,
            detail: format!("stream chunk: {e}"),
        })?;
        if let Some(error) = chunk.error {
            let status = error["code"]
                .as_u64()
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or(500);
            let body = serde_json::json!({ "error": error });
            return Err(crate::http::api_error(
                ProviderKind::OpenAi,
                status,
                &body,
                &event.data,
            ));
        }
        if self.model.is_empty() {
            self.model = chunk.model;
        }
        if let Some(usage) = chunk.usage {
            self.usage = usage.usage();
        }
        if let Some(choice) = chunk.choices.into_iter().next() {
            if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                self.text.push_str(&text);
                emit(StreamEvent::Text(text));
            }
            for fragment in choice.delta.tool_calls {
                self.tool_fragment(fragment, emit)?;
            }
            if let Some(reason) = choice.finish_reason {
                self.stop_reason = Some(stop_reason(&reason));
                self.finish_calls(emit);
            }
        }
        Ok(false)
    }

    fn final_event(&self) -> &'static str {
        "[DONE]"
    }

    fn finish(self: Box<Self>) -> Result<Parsed, LlmError> {
        let stop_reason = self.stop_reason.ok_or_else(|| LlmError::Malformed {
            provider: ProviderKind::OpenAi,
            detail: "the stream gave no finish_reason".into(),
        })?;
        let mut content = Vec::new();
        if !self.text.is_empty() {
            content.push(Block::Text { text: self.text });
        }
        content.extend(self.calls.into_iter().map(|c| Block::ToolUse {
            input: parse_tool_input(&c.arguments),
            id: c.id,
            name: c.name,
        }));
        Ok(Parsed {
            model: self.model,
            content,
            stop_reason,
            usage: self.usage,
        })
    }
}
