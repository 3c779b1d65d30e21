//! The learning-loop tools: capture what was learned (routed at once to
//! what it is about) and note what someone outside owes us.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use chief_domain::waiting::{NewWaitingItem, WaitingItem};
use chief_store::knowledge_routing::{self, Capture, Routed, Target};
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

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CaptureArgs {
    /// What was learned: "Patrick prefers brief, direct emails".
    content: String,
    /// playbook, person, client, project, setting or rule; inferred when
    /// absent.
    category: Option<String>,
    /// The task that taught it.
    source_task_id: Option<Uuid>,
    /// The phrase that prompted the capture, such as "remember that".
    trigger_phrase: Option<String>,
    /// person, client, project, playbook, setting or rule: route here
    /// instead of deciding.
    target_type: Option<String>,
    /// The person, client, project or playbook to route to.
    target_id: Option<Uuid>,
}

async fn capture(caller: Caller, a: CaptureArgs) -> Result<Routed, ToolError> {
    let capture = Capture {
        target: Target::from_parts(a.target_type.as_deref(), a.target_id)?,
        content: a.content,
        category: a.category.as_deref().map(str::parse).transpose()?,
        source_task_id: a.source_task_id,
        trigger_phrase: a.trigger_phrase,
    };
    let user = caller.user()?;
    let mut tx = caller.db.write(&caller.scope).await?;
    let routed = knowledge_routing::capture(&mut tx, user, capture).await?;
    tx.commit().await?;
    Ok(routed)
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
    let user = caller.user()?;
    let mut tx = caller.db.write(&caller.scope).await?;
    let item = waiting::create(&mut tx, user, new).await?;
    tx.commit().await?;
    Ok(item)
}
