//! Working a task, as the API, the CLI and the agent's tools all do it:
//! starting hands over the playbooks to read (and records that they were
//! read); completing records the output, routes what was learned, creates
//! the follow-ups and notes any must-consult playbook that was skipped, all
//! in one transaction.

use crate::knowledge_routing::{self, Routed};
use crate::requests::{FollowUp, Learning};
use chief_domain::playbook::Playbook;
use chief_domain::task::{NewTask, Task, TaskOp};
use chief_domain::{DomainError, TenantId};
use chief_store::knowledge::{self, KnowledgeFilter};
use chief_store::task_playbooks::{self, MustConsultWarning};
use chief_store::{Db, Page, Scope, StoreError, playbook, task};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What starting a task returns: the task, its context, and the playbooks
/// to read before the work (matched ones, best first, then the relevant
/// must-consult ones).
#[derive(Serialize, JsonSchema)]
pub struct Started {
    pub task: Task,
    pub context: serde_json::Value,
    pub playbooks: Vec<Playbook>,
}

/// Marks task `id` working and hands over the playbooks it calls for.
pub async fn start(db: &Db, scope: &Scope, id: Uuid) -> Result<Started, StoreError> {
    let active = task_playbooks::active(db, scope.tenant).await?;
    let mut tx = db.write(scope).await?;
    let task = task::transition(&mut tx, id, TaskOp::Start, None).await?;
    // Handing the playbooks over is reading them: each records a use, which
    // completion checks must-consult playbooks against.
    let mut playbooks = Vec::new();
    for p in task_playbooks::to_read(&task, &active) {
        playbooks.push(playbook::record_use(&mut tx, p.id).await?);
    }
    tx.commit().await?;
    Ok(Started {
        context: task.context.clone(),
        task,
        playbooks,
    })
}

/// What completing a task records besides its status: the output, what
/// was learned and the tasks to do next. Seed 003's capture step says what
/// was learned one way: the learnings themselves, `learnings_captured` when
/// they were captured already, or `nothing_learned`.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TaskComplete")]
pub struct Completion {
    /// What was done: the result, a summary, links to drafts.
    pub output: Option<String>,
    /// What was learned, each routed as a knowledge capture is, with the
    /// task as its source: text, or `{content, category, trigger_phrase}`.
    /// The agent's `complete_task` also takes it as `learnings`.
    #[serde(default, alias = "learnings")]
    pub knowledge_captured: Vec<Learning>,
    /// True when this task's learnings were captured already (a knowledge
    /// capture giving the task as `source_task_id`); at least one must
    /// have been.
    #[serde(default)]
    pub learnings_captured: bool,
    /// True, instead of learnings, when nothing was learned.
    #[serde(default)]
    pub nothing_learned: bool,
    /// Created in the task's project, pointing back at it.
    #[serde(default)]
    pub follow_up_tasks: Vec<FollowUp>,
}

impl Completion {
    /// The first learning whose category is not one, with its place in
    /// `knowledge_captured`, for a caller that points at the field.
    pub fn bad_category(&self) -> Option<(usize, DomainError)> {
        self.knowledge_captured
            .iter()
            .enumerate()
            .find_map(|(i, l)| l.check_category().err().map(|e| (i, e)))
    }
}

/// Checks how `completion` answers the capture step for task `id`: at most
/// one way, no empty learning, and `learnings_captured` only when a
/// learning of the task was captured. With `required` (the agent's
/// completion), one way must be given. A refusal names the field at fault
/// and is written for the caller to act on.
pub async fn check_capture(
    db: &Db,
    tenant: TenantId,
    id: Uuid,
    completion: &Completion,
    required: bool,
) -> Result<Result<(), (&'static str, String)>, StoreError> {
    if completion
        .knowledge_captured
        .iter()
        .any(|l| l.content().trim().is_empty())
    {
        return Ok(Err((
            "knowledge_captured",
            "a learning's content must not be empty".into(),
        )));
    }
    let answers = [
        !completion.knowledge_captured.is_empty(),
        completion.learnings_captured,
        completion.nothing_learned,
    ];
    match answers.iter().filter(|given| **given).count() {
        0 if required => {
            return Ok(Err(("knowledge_captured", "capture is mandatory before completing: what did you learn? Pass `knowledge_captured` (your learnings, each with its content), `learnings_captured: true` if you captured them with capture_knowledge, or `nothing_learned: true` if there was truly nothing".into())));
        }
        0 | 1 => {}
        _ => {
            return Ok(Err(("knowledge_captured", "pass only one of `knowledge_captured`, `learnings_captured: true` and `nothing_learned: true`".into())));
        }
    }
    if completion.learnings_captured {
        let filter = KnowledgeFilter {
            source_task_id: Some(id),
            ..Default::default()
        };
        if knowledge::list(db, tenant, &filter, Page::new(1, 0))
            .await?
            .total
            == 0
        {
            return Ok(Err((
                "learnings_captured",
                format!(
                    "no learning was captured for task {id}: capture it first with the task as source_task_id, or pass `knowledge_captured`"
                ),
            )));
        }
    }
    Ok(Ok(()))
}

/// What completing a task returns.
#[derive(Serialize, JsonSchema)]
pub struct Completed {
    pub task: Task,
    /// Each learning and where it was routed.
    pub knowledge: Vec<Routed>,
    pub follow_up_tasks: Vec<Task>,
    /// Relevant must-consult playbooks not read while the task was worked
    /// on (neither returned by its start nor fetched since); each is logged
    /// as `playbook.skipped`. Completion is not refused.
    pub must_consult_warnings: Vec<MustConsultWarning>,
}

/// Completes task `id`, routing its learnings and creating its follow-ups
/// in the same transaction: either all of it is written or none.
pub async fn complete(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    completion: Completion,
) -> Result<Completed, StoreError> {
    let user = scope
        .actor
        .user_id
        .ok_or_else(|| StoreError::invalid("user", "completing a task needs a user"))?;
    if let Err((field, refusal)) = check_capture(db, scope.tenant, id, &completion, false).await? {
        return Err(StoreError::invalid(field, refusal));
    }
    let mut learnings = Vec::with_capacity(completion.knowledge_captured.len());
    for l in completion.knowledge_captured {
        learnings.push(l.into_capture(id)?);
    }
    let mut follow_ups = Vec::with_capacity(completion.follow_up_tasks.len());
    for f in completion.follow_up_tasks {
        follow_ups.push(f.into_new()?);
    }
    let active = task_playbooks::active(db, scope.tenant).await?;
    let mut tx = db.write(scope).await?;
    let task = task::transition(&mut tx, id, TaskOp::Complete, completion.output).await?;
    // Skipping a must-consult playbook does not block; it is answered and logged.
    let must_consult_warnings = task_playbooks::skipped(&mut tx, &task, &active).await?;
    for warning in &must_consult_warnings {
        task_playbooks::record_skip(&mut tx, &task, warning).await?;
    }
    let mut knowledge = Vec::with_capacity(learnings.len());
    for mut capture in learnings {
        capture.source_task_id = Some(id);
        knowledge.push(knowledge_routing::capture(&mut tx, user, capture).await?);
    }
    let mut follow_up_tasks = Vec::with_capacity(follow_ups.len());
    for new in follow_ups {
        let new = NewTask {
            project_id: task.project_id,
            context: Some(serde_json::json!({"follow_up_of": id})),
            source: Some("follow_up".into()),
            ..new
        };
        follow_up_tasks.push(task::create(&mut tx, user, new).await?);
    }
    tx.commit().await?;
    Ok(Completed {
        task,
        knowledge,
        follow_up_tasks,
        must_consult_warnings,
    })
}
