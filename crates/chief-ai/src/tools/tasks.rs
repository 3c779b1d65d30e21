//! The task tools: take the next task with its context, start it, complete
//! it (only after the mandatory capture step), block it on a question, and
//! create or change tasks.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use crate::tools::targeted::{IdField, Targeted};
use chief_app::question::QuestionRequest;
use chief_app::requests::TaskRequest;
use chief_app::task::TaskChanges;
use chief_app::task_handoff::{self, NextRequest};
use chief_app::task_work::{self, Completion};
use chief_domain::task::TaskOp;
use chrono::Utc;
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn register(tools: &mut Vec<Tool>) {
    tools.push(Tool::new(
        "get_next_task",
        ToolClass::Read,
        "The next task to work on, with its assembled context (people, project, related tasks, history, learnings) and the playbooks it calls for. Read every must_consult playbook (get_playbook) before working. `task` is null when the queue is empty.",
        next,
    ));
    tools.push(Tool::new(
        "get_task_context",
        ToolClass::Read,
        "A task with its assembled context: the people and their relationship notes, the project, related tasks, history, learnings and relevant playbooks, packed into a token budget.",
        context,
    ));
    tools.push(Tool::new(
        "start_task",
        ToolClass::Write,
        "Marks a task working and returns the playbooks to read before the work (matched ones first, then the must-consult ones).",
        start,
    ));
    tools.push(Tool::new(
        "complete_task",
        ToolClass::Write,
        "Completes a task. Capture is mandatory: before completing, ask what you learned. Give `knowledge_captured`, your learnings (each routed to the person, client, project, playbook or setting it is about), or `learnings_captured: true` if you already captured them with capture_knowledge for this task, or, only if truly nothing was learned, `nothing_learned: true`.",
        complete,
    ));
    tools.push(Tool::new(
        "block_task",
        ToolClass::Write,
        "Blocks a task on a question for the person instead of guessing. Say what you need to know, why you are asking and what you will do with the answer.",
        block,
    ));
    tools.push(Tool::new(
        "create_task",
        ToolClass::Write,
        "Creates a task (a follow-up or something discovered while working).",
        create,
    ));
    tools.push(Tool::new(
        "update_task",
        ToolClass::Write,
        "Changes a task's title, description, priority, assignee, due date or tags; fields left out stay as they are.",
        update,
    ));
    tools.push(Tool::new(
        "cancel_task",
        ToolClass::Admin,
        "Cancels a task that should not be done, with the reason. An admin tool: the workspace's policy may hold it for the person's approval, and a turn carrying outside content may not use it.",
        cancel,
    ));
}

async fn next(caller: Caller, a: NextRequest) -> Result<task_handoff::NextTask, ToolError> {
    let assignee = a.assignee()?;
    let user = caller.user()?;
    Ok(task_handoff::next(
        &caller.db,
        caller.scope.tenant,
        user,
        assignee,
        a.budget,
        Utc::now(),
    )
    .await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ContextArgs {
    task_id: Uuid,
    /// The token budget, 1 to 200,000.
    budget: Option<i64>,
}

async fn context(caller: Caller, a: ContextArgs) -> Result<task_handoff::TaskContext, ToolError> {
    let user = caller.user()?;
    Ok(task_handoff::for_task(
        &caller.db,
        caller.scope.tenant,
        user,
        a.task_id,
        a.budget,
        Utc::now(),
    )
    .await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TaskId {
    task_id: Uuid,
}

async fn start(caller: Caller, a: TaskId) -> Result<task_work::Started, ToolError> {
    Ok(task_work::start(&caller.db, &caller.scope, a.task_id).await?)
}

async fn complete(
    caller: Caller,
    a: Targeted<TaskKey, Completion>,
) -> Result<task_work::Completed, ToolError> {
    let (db, tenant) = (&caller.db, caller.scope.tenant);
    // Seed 003's capture is mandatory for the agent.
    task_work::check_capture(db, tenant, a.id, &a.request, true)
        .await?
        .map_err(|(_, refusal)| ToolError::Refused(refusal))?;
    Ok(task_work::complete(&caller.db, &caller.scope, a.id, a.request).await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct BlockArgs {
    task_id: Uuid,
    /// The question for the person.
    question_text: String,
    /// Why you cannot go on without the answer.
    why_asking: String,
    /// What you will do once it is answered.
    what_agent_will_do: String,
    /// 1 (most urgent) to 5.
    priority: i64,
    /// Anything the person needs to answer well.
    context: Option<String>,
}

/// What blocking a task returns.
#[derive(serde::Serialize)]
struct Blocked {
    task: chief_domain::task::Task,
    question: chief_domain::question::Question,
}

async fn block(caller: Caller, a: BlockArgs) -> Result<Blocked, ToolError> {
    let question = QuestionRequest {
        text: a.question_text,
        context: a.context,
        why_asking: Some(a.why_asking),
        what_agent_will_do: Some(a.what_agent_will_do),
        priority: Some(a.priority),
        priority_reason: None,
        unblocks: Vec::new(),
    };
    let (task, question) =
        chief_app::question::block_task(&caller.db, &caller.scope, a.task_id, question).await?;
    Ok(Blocked { task, question })
}

async fn create(caller: Caller, a: TaskRequest) -> Result<chief_domain::task::Task, ToolError> {
    Ok(chief_app::task::create(&caller.db, &caller.scope, a, "agent").await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CancelArgs {
    task_id: Uuid,
    /// Why it should not be done.
    reason: String,
}

async fn cancel(caller: Caller, a: CancelArgs) -> Result<chief_domain::task::Task, ToolError> {
    if a.reason.trim().is_empty() {
        return Err(ToolError::Refused(
            "say why the task is cancelled (`reason`)".into(),
        ));
    }
    let reason = Some(a.reason.trim().to_string());
    Ok(
        chief_app::task::transition(&caller.db, &caller.scope, a.task_id, TaskOp::Cancel, reason)
            .await?,
    )
}

/// `task_id`: the task the tool works on.
pub struct TaskKey;

impl IdField for TaskKey {
    const NAME: &'static str = "task_id";
    const DESCRIPTION: &'static str = "The task.";
}

async fn update(
    caller: Caller,
    a: Targeted<TaskKey, TaskChanges>,
) -> Result<chief_domain::task::Task, ToolError> {
    Ok(chief_app::task::update(&caller.db, &caller.scope, a.id, a.request).await?)
}
