//! The learning-loop tools: capture what was learned (routed at once to
//! what it is about) and note what someone outside owes us.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use chief_app::knowledge::{self, CaptureRequest};
use chief_app::knowledge_routing::Routed;
use chief_app::waiting;
use chief_domain::waiting::{NewWaitingItem, WaitingItem};

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

async fn add_waiting(caller: Caller, new: NewWaitingItem) -> Result<WaitingItem, ToolError> {
    Ok(waiting::create(&caller.db, &caller.scope, new).await?)
}
