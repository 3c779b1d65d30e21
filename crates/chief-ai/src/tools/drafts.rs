//! The draft tools. The agent drafts external messages and never sends
//! them: a draft waits for a person to approve it, and there is no send
//! tool.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use crate::tools::targeted::{IdField, Targeted};
use chief_app::draft::{self, DraftRequest, Revision};
use chief_domain::draft::Draft;

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

/// `draft_id`: the draft to revise.
pub struct DraftId;

impl IdField for DraftId {
    const NAME: &'static str = "draft_id";
    const DESCRIPTION: &'static str = "The draft to revise.";
}

async fn revise(caller: Caller, a: Targeted<DraftId, Revision>) -> Result<Draft, ToolError> {
    Ok(draft::revise(&caller.db, &caller.scope, a.id, a.request).await?)
}
