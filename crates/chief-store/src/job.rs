//! The jobs repository: a person's scheduled jobs, their schedules and
//! whether they are enabled. The scheduler's own bookkeeping (leases, run
//! records, the next due time) lives in [`crate::job_run`].
//!
//! A person's changes to a job (created, updated, paused, resumed) are
//! audited like any other change (`job.created`, `job.updated`).

use crate::conn::{Conn, Owned, by_id};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx};
use chief_domain::TenantId;
use chief_domain::event::{action, verb};
use chief_domain::job::{DEFAULT_GRACE_SECONDS, Job, JobKind, JobPatch, MisfirePolicy};
use chief_domain::schedule::CronSchedule;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, name, kind, schedule, timezone, enabled, misfire_policy, grace_seconds, next_run_at, last_run_at, lease_owner, lease_expires_at, created_at, updated_at";

const OWNED: Owned<'static, Job> = Owned {
    table: "jobs",
    columns: COLUMNS,
    entity: "job",
    from_row,
};

pub(crate) fn from_row(r: &Row) -> Result<Job, StoreError> {
    Ok(Job {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        name: r.text("name")?,
        kind: r.parse("kind")?,
        schedule: r.text("schedule")?,
        timezone: r.text("timezone")?,
        enabled: r.bool("enabled")?,
        misfire_policy: r.parse("misfire_policy")?,
        grace_seconds: r.int("grace_seconds")?,
        next_run_at: r.ts("next_run_at")?,
        last_run_at: r.opt_ts("last_run_at")?,
        lease_owner: r.opt_text("lease_owner")?,
        lease_expires_at: r.opt_ts("lease_expires_at")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// A job's schedule read in its time zone.
pub struct Timing {
    pub schedule: CronSchedule,
    pub tz: chrono_tz::Tz,
}

impl Timing {
    /// Checks a schedule and a time zone, naming the field that is wrong.
    pub fn parse(schedule: &str, timezone: &str) -> Result<Timing, StoreError> {
        let schedule =
            CronSchedule::parse(schedule).map_err(|e| StoreError::invalid("schedule", e))?;
        crate::tenancy::check_timezone(timezone)?;
        let tz = timezone.parse().expect("checked just above");
        Ok(Timing { schedule, tz })
    }

    /// The first occurrence strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
        self.schedule
            .next_after(after, &self.tz)
            .ok_or_else(|| StoreError::invalid("schedule", "never matches again"))
    }
}

/// A new job for a user.
#[derive(Clone, Debug, PartialEq)]
pub struct NewJob {
    pub name: String,
    pub kind: JobKind,
    pub schedule: String,
    pub timezone: String,
    pub misfire_policy: MisfirePolicy,
    pub grace_seconds: i64,
}

impl NewJob {
    /// The built-in job of `kind`, on its default schedule.
    pub fn builtin(kind: JobKind, timezone: &str) -> NewJob {
        NewJob {
            name: kind.as_str().to_string(),
            kind,
            schedule: kind
                .default_schedule()
                .expect("built-in jobs have a default schedule")
                .to_string(),
            timezone: timezone.to_string(),
            misfire_policy: MisfirePolicy::CatchUpOnce,
            grace_seconds: DEFAULT_GRACE_SECONDS,
        }
    }
}

fn check_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "name",
            "must be 1 to 64 letters, digits, '_' or '-'",
        ))
    }
}

fn check_grace(seconds: i64) -> Result<(), StoreError> {
    if (0..=7 * 24 * 3600).contains(&seconds) {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "grace_seconds",
            "must be between 0 and 604800 (a week)",
        ))
    }
}

/// Creates a job for `user_id`, first due at its next occurrence. A name
/// the user already has is a conflict.
pub async fn create(tx: &mut Tx, user_id: Uuid, new: NewJob) -> Result<Job, StoreError> {
    insert(tx, user_id, new, "")
        .await?
        .ok_or_else(|| StoreError::Conflict("the user already has a job of that name".into()))
}

/// Inserts a job, audited; with `on_conflict` (`ON CONFLICT DO NOTHING`)
/// an existing name gives `None` and writes nothing.
async fn insert(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewJob,
    on_conflict: &str,
) -> Result<Option<Job>, StoreError> {
    check_name(&new.name)?;
    check_grace(new.grace_seconds)?;
    let timing = Timing::parse(&new.schedule, &new.timezone)?;
    let (tenant, now, id) = (tx.tenant(), tx.now(), new_id());
    let next = timing.next_after(now)?;
    let inserted = tx
        .execute(
            &format!(
                "INSERT INTO jobs ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, NULL, NULL, $12, $12){on_conflict}"
            ),
            &[
                id.into(),
                tenant.into(),
                user_id.into(),
                new.name.as_str().into(),
                new.kind.as_str().into(),
                new.schedule.trim().into(),
                new.timezone.as_str().into(),
                true.into(),
                new.misfire_policy.as_str().into(),
                new.grace_seconds.into(),
                next.into(),
                now.into(),
            ],
        )
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    let job = get(&mut *tx, tenant, id).await?;
    tx.audit_new("job", verb::CREATED, "job", &job, id).await?;
    Ok(Some(job))
}

/// Gives `user_id` each built-in job they do not have yet, in `timezone`;
/// returns the ones created. Running it again creates nothing.
pub async fn ensure_builtin(
    tx: &mut Tx,
    user_id: Uuid,
    timezone: &str,
) -> Result<Vec<Job>, StoreError> {
    let tenant = tx.tenant();
    let have: Vec<String> = tx
        .fetch_all(
            "SELECT name FROM jobs WHERE tenant_id = $1 AND user_id = $2",
            &[tenant.into(), user_id.into()],
        )
        .await?
        .iter()
        .map(|r| r.text("name"))
        .collect::<Result<_, _>>()?;
    let mut created = Vec::new();
    for kind in JobKind::BUILTIN {
        // Another instance may be giving the same user their jobs right now.
        if !have.iter().any(|n| n == kind.as_str())
            && let Some(j) = insert(
                tx,
                user_id,
                NewJob::builtin(*kind, timezone),
                " ON CONFLICT DO NOTHING",
            )
            .await?
        {
            created.push(j);
        }
    }
    Ok(created)
}

/// A job of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Job, StoreError> {
    from_row(&by_id(conn.into(), "jobs", COLUMNS, "", "job", tenant, id).await?)
}

/// A user's job by name.
pub async fn by_name(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    name: &str,
) -> Result<Job, StoreError> {
    OWNED.by_name(db, tenant, user_id, name).await
}

/// The tenant's jobs (one user's when given), by user and name.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    user_id: Option<Uuid>,
) -> Result<Vec<Job>, StoreError> {
    OWNED.list(db, tenant, user_id, "user_id, name").await
}

/// Changes a job. A new schedule or time zone, or resuming it, moves its
/// next run to the next occurrence from now: runs that fell due while it
/// was paused are not caught up.
pub async fn update(tx: &mut Tx, id: Uuid, patch: JobPatch) -> Result<Job, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    if before.kind == JobKind::Trigger {
        return Err(StoreError::invalid(
            "kind",
            format!(
                "{} runs a trigger: change, pause or resume the trigger instead (chief triggers)",
                before.name
            ),
        ));
    }
    apply(tx, before, patch).await
}

/// Changes a trigger's job along with its trigger.
pub(crate) async fn update_for_trigger(
    tx: &mut Tx,
    id: Uuid,
    patch: JobPatch,
) -> Result<Job, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    apply(tx, before, patch).await
}

async fn apply(tx: &mut Tx, before: Job, patch: JobPatch) -> Result<Job, StoreError> {
    let (tenant, now, id) = (tx.tenant(), tx.now(), before.id);
    if let Some(g) = patch.grace_seconds {
        check_grace(g)?;
    }
    let schedule = patch
        .schedule
        .as_deref()
        .map(str::trim)
        .unwrap_or(&before.schedule);
    let timezone = patch.timezone.as_deref().unwrap_or(&before.timezone);
    let timing = Timing::parse(schedule, timezone)?;
    let enabled = patch.enabled.unwrap_or(before.enabled);
    let retimed =
        schedule != before.schedule || timezone != before.timezone || (enabled && !before.enabled);
    let next = if retimed {
        timing.next_after(now)?
    } else {
        before.next_run_at
    };
    tx.execute(
        "UPDATE jobs SET schedule = $3, timezone = $4, enabled = $5, misfire_policy = $6, grace_seconds = $7, next_run_at = $8, updated_at = $9 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            schedule.into(),
            timezone.into(),
            enabled.into(),
            patch.misfire_policy.unwrap_or(before.misfire_policy).as_str().into(),
            patch.grace_seconds.unwrap_or(before.grace_seconds).into(),
            next.into(),
            now.into(),
        ],
    )
    .await?;
    let after = get(&mut *tx, tenant, id).await?;
    let diff = chief_domain::log::diff(
        &serde_json::to_value(&before).expect("jobs serialise"),
        &serde_json::to_value(&after).expect("jobs serialise"),
    );
    tx.audit(Change {
        action: action("job", verb::UPDATED),
        entity_type: "job",
        entity_id: id,
        details: diff,
    })
    .await?;
    Ok(after)
}

/// Users, across tenants, who lack one of the built-in jobs: (tenant, user,
/// time zone). The scheduler gives them theirs when it starts and now and
/// then after, so users added since get their jobs without a restart.
pub async fn users_without_builtin(db: &Db) -> Result<Vec<(TenantId, Uuid, String)>, StoreError> {
    let kinds = JobKind::BUILTIN.len() as i64;
    let names: Vec<String> = JobKind::BUILTIN
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    db.fetch_all(
        &format!(
            "SELECT u.tenant_id, u.id, u.timezone FROM users u WHERE (SELECT COUNT(*) FROM jobs j \
             WHERE j.tenant_id = u.tenant_id AND j.user_id = u.id AND j.name IN ({})) < $1",
            names.join(", ")
        ),
        &[kinds.into()],
    )
    .await?
    .iter()
    .map(|r| Ok((r.tenant("tenant_id")?, r.uuid("id")?, r.text("timezone")?)))
    .collect()
}

/// Every enabled job named `name`, across tenants: what `chief run-job`
/// runs when a system cron (a Kubernetes CronJob, say) does the timing.
pub async fn enabled_named(db: &Db, name: &str) -> Result<Vec<Job>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM jobs WHERE name = $1 AND enabled = $2 ORDER BY tenant_id, user_id"),
        &[name.into(), true.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}
