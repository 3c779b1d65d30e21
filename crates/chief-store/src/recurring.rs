//! The recurring-task repository: templates that become tasks on a
//! schedule.
//!
//! The scheduler asks for the [`due`] templates, creates their tasks, then
//! records the run with [`set_next_run`]; working out the next run (cron,
//! calendar math) is the caller's job, so this module holds no clock.
//! Changes are audited (`recurring.created`, `recurring.ran`,
//! `recurring.updated`).

use crate::conn::{Conn, by_id};
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx, Value};
use chief_domain::event::{action, verb};
use chief_domain::recurring::{Frequency, NewRecurringTask, RecurringTask};
use chief_domain::{TenantId, TransitionError, new_id};
use chrono::{DateTime, Utc};
use uuid::Uuid;

const COLUMNS: &str = "id, tenant_id, user_id, title, description, task_template, frequency, cron_expression, last_run, next_run, active, created_at";

fn from_row(r: &Row) -> Result<RecurringTask, StoreError> {
    Ok(RecurringTask {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        title: r.text("title")?,
        description: r.opt_text("description")?,
        task_template: r.json("task_template")?,
        frequency: r.parse("frequency")?,
        cron_expression: r.opt_text("cron_expression")?,
        last_run: r.opt_ts("last_run")?,
        next_run: r.ts("next_run")?,
        active: r.bool("active")?,
        created_at: r.ts("created_at")?,
    })
}

/// Creates an active recurring task for `user_id`. A `custom` frequency
/// needs a cron expression.
pub async fn create(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewRecurringTask,
) -> Result<RecurringTask, StoreError> {
    let title = new.title.trim();
    if title.is_empty() || title.contains('\0') {
        return Err(StoreError::invalid("title", "must not be empty"));
    }
    let cron = new
        .cron_expression
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if new.frequency == Frequency::Custom && cron.is_none() {
        return Err(StoreError::invalid(
            "cron_expression",
            "is required for a custom frequency",
        ));
    }
    if !new.task_template.is_object() {
        return Err(StoreError::invalid(
            "task_template",
            "must be a JSON object",
        ));
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO recurring_tasks (id, tenant_id, user_id, title, description, task_template, frequency, cron_expression, next_run, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            title.into(),
            new.description.clone().into(),
            Value::Json(Some(new.task_template.clone())),
            new.frequency.as_str().into(),
            cron.into(),
            new.next_run.into(),
            true.into(),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("recurring", verb::CREATED),
        entity_type: "recurring_task",
        entity_id: id,
        details: serde_json::json!({"title": title, "frequency": new.frequency, "cron_expression": cron, "next_run": new.next_run}),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// A recurring task of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<RecurringTask, StoreError> {
    from_row(
        &by_id(
            conn.into(),
            "recurring_tasks",
            COLUMNS,
            "",
            "recurring task",
            tenant,
            id,
        )
        .await?,
    )
}

/// The tenant's recurring tasks, active and not, soonest first.
pub async fn list(db: &Db, tenant: TenantId) -> Result<Vec<RecurringTask>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM recurring_tasks WHERE tenant_id = $1 ORDER BY next_run, id"
        ),
        &[tenant.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Active recurring tasks whose next run is at or before `now`, most
/// overdue first.
pub async fn due(
    db: &Db,
    tenant: TenantId,
    now: DateTime<Utc>,
) -> Result<Vec<RecurringTask>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM recurring_tasks WHERE tenant_id = $1 AND active = $2 AND next_run <= $3 ORDER BY next_run, id"),
        &[tenant.into(), true.into(), now.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Records a run at `last_run` and schedules the next at `next_run`, which
/// must come after it.
pub async fn set_next_run(
    tx: &mut Tx,
    id: Uuid,
    last_run: DateTime<Utc>,
    next_run: DateTime<Utc>,
) -> Result<RecurringTask, StoreError> {
    if next_run <= last_run {
        return Err(StoreError::invalid(
            "next_run",
            "must come after the run being recorded",
        ));
    }
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    if !before.active {
        return Err(TransitionError {
            entity: "recurring task",
            from: "inactive",
            operation: "run",
            hint: "",
        }
        .into());
    }
    tx.execute(
        "UPDATE recurring_tasks SET last_run = $3, next_run = $4 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), last_run.into(), next_run.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("recurring", "ran"),
        entity_type: "recurring_task",
        entity_id: id,
        details: serde_json::json!({
            "last_run": {"before": before.last_run, "after": last_run},
            "next_run": {"before": before.next_run, "after": next_run},
        }),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// Stops a recurring task from coming due; an inactive one is left as it
/// is and nothing is written.
pub async fn deactivate(tx: &mut Tx, id: Uuid) -> Result<RecurringTask, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    if !before.active {
        return Ok(before);
    }
    tx.execute(
        "UPDATE recurring_tasks SET active = $3 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), false.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("recurring", verb::UPDATED),
        entity_type: "recurring_task",
        entity_id: id,
        details: serde_json::json!({"active": {"before": true, "after": false}}),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}
