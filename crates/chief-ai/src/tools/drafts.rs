//! The draft tools. The agent drafts external messages and never sends
//! them: a draft waits for a person to approve it, and there is no send
//! tool.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use chief_domain::draft::{Draft, NewDraft};
use chief_store::draft;
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

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateArgs {
    /// email, slack, document, note or message.
    #[serde(rename = "type")]
    draft_type: String,
    /// "Patrick Fields <patrick@liberty.example>", a channel, a name.
    recipient: Option<String>,
    subject: Option<String>,
    body: String,
    /// The task it was drafted for.
    task_id: Option<Uuid>,
}

async fn create(caller: Caller, a: CreateArgs) -> Result<Draft, ToolError> {
    let new = NewDraft {
        task_id: a.task_id,
        draft_type: a.draft_type.parse()?,
        recipient: a.recipient,
        subject: a.subject,
        body: a.body,
        relationship_context: None,
    };
    let user = caller.user()?;
    let mut tx = caller.db.write(&caller.scope).await?;
    let created = draft::create(&mut tx, user, new).await?;
    tx.commit().await?;
    Ok(created)
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
    let mut tx = caller.db.write(&caller.scope).await?;
    let revised = draft::revise(&mut tx, a.draft_id, &a.body, a.subject).await?;
    tx.commit().await?;
    Ok(revised)
}
