//! The bounded reads behind context assembly (`/api/context/task/{id}` and
//! `/api/tasks/next`). Each one has a LIMIT and walks an index, so
//! assembling a task's context costs about the same in a workspace of 100
//! tasks as in one of 100,000: a project's newest tasks, the tasks linked to
//! some people, the newest task titles (for text similarity), the task's
//! audit history, and learnings routed to some entities or learned lately.

use crate::audit::{LOG_COLUMNS, log_from_row};
use crate::task::{TASK_COLUMNS, task_from_row};
use crate::{Db, StoreError, Value, knowledge, person};
use chief_domain::TenantId;
use chief_domain::knowledge::Knowledge;
use chief_domain::log::LogEntry;
use chief_domain::person::Person;
use chief_domain::task::Task;
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
                "SELECT {TASK_COLUMNS}, l.person_id AS link_person FROM tasks \
                 JOIN (SELECT task_id, person_id FROM task_people WHERE tenant_id = $1 AND person_id IN ({ins})) l ON l.task_id = tasks.id \
                 WHERE tasks.tenant_id = $1 AND tasks.deleted_at IS NULL AND tasks.id <> $2 \
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

/// The ids and titles of the newest live tasks, newest first.
pub async fn recent_titles(
    db: &Db,
    tenant: TenantId,
    limit: i64,
) -> Result<Vec<(Uuid, String)>, StoreError> {
    db.fetch_all(
        "SELECT id, title FROM tasks WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2",
        &[tenant.into(), limit.into()],
    )
    .await?
    .iter()
    .map(|r| Ok((r.uuid("id")?, r.text("title")?)))
    .collect()
}

/// Live tasks by id, in the order given; missing ones are skipped.
pub async fn tasks_by_id(db: &Db, tenant: TenantId, ids: &[Uuid]) -> Result<Vec<Task>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let ids = &ids[..ids.len().min(100)];
    let mut args: Vec<Value> = vec![tenant.into()];
    args.extend(ids.iter().map(|i| Value::from(*i)));
    let found: Vec<Task> = db
        .fetch_all(
            &format!(
                "SELECT {TASK_COLUMNS} FROM tasks WHERE tenant_id = $1 AND deleted_at IS NULL AND id IN ({})",
                placeholders(2, ids.len())
            ),
            &args,
        )
        .await?
        .iter()
        .map(task_from_row)
        .collect::<Result<_, _>>()?;
    Ok(ids
        .iter()
        .filter_map(|id| found.iter().find(|t| t.id == *id).cloned())
        .collect())
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

/// The people whose full name appears in `text` as whole words, ignoring
/// case (as [`person::mentioned_in`]), at most `limit`. Only ids and names
/// are read for the match, then the matched people in full: cheaper than
/// loading every person when a workspace has thousands.
pub async fn people_named_in(
    db: &Db,
    tenant: TenantId,
    text: &str,
    limit: usize,
) -> Result<Vec<Person>, StoreError> {
    let words = words_of(text);
    if words.is_empty() {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    for (id, name) in person::names(db, tenant).await? {
        let name = words_of(&name);
        if !name.is_empty() && words.windows(name.len()).any(|w| w == name.as_slice()) {
            out.push(person::get(db, tenant, id).await?);
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}
