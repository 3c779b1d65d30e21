//! What a worker is handed for a task: the next task in a queue with its
//! assembled context and the playbooks it calls for (`GET /api/tasks/next`,
//! the `get_next_task` tool), or one task's context (`GET
//! /api/context/task/{id}`, the `get_task_context` tool). One definition
//! serves the API, the CLI and the agent's tools.

use crate::task_context::{assemble, budget};
use chief_brain::context_items::AssembledContext;
use chief_domain::task::{Assignee, Task};
use chief_domain::{DomainError, TenantId};
use chief_store::task_playbooks::{self, MustConsultWarning, TaskPlaybook};
use chief_store::{Db, StoreError, task, task_query};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A task and its assembled context.
#[derive(Serialize, JsonSchema)]
pub struct TaskContext {
    pub task: Task,
    #[serde(flatten)]
    pub context: AssembledContext,
}

/// Task `id` with its context, within `requested` tokens (else the
/// person's setting, else the default).
pub async fn for_task(
    db: &Db,
    tenant: TenantId,
    user: Uuid,
    id: Uuid,
    requested: Option<i64>,
    now: DateTime<Utc>,
) -> Result<TaskContext, StoreError> {
    let budget = budget(db, tenant, user, requested).await?;
    let task = task::get(db, tenant, id).await?;
    let active = task_playbooks::active(db, tenant).await?;
    let found = task_playbooks::matched_for(&task, &active);
    let context = assemble(db, tenant, &task, &found, budget, now).await?;
    Ok(TaskContext { task, context })
}

/// The next task to work on, handed over with what to know first.
#[derive(Serialize, JsonSchema)]
pub struct NextTask {
    pub task: Option<Task>,
    /// The task's assembled context, as `GET /api/context/task/{id}` gives
    /// it without the task; null when the queue is empty. The task's own
    /// context JSON stays in `task.context`.
    pub context: Option<AssembledContext>,
    /// The active playbooks the task calls for, best first.
    pub matched_playbooks: Vec<TaskPlaybook>,
    /// The must-consult playbooks relevant to the task: read them first.
    pub must_consult_warnings: Vec<MustConsultWarning>,
}

/// Which queue to take the next task from, and the context's budget: the
/// query of `GET /api/tasks/next` and the `get_next_task` tool's arguments.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NextRequest {
    /// `agent` (default) or `user`.
    pub assignee: Option<String>,
    /// The context's token budget, 1 to 200,000; the setting
    /// `context.token_budget` or 4,000 when absent.
    pub budget: Option<i64>,
}

impl NextRequest {
    /// The queue asked for: the agent's unless `user` is named.
    pub fn assignee(&self) -> Result<Assignee, DomainError> {
        self.assignee
            .as_deref()
            .map(Assignee::parse)
            .transpose()
            .map(|a| a.unwrap_or(Assignee::Agent))
    }
}

/// The head of `assignee`'s queue for `user`: the agent's in seed 003's
/// order, the person's by urgency at `now`.
pub async fn next(
    db: &Db,
    tenant: TenantId,
    user: Uuid,
    assignee: Assignee,
    requested: Option<i64>,
    now: DateTime<Utc>,
) -> Result<NextTask, StoreError> {
    let task = match assignee {
        Assignee::Agent => task_query::next_for_agent(db, tenant, user, 1)
            .await?
            .into_iter()
            .next(),
        Assignee::User => task_query::next_for_user(db, tenant, user, now, 1)
            .await?
            .into_iter()
            .next()
            .map(|r| r.task),
    };
    let Some(t) = &task else {
        return Ok(NextTask {
            task: None,
            context: None,
            matched_playbooks: Vec::new(),
            must_consult_warnings: Vec::new(),
        });
    };
    let budget = budget(db, tenant, user, requested).await?;
    let active = task_playbooks::active(db, tenant).await?;
    let found = task_playbooks::matched_for(t, &active);
    let (matched_playbooks, must_consult_warnings) = task_playbooks::shown(&found);
    let context = assemble(db, tenant, t, &found, budget, now).await?;
    Ok(NextTask {
        context: Some(context),
        task,
        matched_playbooks,
        must_consult_warnings,
    })
}
