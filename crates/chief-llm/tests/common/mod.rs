//! Requests the provider tests send: a chief-like system prompt, two tools
//! and a first user message.

#![allow(dead_code)]

use chief_llm::{Request, SystemPrompt, ToolDefinition};
use serde_json::json;

/// Both providers, for tests whose body is the same for each.
pub const FLAVORS: [chief_llm::ProviderKind; 2] = [
    chief_llm::ProviderKind::Anthropic,
    chief_llm::ProviderKind::OpenAi,
];

/// The tools the requests offer.
pub fn tools() -> Vec<ToolDefinition> {
    vec![
        ToolDefinition {
            name: "get_next_task".into(),
            description: "The next task in the agent's queue, with its context.".into(),
            input_schema: json!({"type": "object", "properties": {}}),
        },
        ToolDefinition {
            name: "create_draft".into(),
            description: "Drafts an external message for review; never sends it.".into(),
            input_schema: json!({
                "type": "object",
                "properties": {"to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}},
                "required": ["to", "body"],
            }),
        },
    ]
}

/// A first request with the stable prefix, a dynamic part and the tools.
pub fn request(user: &str) -> Request {
    let mut req = Request::new(
        SystemPrompt {
            stable: "You are chief, a chief of staff. Draft, never send.".into(),
            dynamic: "Today is Tuesday 2026-11-24.".into(),
        },
        user,
        1024,
    );
    req.tools = tools();
    req
}
