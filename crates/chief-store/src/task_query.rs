//! Reading tasks in bulk: filtered, paginated lists, and the two queues —
//! the person's (`chief next`, ordered by urgency) and the agent's (seed
//! 003's `/tasks/next`, by priority then age).

use crate::conn::Where;
use crate::task::{TASK_COLUMNS, task_from_row};
use crate::{Backend, Db, Listing, Page, StoreError, Value};
use chief_domain::task::{Assignee, Task, TaskStatus};
use chief_domain::{Priority, TenantId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// How a list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TaskSort {
    /// Newest first.
    #[default]
    Created,
    /// Highest priority first, then oldest.
    Priority,
    /// Soonest due first; undated last.
    Due,
    /// Most recently changed first.
    Updated,
    /// Oldest first (exports).
    Oldest,
}

/// Filters for listing tasks. Empty fields do not filter.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    pub statuses: Vec<TaskStatus>,
    pub user_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub assignee: Option<Assignee>,
    pub priority: Option<Priority>,
    pub due_before: Option<DateTime<Utc>>,
    pub due_after: Option<DateTime<Utc>>,
    pub tag: Option<String>,
    pub context: Option<String>,
    /// Only tasks completed at or after this instant.
    pub completed_after: Option<DateTime<Utc>>,
    pub sort: TaskSort,
}

fn json_array_contains(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("EXISTS (SELECT 1 FROM json_each({column}) WHERE value = ?)"),
        Backend::Postgres => format!("{column} @> jsonb_build_array(?::text)"),
    }
}

/// A page of tasks matching `filter`, with the total count.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    filter: &TaskFilter,
    page: Page,
) -> Result<Listing<Task>, StoreError> {
    let (where_sql, args, order) = query(db, tenant, filter);
    crate::conn::page_of(
        db,
        "tasks",
        TASK_COLUMNS,
        &where_sql,
        args,
        order,
        page,
        task_from_row,
    )
    .await
}

/// The first `limit` tasks matching `filter`, without counting them all: a
/// list that shows a screenful does not pay for a count over a large
/// workspace.
pub async fn first(
    db: &Db,
    tenant: TenantId,
    filter: &TaskFilter,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    let (where_sql, args, order) = query(db, tenant, filter);
    let page = Page::new(limit, 0);
    crate::conn::items_of(
        db,
        "tasks",
        TASK_COLUMNS,
        &where_sql,
        args,
        order,
        page,
        task_from_row,
    )
    .await
}

/// The filter's WHERE clause, its arguments and the ORDER BY of its sort.
fn query(db: &Db, tenant: TenantId, filter: &TaskFilter) -> (String, Vec<Value>, &'static str) {
    let mut w = Where::new(tenant);
    w.clauses.push("deleted_at IS NULL".into());
    if !filter.statuses.is_empty() {
        let list = filter
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        w.clauses.push(format!("status IN ({list})"));
    }
    if let Some(u) = filter.user_id {
        w.push("user_id = ?", u.into());
    }
    if let Some(p) = filter.project_id {
        w.push("project_id = ?", p.into());
    }
    if let Some(a) = filter.assignee {
        w.push("assignee = ?", a.as_str().into());
    }
    if let Some(p) = filter.priority {
        w.push("priority = ?", p.into());
    }
    if let Some(d) = filter.due_before {
        w.push("due_date < ?", d.into());
    }
    if let Some(d) = filter.due_after {
        w.push("due_date >= ?", d.into());
    }
    if let Some(d) = filter.completed_after {
        w.push("completed_at >= ?", d.into());
    }
    if let Some(t) = &filter.tag {
        w.push(
            &json_array_contains(db.backend(), "tags"),
            t.trim_start_matches('#').into(),
        );
    }
    if let Some(c) = &filter.context {
        w.push(
            &json_array_contains(db.backend(), "contexts"),
            c.trim_start_matches('@').into(),
        );
    }
    let order = match filter.sort {
        TaskSort::Created => "created_at DESC, id DESC",
        TaskSort::Priority => "priority, created_at, id",
        // A due range leaves out tasks with no due date, so the order can
        // follow the due-date index and stop at the limit instead of
        // sorting every match (a month's view: 40 ms to 3 ms on SQLite).
        TaskSort::Due if filter.due_after.is_some() || filter.due_before.is_some() => {
            "due_date, priority, id"
        }
        TaskSort::Due => "due_date IS NULL, due_date, priority, id",
        TaskSort::Updated => "updated_at DESC, id DESC",
        TaskSort::Oldest => "created_at, id",
    };
    (w.sql(), w.args, order)
}

/// A task in a queue, with its urgency.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Ranked {
    pub urgency: f64,
    #[serde(flatten)]
    pub task: Task,
}

/// The person's queue, most urgent first: open tasks assigned to the user,
/// leaving out blocked ones and those waiting on someone else.
///
/// Urgency is a sum of bounded parts, and being overdue outweighs all the
/// others, so the queue is read in tiers whose best possible urgency only
/// falls: overdue tasks by priority, then the rest by priority. Reading
/// stops once the `limit`th task found beats the next tier's best, so a
/// person with 50,000 open tasks costs a few thousand scored rows, not all
/// of them.
pub async fn next_for_user(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Ranked>, StoreError> {
    let w = chief_brain::urgency::weights();
    let limit = limit.clamp(1, Page::MAX_LIMIT);
    let mut best: Vec<Ranked> = Vec::new();
    for overdue in [true, false] {
        for priority in 1..=5_i64 {
            let ceiling = w.ceiling(Priority::try_from(priority).expect("1 to 5"), overdue);
            if best.len() as i64 >= limit && best[best.len() - 1].urgency > ceiling {
                return Ok(best);
            }
            let tier = if overdue {
                "due_date < $3"
            } else {
                "(due_date IS NULL OR due_date >= $3)"
            };
            best.extend(ranked_tier(db, &w, tenant, user_id, now, priority, tier, limit).await?);
            best.sort_by(|a, b| {
                let key = |r: &Ranked| {
                    (
                        r.task.due_date.is_none(),
                        r.task.due_date,
                        r.task.created_at,
                        r.task.id,
                    )
                };
                b.urgency
                    .total_cmp(&a.urgency)
                    .then_with(|| key(a).cmp(&key(b)))
            });
            best.truncate(limit as usize);
        }
    }
    Ok(best)
}

/// The `limit` most urgent of one tier of the person's queue: tasks of one
/// `priority`, overdue or not (`tier`, a condition on `$3`, now).
#[allow(clippy::too_many_arguments)]
async fn ranked_tier(
    db: &Db,
    w: &chief_brain::urgency::Urgency,
    tenant: TenantId,
    user_id: Uuid,
    now: DateTime<Utc>,
    priority: i64,
    tier: &str,
    limit: i64,
) -> Result<Vec<Ranked>, StoreError> {
    let now = crate::value::micros(now);
    let mut args: Vec<Value> = vec![tenant.into(), user_id.into(), now.into(), priority.into()];
    let mut bind = |v: Value| {
        args.push(v);
        format!("${}", args.len())
    };
    let due_cases = w
        .due_bands
        .iter()
        .map(|(within, pts)| {
            format!(
                "WHEN due_date < {} THEN {pts:.2}",
                bind((now + *within).into())
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let age_cases = w
        .age_bands
        .iter()
        .map(|(older, pts)| {
            format!(
                "WHEN created_at < {} THEN {pts:.2}",
                bind((now - *older).into())
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let limit_ph = bind(limit.into());
    let score = format!(
        "((6 - priority) * {step:.2} \
          + CASE WHEN due_date IS NOT NULL AND due_date < $3 THEN {overdue:.2} ELSE 0 END \
          + CASE WHEN due_date IS NULL THEN 0 {due_cases} ELSE 0 END \
          + CASE {age_cases} ELSE 0 END \
          + CASE WHEN status = 'working' THEN {working:.2} ELSE 0 END)",
        step = w.priority_step,
        overdue = w.overdue,
        working = w.working,
    );
    // Scored and ordered from the index alone (idx_tasks_user_queue holds
    // every column the score reads); only the tasks kept are read whole.
    // NOT IN builds the set of waiting tasks once; a correlated NOT EXISTS
    // would probe waiting_items for every open task.
    let sql = format!(
        "SELECT {TASK_COLUMNS}, r.urgency FROM (\
           SELECT id AS rid, due_date AS r_due, created_at AS r_created, CAST({score} AS DOUBLE PRECISION) AS urgency FROM tasks \
           WHERE tenant_id = $1 AND user_id = $2 AND assignee = 'user' AND status IN ('queued', 'working') AND deleted_at IS NULL \
             AND priority = $4 AND {tier} \
             AND id NOT IN (SELECT wi.task_id FROM waiting_items wi WHERE wi.tenant_id = $1 AND wi.status = 'waiting' AND wi.task_id IS NOT NULL) \
           ORDER BY urgency DESC, due_date IS NULL, due_date, created_at, id LIMIT {limit_ph}) r \
         JOIN tasks ON tasks.id = r.rid AND tasks.tenant_id = $1 \
         ORDER BY r.urgency DESC, r.r_due IS NULL, r.r_due, r.r_created, r.rid"
    );
    let sql = match db.backend() {
        Backend::Sqlite => sql.replace("DOUBLE PRECISION", "REAL"),
        Backend::Postgres => sql,
    };
    db.fetch_all(&sql, &args)
        .await?
        .iter()
        .map(|r| {
            Ok(Ranked {
                urgency: r.float("urgency")?,
                task: task_from_row(r)?,
            })
        })
        .collect()
}

/// The agent's queue, as seed 003's `/tasks/next` orders it: queued tasks
/// assigned to the agent, highest priority first, then soonest due, then
/// oldest.
pub async fn next_for_agent(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    let sql = format!(
        "SELECT {TASK_COLUMNS} FROM tasks WHERE tenant_id = $1 AND user_id = $2 AND assignee = 'agent' AND status = 'queued' AND deleted_at IS NULL \
         ORDER BY priority, due_date IS NULL, due_date, created_at, id LIMIT $3"
    );
    db.fetch_all(
        &sql,
        &[
            tenant.into(),
            user_id.into(),
            limit.clamp(1, Page::MAX_LIMIT).into(),
        ],
    )
    .await?
    .iter()
    .map(task_from_row)
    .collect()
}
