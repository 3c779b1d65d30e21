//! The draft tools. The agent drafts external messages and never sends
//! them: a draft waits for a person to approve it, and there is no send
//! tool.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use chief_app::draft::{self, DraftRequest, Revision};
use chief_domain::draft::Draft;
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn register(tools: &mut Vec<Tool>) {
    tools.push(Tool::new(
        "create_draft",
        ToolClass::Propose,
        "Drafts an external message (email, slack, document, note, message) for a person to review. Nothing is sent: a person approves and sends it. The recipient's relationship notes are attached when they are a known person.",
        create,
    ));
    tools.push(Tool::new(
        "revise_draft",
        ToolClass::Propose,
        "Replaces a draft with a revision (after feedback); the old one is kept as revised.",
        revise,
    ));
}

async fn create(caller: Caller, a: DraftRequest) -> Result<Draft, ToolError> {
    Ok(draft::create(&caller.db, &caller.scope, a).await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ReviseArgs {
    draft_id: Uuid,
    /// The new body.
    body: String,
    /// A new subject; the old one is kept when absent.
    subject: Option<String>,
}

async fn revise(caller: Caller, a: ReviseArgs) -> Result<Draft, ToolError> {
    let revision = Revision {
        body: a.body,
        subject: a.subject,
    };
    Ok(draft::revise(&caller.db, &caller.scope, a.draft_id, revision).await?)
}
