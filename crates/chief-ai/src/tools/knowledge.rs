//! The learning-loop tools: capture what was learned (routed at once to
//! what it is about) and note what someone outside owes us.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use chief_app::knowledge::{self, CaptureRequest};
use chief_app::knowledge_routing::Routed;
use chief_domain::waiting::{NewWaitingItem, WaitingItem};
use chief_store::waiting;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn register(tools: &mut Vec<Tool>) {
    tools.push(Tool::new(
        "capture_knowledge",
        ToolClass::Propose,
        "Captures something learned, now rather than later, and routes it: to the person, client or project it names, a proposed playbook (how to do something), the rules playbook, or the user's settings. Capture whenever the person says \"remember that\", \"going forward\", \"always\", \"never\" or \"for future reference\".",
        capture,
    ));
    tools.push(Tool::new(
        "add_waiting_item",
        ToolClass::Write,
        "Records something someone outside owes us (a reply, a document, a decision), with when to follow up.",
        add_waiting,
    ));
}

async fn capture(caller: Caller, a: CaptureRequest) -> Result<Routed, ToolError> {
    Ok(knowledge::capture(&caller.db, &caller.scope, a).await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct WaitingArgs {
    /// What is owed: "signed SOW from Liberty".
    what: String,
    /// Who owes it, in words.
    who: Option<String>,
    /// The person who owes it, when known.
    person_id: Option<Uuid>,
    /// The task waiting on it.
    task_id: Option<Uuid>,
    /// When to chase it.
    follow_up_date: Option<DateTime<Utc>>,
    why_it_matters: Option<String>,
}

async fn add_waiting(caller: Caller, a: WaitingArgs) -> Result<WaitingItem, ToolError> {
    let new = NewWaitingItem {
        what: a.what,
        who: a.who,
        task_id: a.task_id,
        person_id: a.person_id,
        follow_up_date: a.follow_up_date,
        why_it_matters: a.why_it_matters,
    };
    caller
        .write(async |tx, user| waiting::create(tx, user, new).await)
        .await
}
