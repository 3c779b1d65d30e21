//! The prompts: seed 003's operating loop, and a morning review that
//! carries the person's dashboard as it is now.

use crate::ChiefMcp;
use chief_ai::Caller;
use chief_ai::instructions::{MORNING_REVIEW, OPERATING_LOOP, RULES};
use rmcp::ErrorData as McpError;
use rmcp::model::{GetPromptResult, Prompt, PromptMessage, PromptMessageRole};
use serde_json::json;

const LOOP: &str = "operating_loop";
const MORNING: &str = "morning_review";

/// Every prompt; none takes arguments.
pub fn list() -> Vec<Prompt> {
    vec![
        Prompt::new(
            LOOP,
            Some("Work the task queue: seed 003's loop and its rules"),
            None,
        ),
        Prompt::new(
            MORNING,
            Some("Review the day: priorities, questions, drafts, waiting items"),
            None,
        ),
    ]
}

/// The prompt named `name`, for `caller`.
pub async fn get(
    server: &ChiefMcp,
    caller: &Caller,
    name: &str,
) -> Result<GetPromptResult, McpError> {
    match name {
        LOOP => Ok(GetPromptResult {
            description: Some("Work the task queue".into()),
            messages: vec![PromptMessage::new_text(
                PromptMessageRole::User,
                format!("Work through my chief task queue.\n\n{OPERATING_LOOP}\n{RULES}"),
            )],
        }),
        MORNING => {
            let dashboard = server.run(caller, "get_dashboard", json!({})).await?;
            let dashboard = serde_json::to_string_pretty(&dashboard)
                .map_err(|e| McpError::internal_error(e.to_string(), None))?;
            Ok(GetPromptResult {
                description: Some("Morning review".into()),
                messages: vec![PromptMessage::new_text(
                    PromptMessageRole::User,
                    format!(
                        "{MORNING_REVIEW}\nMy dashboard right now:\n\n```json\n{dashboard}\n```\n"
                    ),
                )],
            })
        }
        other => Err(McpError::invalid_params(
            format!("no prompt {other:?}: use {LOOP} or {MORNING}"),
            None,
        )),
    }
}
