//! The server side of both wire formats: a scripted [`Turn`] written the
//! way the real APIs write it, as one JSON answer or as the stream of SSE
//! events, with text and tool arguments split into small fragments the way
//! models stream them.

use super::Turn;
use crate::message::Block;
use crate::response::StopReason;
use serde_json::{Value, json};

/// `text` in pieces of at most `size` characters (at least one piece).
fn pieces(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars
        .chunks(size.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

fn anthropic_stop(s: &StopReason) -> String {
    match s {
        StopReason::EndTurn => "end_turn".into(),
        StopReason::ToolUse => "tool_use".into(),
        StopReason::MaxTokens => "max_tokens".into(),
        StopReason::StopSequence => "stop_sequence".into(),
        StopReason::Other(o) => o.clone(),
    }
}

fn openai_finish(s: &StopReason) -> String {
    match s {
        StopReason::EndTurn | StopReason::StopSequence => "stop".into(),
        StopReason::ToolUse => "tool_calls".into(),
        StopReason::MaxTokens => "length".into(),
        StopReason::Other(o) => o.clone(),
    }
}

fn anthropic_usage(t: &Turn) -> Value {
    json!({
        "input_tokens": t.usage.input_tokens,
        "output_tokens": t.usage.output_tokens,
        "cache_creation_input_tokens": t.usage.cache_creation_input_tokens,
        "cache_read_input_tokens": t.usage.cache_read_input_tokens,
    })
}

fn openai_usage(t: &Turn) -> Value {
    let u = &t.usage;
    json!({
        "prompt_tokens": u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
        "completion_tokens": u.output_tokens,
        "total_tokens": u.total_input() + u.output_tokens,
        "prompt_tokens_details": {"cached_tokens": u.cache_read_input_tokens},
    })
}

/// An Anthropic Messages answer.
pub(crate) fn anthropic_json(t: &Turn, model: &str) -> Value {
    let content: Vec<Value> = t
        .content
        .iter()
        .filter_map(|b| match b {
            Block::Text { text } => Some(json!({"type": "text", "text": text})),
            Block::ToolUse { id, name, input } => {
                Some(json!({"type": "tool_use", "id": id, "name": name, "input": input}))
            }
            Block::ToolResult { .. } => None,
        })
        .collect();
    json!({
        "id": "msg_fake", "type": "message", "role": "assistant", "model": model,
        "content": content, "stop_reason": anthropic_stop(&t.stop_reason), "stop_sequence": null,
        "usage": anthropic_usage(t),
    })
}

/// An Anthropic Messages stream: (event name, data).
pub(crate) fn anthropic_events(t: &Turn, model: &str) -> Vec<(String, Value)> {
    let mut start_usage = anthropic_usage(t);
    start_usage["output_tokens"] = json!(1);
    let mut events = vec![(
        "message_start".to_string(),
        json!({"type": "message_start", "message": {
            "id": "msg_fake", "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": null, "stop_sequence": null, "usage": start_usage,
        }}),
    )];
    let mut push = |name: &str, data: Value| events.push((name.to_string(), data));
    for (index, b) in t.content.iter().enumerate() {
        let (start, deltas) = match b {
            Block::Text { text } => (
                json!({"type": "text", "text": ""}),
                pieces(text, t.fragment)
                    .into_iter()
                    .map(|p| json!({"type": "text_delta", "text": p}))
                    .collect::<Vec<_>>(),
            ),
            Block::ToolUse { id, name, input } => (
                json!({"type": "tool_use", "id": id, "name": name, "input": {}}),
                pieces(&arguments(input), t.fragment)
                    .into_iter()
                    .map(|p| json!({"type": "input_json_delta", "partial_json": p}))
                    .collect(),
            ),
            Block::ToolResult { .. } => continue,
        };
        push(
            "content_block_start",
            json!({"type": "content_block_start", "index": index, "content_block": start}),
        );
        if index == 0 {
            push("ping", json!({"type": "ping"}));
        }
        for delta in deltas {
            push(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": index, "delta": delta}),
            );
        }
        push(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": index}),
        );
    }
    push(
        "message_delta",
        json!({"type": "message_delta",
            "delta": {"stop_reason": anthropic_stop(&t.stop_reason), "stop_sequence": null},
            "usage": {"output_tokens": t.usage.output_tokens}}),
    );
    push("message_stop", json!({"type": "message_stop"}));
    events
}

/// A tool input as the model streams it: a string input stands for raw,
/// possibly broken, arguments text.
fn arguments(input: &Value) -> String {
    match input {
        Value::String(raw) => raw.clone(),
        other => other.to_string(),
    }
}

/// The text and tool calls of a turn, as Chat Completions puts them.
fn openai_parts(t: &Turn) -> (String, Vec<(&str, &str, String)>) {
    let text = crate::message::text_of(&t.content);
    let calls = crate::message::tool_uses(&t.content)
        .map(|(id, name, input)| (id, name, arguments(input)))
        .collect();
    (text, calls)
}

/// A Chat Completions answer.
pub(crate) fn openai_json(t: &Turn, model: &str) -> Value {
    let (text, calls) = openai_parts(t);
    let mut message = json!({"role": "assistant", "content": if text.is_empty() { Value::Null } else { json!(text) }});
    if !calls.is_empty() {
        message["tool_calls"] = calls
            .iter()
            .map(|(id, name, args)| json!({"id": id, "type": "function", "function": {"name": name, "arguments": args}}))
            .collect();
    }
    json!({
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_767_225_600, "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": openai_finish(&t.stop_reason)}],
        "usage": openai_usage(t),
    })
}

/// A Chat Completions stream: the `data:` payloads, `[DONE]` last.
pub(crate) fn openai_chunks(t: &Turn, model: &str) -> Vec<String> {
    let chunk = |choices: Value| {
        json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_767_225_600,
            "model": model, "choices": choices})
    };
    let delta = |d: Value| chunk(json!([{"index": 0, "delta": d, "finish_reason": null}]));
    let (text, calls) = openai_parts(t);
    let mut out = vec![delta(json!({"role": "assistant", "content": ""}))];
    if !text.is_empty() {
        for p in pieces(&text, t.fragment) {
            out.push(delta(json!({"content": p})));
        }
    }
    for (index, (id, name, args)) in calls.iter().enumerate() {
        out.push(delta(
            json!({"tool_calls": [{"index": index, "id": id, "type": "function",
            "function": {"name": name, "arguments": ""}}]}),
        ));
        for p in pieces(args, t.fragment) {
            out.push(delta(
                json!({"tool_calls": [{"index": index, "function": {"arguments": p}}]}),
            ));
        }
    }
    out.push(chunk(
        json!([{"index": 0, "delta": {}, "finish_reason": openai_finish(&t.stop_reason)}]),
    ));
    let mut usage = chunk(json!([]));
    usage["usage"] = openai_usage(t);
    out.push(usage);
    let mut out: Vec<String> = out.iter().map(Value::to_string).collect();
    out.push("[DONE]".into());
    out
}
