//! What the built-in agent tells the model: a stable system prompt (the
//! persona, seed 003's rules and how to finish a task), which is
//! byte-identical across calls so it is cached, and a first message with
//! the task, its context and the must-consult playbooks already read.

use super::persona::Persona;
use crate::instructions::RULES;
use chief_llm::SystemPrompt;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// How the built-in loop differs from an MCP client's: the task is given.
const WORK: &str = "\
## How to work this task

The task, its context and the must-consult playbooks (already read) are in
the first message; the task is already started. Follow the playbooks. Draft
external messages with `create_draft` (never send anything). If something
important is ambiguous, call `block_task` with your question, why you are
asking and what you will do with the answer, and stop. Otherwise finish with
`complete_task`, giving your learnings as `knowledge_captured` (each routed to who or what it is
about) or `nothing_learned: true` only when nothing was learned.
";

/// Sent when the model answers without calling a tool.
pub const NUDGE: &str =
    "Continue with the tools. The task is finished only by complete_task or block_task.";

/// The system prompt for `persona`; only the date is per call.
pub fn system(persona: &Persona, now: DateTime<Utc>) -> SystemPrompt {
    SystemPrompt {
        stable: format!("{}\n\n{RULES}\n{WORK}", persona.prompt),
        dynamic: format!("Today is {}.", now.format("%A %Y-%m-%d")),
    }
}

/// The first message: the task, its context and the playbooks read.
pub fn task_message(next: &Value, playbooks: &[Value]) -> String {
    let mut text = format!(
        "## Task\n{}\n\n## Context\n{}\n",
        next["task"], next["context"]
    );
    if let Some(matched) = next["matched_playbooks"]
        .as_array()
        .filter(|m| !m.is_empty())
    {
        text.push_str(&format!(
            "\n## Matching playbooks\n{}\n",
            Value::from(matched.clone())
        ));
    }
    for p in playbooks {
        text.push_str(&format!(
            "\n## Must-consult playbook: {}\n{}\n",
            p["name"].as_str().unwrap_or_default(),
            p["content"].as_str().unwrap_or_default()
        ));
    }
    text
}
