//! The OpenAI Chat Completions wire format, as OpenAI, Ollama, LiteLLM and
//! vLLM speak it: the request body and headers, and the non-streamed
//! answer. Streamed answers are assembled in [`crate::openai_stream`].
//!
//! - The stable system prompt is the first message and the dynamic part a
//!   second system message, so the prompt starts with the same bytes on
//!   every call and OpenAI's automatic prefix cache can match it.
//! - Tool results become `role: tool` messages, one per result; a failed
//!   tool's content starts with `Error:` since the format has no error
//!   flag.
//! - The length limit is `max_completion_tokens` for OpenAI itself (its
//!   newer models refuse `max_tokens`) and `max_tokens` elsewhere (which
//!   every compatible server reads).
//! - Usage counts cached prompt tokens inside `prompt_tokens`; they are
//!   split out, so [`Usage::input_tokens`] means the same as for Anthropic.

use crate::config::ApiKey;
use crate::error::{LlmError, ProviderKind};
use crate::message::{Block, Request, Role};
use crate::provider::Parsed;
use crate::response::{StopReason, Usage, parse_tool_input};
use reqwest::header::{HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};

/// OpenAI's own API.
pub const OFFICIAL_BASE_URL: &str = "https://api.openai.com/v1";

/// `{base}/chat/completions`.
pub(crate) fn url(base: &str) -> String {
    format!("{}/chat/completions", base.trim_end_matches('/'))
}

/// The bearer token, when there is a key (local servers need none).
pub(crate) fn headers(key: Option<&ApiKey>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(value) =
        key.and_then(|k| HeaderValue::from_str(&format!("Bearer {}", k.expose())).ok())
    {
        h.insert("authorization", value);
    }
    h
}

/// The JSON body for `req` on `model`; `official` says the base URL is
/// OpenAI's own.
pub(crate) fn request_body(req: &Request, model: &str, stream: bool, official: bool) -> Value {
    let mut messages = Vec::new();
    for part in [&req.system.stable, &req.system.dynamic] {
        if !part.is_empty() {
            messages.push(json!({"role": "system", "content": part}));
        }
    }
    for m in &req.messages {
        let text = crate::message::text_of(&m.content);
        match m.role {
            Role::User => {
                for b in &m.content {
                    if let Block::ToolResult {
                        tool_use_id,
                        content,
                        is_error,
                    } = b
                    {
                        let content = if *is_error {
                            format!("Error: {content}")
                        } else {
                            content.clone()
                        };
                        messages.push(json!({"role": "tool", "tool_call_id": tool_use_id, "content": content}));
                    }
                }
                if !text.is_empty() {
                    messages.push(json!({"role": "user", "content": text}));
                }
            }
            Role::Assistant => {
                let calls: Vec<Value> = crate::message::tool_uses(&m.content)
                    .map(|(id, name, input)| {
                        let arguments = match input {
                            Value::String(raw) => raw.clone(),
                            other => other.to_string(),
                        };
                        json!({"id": id, "type": "function", "function": {"name": name, "arguments": arguments}})
                    })
                    .collect();
                let mut msg = json!({
                    "role": "assistant",
                    "content": if text.is_empty() { Value::Null } else { Value::String(text) },
                });
                if !calls.is_empty() {
                    msg["tool_calls"] = Value::Array(calls);
                }
                messages.push(msg);
            }
        }
    }
    let limit = if official {
        "max_completion_tokens"
    } else {
        "max_tokens"
    };
    let mut body = json!({"model": model, "messages": messages});
    body[limit] = json!(req.max_tokens);
    if !req.tools.is_empty() {
        body["tools"] = req
            .tools
            .iter()
            .map(|t| {
                json!({"type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": t.input_schema,
                }})
            })
            .collect();
    }
    if let Some(t) = req.temperature {
        body["temperature"] = json!(t);
    }
    if !req.stop_sequences.is_empty() {
        body["stop"] = json!(req.stop_sequences);
    }
    if stream {
        body["stream"] = Value::Bool(true);
        body["stream_options"] = json!({"include_usage": true});
    }
    body
}

/// Token counts as Chat Completions reports them.
#[derive(Default, Deserialize)]
pub(crate) struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
}

#[derive(Default, Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

impl WireUsage {
    /// The same counts, with cached prompt tokens split out.
    pub(crate) fn usage(&self) -> Usage {
        let cached = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .unwrap_or(0)
            .min(self.prompt_tokens);
        Usage {
            input_tokens: self.prompt_tokens - cached,
            output_tokens: self.completion_tokens,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: cached,
        }
    }
}

/// The stop reason as Chat Completions spells it.
pub(crate) fn stop_reason(s: &str) -> StopReason {
    match s {
        "stop" => StopReason::EndTurn,
        "tool_calls" | "function_call" => StopReason::ToolUse,
        "length" => StopReason::MaxTokens,
        other => StopReason::Other(other.to_string()),
    }
}

#[derive(Deserialize)]
struct Completion {
    #[serde(default)]
    model: String,
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCall>,
}

#[derive(Deserialize)]
struct ToolCall {
    id: String,
    function: FunctionCall,
}

#[derive(Deserialize)]
struct FunctionCall {
    name: String,
    #[serde(default)]
    arguments: String,
}

/// Reads a non-streamed answer.
pub(crate) fn parse_response(body: &[u8]) -> Result<Parsed, LlmError> {
    let malformed = |detail: String| LlmError::Malformed {
        provider: ProviderKind::OpenAi,
        detail,
    };
    let c: Completion = serde_json::from_slice(body).map_err(|e| malformed(e.to_string()))?;
    let choice = c
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| malformed("the answer has no choices".into()))?;
    let finish = choice
        .finish_reason
        .ok_or_else(|| malformed("the answer has no finish_reason".into()))?;
    let mut content = Vec::new();
    if let Some(text) = choice.message.content.filter(|t| !t.is_empty()) {
        content.push(Block::Text { text });
    }
    for call in choice.message.tool_calls {
        content.push(Block::ToolUse {
            id: call.id,
            name: call.function.name,
            input: parse_tool_input(&call.function.arguments),
        });
    }
    Ok(Parsed {
        model: c.model,
        content,
        stop_reason: stop_reason(&finish),
        usage: c.usage.map(|u| u.usage()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::SystemPrompt;

    #[test]
    fn openai_itself_gets_max_completion_tokens_and_others_max_tokens() {
        let req = Request::new(SystemPrompt::stable("s"), "hi", 64);
        let official = request_body(&req, "gpt-5", false, true);
        assert_eq!(official["max_completion_tokens"], 64);
        assert_eq!(official.get("max_tokens"), None);
        let local = request_body(&req, "llama3.1", false, false);
        assert_eq!(local["max_tokens"], 64);
        assert_eq!(local.get("stream"), None);
    }

    #[test]
    fn a_failed_tool_result_says_so_and_raw_arguments_go_back_unchanged() {
        let mut req = Request::new(SystemPrompt::default(), "go", 64);
        req.messages
            .push(crate::Message::assistant(vec![Block::ToolUse {
                id: "c1".into(),
                name: "create_draft".into(),
                input: Value::String("{\"to\": ".into()),
            }]));
        req.messages
            .push(crate::Message::tool_results(vec![Block::ToolResult {
                tool_use_id: "c1".into(),
                content: "arguments are not JSON".into(),
                is_error: true,
            }]));
        let body = request_body(&req, "m", false, false);
        assert_eq!(
            body["messages"][1]["tool_calls"][0]["function"]["arguments"],
            "{\"to\": "
        );
        assert_eq!(body["messages"][1]["content"], Value::Null);
        assert_eq!(
            body["messages"][2]["content"],
            "Error: arguments are not JSON"
        );
    }
}
