//! The recurring-task repository: templates that become tasks on a
//! schedule.
//!
//! The scheduler asks for the [`due`] templates, creates their tasks, then
//! records the run with [`set_next_run`]. [`run`] does both in one step,
//! working out the next run from the frequency with [`next_run_after`]; the
//! instant comes from the transaction, so this module holds no clock.
//! Changes are audited (`recurring.created`, `recurring.ran`,
//! `recurring.updated`).

use crate::conn::{Conn, by_id};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx, Value};
use chief_domain::event::{action, verb};
use chief_domain::recurring::{Frequency, NewRecurringTask, RecurringTask};
use chief_domain::schedule::CronSchedule;
use chief_domain::task::{NewTask, Task};
use chief_domain::{TenantId, TransitionError};
use chrono::{DateTime, Datelike, Duration, Months, Utc};
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
    let title = chief_domain::task::validate_title(&new.title)?;
    let title = title.as_str();
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
    if let Some(expr) = cron {
        CronSchedule::parse(expr).map_err(|e| StoreError::invalid("cron_expression", e))?;
    }
    if !new.task_template.is_object() {
        return Err(StoreError::invalid(
            "task_template",
            "must be a JSON object",
        ));
    }
    task_from_template(&new.task_template, title, new.description.as_deref())?;
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

/// The task a template creates: the template's fields, with the recurring
/// task's title and description where the template has none.
fn task_from_template(
    template: &serde_json::Value,
    title: &str,
    description: Option<&str>,
) -> Result<NewTask, StoreError> {
    let mut fields = template.clone();
    if let Some(map) = fields.as_object_mut() {
        map.entry("title").or_insert_with(|| title.into());
        if let Some(d) = description {
            map.entry("description").or_insert_with(|| d.into());
        }
    }
    let mut task: NewTask = serde_json::from_value(fields)
        .map_err(|e| StoreError::invalid("task_template", e.to_string()))?;
    // A template describes fresh work, never an imported history.
    task.status = None;
    task.completed_at = None;
    task.created_at = None;
    task.source = Some("recurring".into());
    Ok(task)
}

/// The first run after `now` on the schedule that was due at `scheduled`;
/// runs missed while nothing ran are skipped, not replayed. A custom
/// frequency follows its cron expression, read in `tz` (the owner's zone).
pub fn next_run_after(
    frequency: Frequency,
    cron: Option<&str>,
    tz: chrono_tz::Tz,
    scheduled: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, StoreError> {
    let period = match frequency {
        Frequency::Daily => Duration::days(1),
        Frequency::Weekly => Duration::weeks(1),
        Frequency::Monthly => {
            let behind = (now.year() - scheduled.year()) * 12 + now.month() as i32
                - scheduled.month() as i32;
            let mut months = behind.max(1) as u32 - 1;
            loop {
                months += 1;
                let next = scheduled
                    .checked_add_months(Months::new(months))
                    .ok_or_else(|| StoreError::invalid("next_run", "is out of range"))?;
                if next > now {
                    return Ok(next);
                }
            }
        }
        Frequency::Custom => {
            let expr = cron.ok_or_else(|| {
                StoreError::invalid("cron_expression", "is required for a custom frequency")
            })?;
            let schedule =
                CronSchedule::parse(expr).map_err(|e| StoreError::invalid("cron_expression", e))?;
            return schedule
                .next_after(scheduled.max(now), &tz)
                .ok_or_else(|| StoreError::invalid("cron_expression", "never matches again"));
        }
    };
    let steps = if scheduled > now {
        1
    } else {
        (now - scheduled).num_seconds() / period.num_seconds() + 1
    };
    Ok(scheduled + period * steps as i32)
}

/// Runs a recurring task now: creates its task from the template and
/// schedules the next run. An inactive one cannot run.
pub async fn run(tx: &mut Tx, id: Uuid) -> Result<(Task, RecurringTask), StoreError> {
    let tenant = tx.tenant();
    let now = tx.now();
    let recurring = get(&mut *tx, tenant, id).await?;
    if !recurring.active {
        return Err(TransitionError {
            entity: "recurring task",
            from: "inactive",
            operation: "run",
            hint: "",
        }
        .into());
    }
    let tz = owner_timezone(tx, recurring.user_id).await?;
    let next = next_run_after(
        recurring.frequency,
        recurring.cron_expression.as_deref(),
        tz,
        recurring.next_run,
        now,
    )?;
    let new = task_from_template(
        &recurring.task_template,
        &recurring.title,
        recurring.description.as_deref(),
    )?;
    let task = crate::task::create(tx, recurring.user_id, new).await?;
    let recurring = set_next_run(tx, id, now, next).await?;
    Ok((task, recurring))
}

/// The owner's time zone; UTC when it is not a zone name.
async fn owner_timezone(tx: &mut Tx, user_id: Uuid) -> Result<chrono_tz::Tz, StoreError> {
    let tenant = tx.tenant();
    let row = tx
        .fetch_optional(
            "SELECT timezone FROM users WHERE tenant_id = $1 AND id = $2",
            &[tenant.into(), user_id.into()],
        )
        .await?;
    Ok(match row {
        Some(r) => r.text("timezone")?.parse().unwrap_or(chrono_tz::UTC),
        None => chrono_tz::UTC,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::{Europe::Berlin, UTC};

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
    }

    #[test]
    fn the_next_run_skips_missed_runs_and_lands_after_now() {
        let now = at(2026, 3, 10) + Duration::hours(1);
        assert_eq!(
            next_run_after(Frequency::Daily, None, UTC, at(2026, 3, 1), now).unwrap(),
            at(2026, 3, 11)
        );
        assert_eq!(
            next_run_after(Frequency::Weekly, None, UTC, at(2026, 3, 3), now).unwrap(),
            at(2026, 3, 17)
        );
        assert_eq!(
            next_run_after(Frequency::Monthly, None, UTC, at(2025, 12, 31), now).unwrap(),
            at(2026, 3, 31)
        );
        assert_eq!(
            next_run_after(Frequency::Daily, None, UTC, at(2026, 3, 12), now).unwrap(),
            at(2026, 3, 13)
        );
        // Nine on weekdays in Berlin (UTC+1 in March): Wednesday 11th, 08:00 UTC.
        assert_eq!(
            next_run_after(
                Frequency::Custom,
                Some("0 9 * * 1-5"),
                Berlin,
                at(2026, 3, 1),
                now
            )
            .unwrap(),
            at(2026, 3, 11) - Duration::hours(1)
        );
        assert!(next_run_after(Frequency::Custom, None, UTC, at(2026, 3, 1), now).is_err());
    }
}
