//! The bounded reads behind context assembly (`/api/context/task/{id}` and
//! `/api/tasks/next`). Each one has a LIMIT and walks an index, so
//! assembling a task's context costs about the same in a workspace of 100
//! tasks as in one of 100,000: a project's newest tasks, the tasks linked to
//! some people, the newest tasks in brief (for title similarity), the task's
//! audit history, and learnings routed to some entities or learned lately.

use crate::audit::{LOG_COLUMNS, log_from_row};
use crate::task::{TASK_COLUMNS, task_from_row};
use crate::{Db, StoreError, Value, knowledge, person};
use chief_brain::context_items::TaskBrief;
use chief_domain::knowledge::Knowledge;
use chief_domain::log::LogEntry;
use chief_domain::person::{Person, TaskPersonRole};
use chief_domain::task::Task;
use chief_domain::{Priority, TenantId};
use uuid::Uuid;

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The newest live tasks of a project other than `exclude`.
pub async fn project_tasks(
    db: &Db,
    tenant: TenantId,
    project_id: Uuid,
    exclude: Uuid,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE tenant_id = $1 AND project_id = $2 AND deleted_at IS NULL AND id <> $3 \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        ),
        &[tenant.into(), project_id.into(), exclude.into(), limit.into()],
    )
    .await?
    .iter()
    .map(task_from_row)
    .collect()
}

/// The newest live tasks other than `exclude` linked to any of `people`,
/// each with the ones of `people` it is linked to.
pub async fn tasks_of_people(
    db: &Db,
    tenant: TenantId,
    people: &[Uuid],
    exclude: Uuid,
    limit: i64,
) -> Result<Vec<(Task, Vec<Uuid>)>, StoreError> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    let people = &people[..people.len().min(50)];
    let mut args: Vec<Value> = vec![tenant.into(), exclude.into(), limit.into()];
    args.extend(people.iter().map(|p| Value::from(*p)));
    let rows = db
        .fetch_all(
            &format!(
                // CROSS JOIN keeps the people's links first: with a plain
                // JOIN SQLite walks the tenant's tasks newest first and
                // probes each for a link (60 ms at 100,000 tasks for
                // someone with none); this sorts only the linked tasks.
                "SELECT {TASK_COLUMNS}, l.person_id AS link_person \
                 FROM (SELECT task_id, person_id FROM task_people WHERE tenant_id = $1 AND person_id IN ({ins})) l \
                 CROSS JOIN tasks \
                 WHERE tasks.id = l.task_id AND tasks.tenant_id = $1 AND tasks.deleted_at IS NULL AND tasks.id <> $2 \
                 ORDER BY tasks.created_at DESC, tasks.id DESC LIMIT $3",
                ins = placeholders(4, people.len()),
            ),
            &args,
        )
        .await?;
    let mut out: Vec<(Task, Vec<Uuid>)> = Vec::new();
    for r in &rows {
        let task = task_from_row(r)?;
        let person = r.uuid("link_person")?;
        match out.iter_mut().find(|(t, _)| t.id == task.id) {
            Some((_, ps)) => ps.push(person),
            None => out.push((task, vec![person])),
        }
    }
    Ok(out)
}

/// The newest live tasks in brief, newest first (for title similarity).
pub async fn recent_briefs(
    db: &Db,
    tenant: TenantId,
    limit: i64,
) -> Result<Vec<TaskBrief>, StoreError> {
    db.fetch_all(
        "SELECT id, title, status, priority, due_date, project_id, created_at FROM tasks \
         WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2",
        &[tenant.into(), limit.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(TaskBrief {
            id: r.uuid("id")?,
            title: r.text("title")?,
            status: r.parse("status")?,
            priority: Priority::try_from(r.int("priority")?)?,
            due_date: r.opt_ts("due_date")?,
            project_id: r.opt_uuid("project_id")?,
            created_at: r.ts("created_at")?,
        })
    })
    .collect()
}

/// Live tasks by id, in the order given (up to 100); missing ones are
/// skipped. One query whose ids come first: with `id IN (…) AND tenant_id
/// = …` SQLite's planner walks the tenant's index instead (50 ms on 100,000
/// tasks), while `CROSS JOIN` makes it probe the primary key for each id.
pub async fn tasks_by_id(db: &Db, tenant: TenantId, ids: &[Uuid]) -> Result<Vec<Task>, StoreError> {
    let ids = &ids[..ids.len().min(100)];
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut args: Vec<Value> = vec![tenant.into()];
    args.extend(ids.iter().map(|id| Value::from(*id)));
    let values = (2..ids.len() + 2)
        .map(|i| format!("(${i})"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut found: Vec<Task> = db
        .fetch_all(
            &format!(
                "SELECT {TASK_COLUMNS} FROM (VALUES {values}) wanted CROSS JOIN tasks \
                 WHERE tasks.id = wanted.column1 AND tasks.tenant_id = $1 AND tasks.deleted_at IS NULL"
            ),
            &args,
        )
        .await?
        .iter()
        .map(task_from_row)
        .collect::<Result<_, _>>()?;
    found.sort_by_key(|t| ids.iter().position(|id| *id == t.id));
    Ok(found)
}

/// The people linked to a task, with their role, by name. Reads the links
/// first and then each person, so the planner cannot choose to walk the
/// tenant's people in name order instead (8 ms with 5,000 people).
pub async fn linked_people(
    db: &Db,
    tenant: TenantId,
    task_id: Uuid,
) -> Result<Vec<(Person, Option<TaskPersonRole>)>, StoreError> {
    let links = db
        .fetch_all(
            "SELECT person_id, role FROM task_people WHERE tenant_id = $1 AND task_id = $2 LIMIT 100",
            &[tenant.into(), task_id.into()],
        )
        .await?;
    let mut out = Vec::with_capacity(links.len());
    for r in &links {
        let role = r.opt_text("role")?.map(|s| s.parse()).transpose()?;
        out.push((person::get(db, tenant, r.uuid("person_id")?).await?, role));
    }
    out.sort_by(|a, b| a.0.name.cmp(&b.0.name).then(a.0.id.cmp(&b.0.id)));
    Ok(out)
}

/// A task's audit log, newest first.
pub async fn task_history(
    db: &Db,
    tenant: TenantId,
    task_id: Uuid,
    limit: i64,
) -> Result<Vec<LogEntry>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {LOG_COLUMNS} FROM logs WHERE tenant_id = $1 AND entity_type = 'task' AND entity_id = $2 ORDER BY seq DESC LIMIT $3"
        ),
        &[tenant.into(), task_id.into(), limit.into()],
    )
    .await?
    .iter()
    .map(log_from_row)
    .collect()
}

/// Learnings routed to any of `targets` (people, a project, a client),
/// newest first.
pub async fn knowledge_routed_to(
    db: &Db,
    tenant: TenantId,
    targets: &[Uuid],
    limit: i64,
) -> Result<Vec<Knowledge>, StoreError> {
    if targets.is_empty() {
        return Ok(vec![]);
    }
    let targets = &targets[..targets.len().min(50)];
    let mut args: Vec<Value> = vec![tenant.into(), limit.into()];
    args.extend(targets.iter().map(|t| Value::from(*t)));
    db.fetch_all(
        &format!(
            "SELECT {cols} FROM knowledge WHERE tenant_id = $1 AND status = 'routed' AND routed_to_id IN ({ins}) \
             ORDER BY learned_at DESC, id LIMIT $2",
            cols = knowledge::COLUMNS,
            ins = placeholders(3, targets.len()),
        ),
        &args,
    )
    .await?
    .iter()
    .map(knowledge::from_row)
    .collect()
}

/// The newest learnings that are not dismissed, for matching by text.
pub async fn recent_knowledge(
    db: &Db,
    tenant: TenantId,
    limit: i64,
) -> Result<Vec<Knowledge>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {} FROM knowledge WHERE tenant_id = $1 AND status <> 'dismissed' ORDER BY learned_at DESC, id LIMIT $2",
            knowledge::COLUMNS
        ),
        &[tenant.into(), limit.into()],
    )
    .await?
    .iter()
    .map(knowledge::from_row)
    .collect()
}
