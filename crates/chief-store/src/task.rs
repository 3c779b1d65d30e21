//! The task repository: create, read, update, lifecycle transitions, soft
//! delete. Every change is audited (`task.created`, `task.updated`,
//! `task.status_changed`, `task.deleted`) in the same transaction.

use crate::conn::{Conn, by_id};
use crate::fields::{check_text, snapshot};
use crate::new_id;
use crate::value::Row;
use crate::{Change, StoreError, Tx, Value};
use chief_domain::event::{action, verb};
use chief_domain::question::{NewQuestion, Question};
use chief_domain::task::{Assignee, NewTask, Task, TaskOp, TaskPatch, TaskStatus, validate_title};
use chief_domain::{Priority, TenantId};
use uuid::Uuid;

pub(crate) const TASK_COLUMNS: &str = "id, tenant_id, user_id, project_id, title, description, priority, status, assignee, due_date, due_has_time, started_at, completed_at, blocking_question_id, context, output, source, tags, contexts, attributes, created_at, updated_at, deleted_at";

pub(crate) fn task_from_row(r: &Row) -> Result<Task, StoreError> {
    Ok(Task {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        project_id: r.opt_uuid("project_id")?,
        title: r.text("title")?,
        description: r.opt_text("description")?,
        priority: Priority::try_from(r.int("priority")?)?,
        status: r.parse("status")?,
        assignee: r.parse("assignee")?,
        due_date: r.opt_ts("due_date")?,
        due_has_time: r.bool("due_has_time")?,
        started_at: r.opt_ts("started_at")?,
        completed_at: r.opt_ts("completed_at")?,
        blocking_question_id: r.opt_uuid("blocking_question_id")?,
        context: r.json("context")?,
        output: r.opt_text("output")?,
        source: r.opt_text("source")?,
        tags: r.json_as("tags")?,
        contexts: r.json_as("contexts")?,
        attributes: r.json_as("attributes")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
        deleted_at: r.opt_ts("deleted_at")?,
    })
}

fn clean_labels(labels: &[String], field: &'static str) -> Result<Vec<String>, StoreError> {
    let mut out: Vec<String> = Vec::new();
    for l in labels {
        let l = l.trim().trim_start_matches(['#', '@', '+']).to_string();
        if l.is_empty() {
            continue;
        }
        if l.len() > 100 || l.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(StoreError::invalid(
                field,
                format!("{l:?} must be one word of at most 100 characters"),
            ));
        }
        if !out.contains(&l) {
            out.push(l);
        }
    }
    Ok(out)
}

/// Checks that a referenced row exists in the transaction's tenant.
pub(crate) async fn ensure_in_tenant(
    tx: &mut Tx,
    table: &'static str,
    entity: &'static str,
    id: Uuid,
) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let sql = format!("SELECT 1 AS one FROM {table} WHERE tenant_id = $1 AND id = $2");
    tx.fetch_optional(&sql, &[tenant.into(), id.into()])
        .await?
        .map(|_| ())
        .ok_or_else(|| StoreError::not_found(entity, id))
}

/// Creates a task for `user_id` in the transaction's tenant.
pub async fn create(tx: &mut Tx, user_id: Uuid, new: NewTask) -> Result<Task, StoreError> {
    let title = validate_title(&new.title)?;
    check_text("title", &Some(title.clone()))?;
    check_text("description", &new.description)?;
    if let Some(project) = new.project_id {
        ensure_in_tenant(tx, "projects", "project", project).await?;
    }
    let tags = clean_labels(&new.tags, "tag")?;
    let contexts = clean_labels(&new.contexts, "context")?;
    let id = new_id();
    let now = tx.now();
    let status = new.status.unwrap_or(TaskStatus::Queued);
    let completed_at = match status {
        TaskStatus::Completed | TaskStatus::Cancelled => Some(new.completed_at.unwrap_or(now)),
        _ => None,
    };
    let args = [
        id.into(),
        tx.tenant().into(),
        user_id.into(),
        new.project_id.into(),
        title.into(),
        new.description.clone().into(),
        new.priority.unwrap_or_default().into(),
        status.as_str().into(),
        new.assignee.unwrap_or(Assignee::Agent).as_str().into(),
        new.due_date.map(crate::value::micros).into(),
        new.due_has_time.into(),
        completed_at.into(),
        Value::json(&new.context.clone().unwrap_or_else(|| serde_json::json!({}))),
        new.source.clone().into(),
        Value::json(&tags),
        Value::json(&contexts),
        Value::json(&new.attributes),
        new.created_at
            .map(crate::value::micros)
            .unwrap_or(now)
            .into(),
        now.into(),
    ];
    let row = tx
        .fetch_optional(
            &format!(
                "INSERT INTO tasks (id, tenant_id, user_id, project_id, title, description, priority, status, assignee, due_date, due_has_time, completed_at, context, source, tags, contexts, attributes, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING {TASK_COLUMNS}"
            ),
            &args,
        )
        .await?
        .ok_or_else(|| StoreError::not_found("task", id))?;
    let task = task_from_row(&row)?;
    tx.audit_new("task", verb::CREATED, "task", &task, id)
        .await?;
    Ok(task)
}

/// A task of the tenant; soft-deleted tasks are not found.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Task, StoreError> {
    task_from_row(
        &by_id(
            conn.into(),
            "tasks",
            TASK_COLUMNS,
            " AND deleted_at IS NULL",
            "task",
            tenant,
            id,
        )
        .await?,
    )
}

/// Applies a partial update.
/// Updates a task only if it is as the editor saw it: `seen` is its
/// `updated_at` when the edit form was loaded. A task changed since (by
/// the agent or another person) is a conflict, so an edit never silently
/// overwrites a change its author did not see.
pub async fn update_unchanged_since(
    tx: &mut Tx,
    id: Uuid,
    seen: chrono::DateTime<chrono::Utc>,
    patch: TaskPatch,
) -> Result<Task, StoreError> {
    // Held until commit, so no write can land between the check and ours.
    tx.lock_tenant().await?;
    let tenant = tx.tenant();
    let current = get(&mut *tx, tenant, id).await?;
    if crate::value::micros(current.updated_at) != crate::value::micros(seen) {
        return Err(StoreError::Conflict(format!(
            "\"{}\" changed since you opened it; reload to see the change, then edit again",
            current.title
        )));
    }
    update(tx, id, patch).await
}

pub async fn update(tx: &mut Tx, id: Uuid, patch: TaskPatch) -> Result<Task, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let mut after = before.clone();
    if let Some(t) = patch.title {
        after.title = validate_title(&t)?;
        check_text("title", &Some(after.title.clone()))?;
    }
    if let Some(d) = patch.description {
        check_text("description", &d)?;
        after.description = d;
    }
    if let Some(p) = patch.priority {
        after.priority = p;
    }
    if let Some(a) = patch.assignee {
        after.assignee = a;
    }
    if let Some(p) = patch.project_id {
        if let Some(pid) = p {
            ensure_in_tenant(tx, "projects", "project", pid).await?;
        }
        after.project_id = p;
    }
    if let Some(d) = patch.due_date {
        after.due_date = d.map(crate::value::micros);
    }
    if let Some(h) = patch.due_has_time {
        after.due_has_time = h;
    }
    if let Some(t) = patch.tags {
        after.tags = clean_labels(&t, "tag")?;
    }
    if let Some(c) = patch.contexts {
        after.contexts = clean_labels(&c, "context")?;
    }
    if let Some(o) = patch.output {
        check_text("output", &o)?;
        after.output = o;
    }
    let changes = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    after.updated_at = tx.now();
    tx.execute(
        "UPDATE tasks SET title = $3, description = $4, priority = $5, assignee = $6, project_id = $7, due_date = $8, due_has_time = $9, tags = $10, contexts = $11, output = $12, updated_at = $13 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            after.title.as_str().into(),
            after.description.clone().into(),
            after.priority.into(),
            after.assignee.as_str().into(),
            after.project_id.into(),
            after.due_date.into(),
            after.due_has_time.into(),
            Value::json(&after.tags),
            Value::json(&after.contexts),
            after.output.clone().into(),
            after.updated_at.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("task", verb::UPDATED),
        entity_type: "task",
        entity_id: id,
        details: changes,
    })
    .await?;
    Ok(after)
}

/// Moves a task through its lifecycle (start, pause, complete, cancel,
/// reopen, unblock). Blocking goes through [`block`], which also asks the
/// question.
pub async fn transition(
    tx: &mut Tx,
    id: Uuid,
    op: TaskOp,
    output: Option<String>,
) -> Result<Task, StoreError> {
    if op == TaskOp::Block {
        return Err(StoreError::invalid(
            "operation",
            "block a task with a question (tasks::block)",
        ));
    }
    check_text("output", &output)?;
    let tenant = tx.tenant();
    let task = get(&mut *tx, tenant, id).await?;
    let next = task.status.apply(op)?;
    set_status(tx, task, next, output, None).await
}

async fn set_status(
    tx: &mut Tx,
    task: Task,
    next: TaskStatus,
    output: Option<String>,
    blocker: Option<Uuid>,
) -> Result<Task, StoreError> {
    let now = tx.now();
    let mut after = task.clone();
    after.status = next;
    after.updated_at = now;
    match next {
        TaskStatus::Working => after.started_at = Some(now),
        TaskStatus::Completed | TaskStatus::Cancelled => after.completed_at = Some(now),
        TaskStatus::Queued => {
            after.completed_at = None;
            after.blocking_question_id = None;
        }
        TaskStatus::Blocked => after.blocking_question_id = blocker,
    }
    if output.is_some() {
        after.output = output;
    }
    let tenant = tx.tenant();
    tx.execute(
        "UPDATE tasks SET status = $3, started_at = $4, completed_at = $5, blocking_question_id = $6, output = $7, updated_at = $8 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            task.id.into(),
            next.as_str().into(),
            after.started_at.into(),
            after.completed_at.into(),
            after.blocking_question_id.into(),
            after.output.clone().into(),
            now.into(),
        ],
    )
    .await?;
    let mut details = chief_domain::log::diff(&snapshot(&task), &snapshot(&after));
    details["from"] = task.status.as_str().into();
    details["to"] = next.as_str().into();
    tx.audit(Change {
        action: action("task", verb::STATUS_CHANGED),
        entity_type: "task",
        entity_id: task.id,
        details,
    })
    .await?;
    Ok(after)
}

/// Blocks a task with a question for a person, in one transaction: the
/// question is created, linked as the task's blocker and in
/// `question_unblocks`, and the task becomes blocked.
pub async fn block(
    tx: &mut Tx,
    id: Uuid,
    question: NewQuestion,
) -> Result<(Task, Question), StoreError> {
    let tenant = tx.tenant();
    let task = get(&mut *tx, tenant, id).await?;
    let next = task.status.apply(TaskOp::Block)?;
    let q = crate::question::create(tx, task.user_id, question, &[task.id]).await?;
    let blocked = set_status(tx, task, next, None, Some(q.id)).await?;
    Ok((blocked, q))
}

/// Unblocks every task the question blocks (after it was answered or
/// dismissed); returns the tasks that were unblocked.
pub async fn unblock_for_question(tx: &mut Tx, question_id: Uuid) -> Result<Vec<Task>, StoreError> {
    let tenant = tx.tenant();
    let cols = TASK_COLUMNS
        .split(", ")
        .map(|c| format!("t.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {cols} FROM tasks t JOIN question_unblocks qu ON qu.task_id = t.id \
         WHERE qu.tenant_id = $1 AND qu.question_id = $2 AND t.tenant_id = $1 AND t.status = 'blocked' AND t.deleted_at IS NULL ORDER BY t.created_at"
    );
    let rows = tx
        .fetch_all(&sql, &[tenant.into(), question_id.into()])
        .await?;
    let mut unblocked = Vec::new();
    for row in rows {
        let task = task_from_row(&row)?;
        let next = task.status.apply(TaskOp::Unblock)?;
        unblocked.push(set_status(tx, task, next, None, None).await?);
    }
    Ok(unblocked)
}

/// Soft-deletes a task: it disappears from every list but stays in the
/// audit history.
pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let task = get(&mut *tx, tenant, id).await?;
    let now = tx.now();
    tx.execute(
        "UPDATE tasks SET deleted_at = $3, updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("task", verb::DELETED),
        entity_type: "task",
        entity_id: id,
        details: serde_json::json!({"title": task.title}),
    })
    .await?;
    Ok(())
}
