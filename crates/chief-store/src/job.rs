//! The jobs repository: scheduled jobs and their run history.
//!
//! Two kinds of writes live here:
//! - a person's changes to a job (created, updated, paused, resumed) are
//!   audited like any other change (`job.created`, `job.updated`);
//! - the scheduler's bookkeeping (leases, run records, the next due time)
//!   is the scheduler's own history and is not audited; what a run changes
//!   in the workspace is audited by the service it calls.
//!
//! Exactly once: [`claim_due`] leases due jobs (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so instances never take the same job), and the
//! `idx_job_runs_once` unique index refuses a second run of one occurrence
//! whatever happens to the leases.

use crate::conn::{Conn, Owned, by_id, claim_leases, page_of};
use crate::fields::clip;
use crate::value::Row;
use crate::{Backend, Change, Db, Listing, Page, StoreError, Tx, Value};
use chief_domain::event::{action, verb};
use chief_domain::job::{DEFAULT_GRACE_SECONDS, Job, JobKind, JobRun, MisfirePolicy, RunStatus};
use chief_domain::schedule::CronSchedule;
use chief_domain::{TenantId, new_id};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

const COLUMNS: &str = "id, tenant_id, user_id, name, kind, schedule, timezone, enabled, misfire_policy, grace_seconds, next_run_at, last_run_at, lease_owner, lease_expires_at, created_at, updated_at";
const RUN_COLUMNS: &str = "id, tenant_id, job_id, scheduled_for, started_at, finished_at, status, output, error, cause, instance";

/// The longest run output or error kept.
const MAX_OUTPUT: usize = 8 * 1024;

const OWNED: Owned<'static, Job> = Owned {
    table: "jobs",
    columns: COLUMNS,
    entity: "job",
    from_row,
};

fn from_row(r: &Row) -> Result<Job, StoreError> {
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

fn run_from_row(r: &Row) -> Result<JobRun, StoreError> {
    Ok(JobRun {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        job_id: r.uuid("job_id")?,
        scheduled_for: r.ts("scheduled_for")?,
        started_at: r.ts("started_at")?,
        finished_at: r.opt_ts("finished_at")?,
        status: r.parse("status")?,
        output: r.opt_text("output")?,
        error: r.opt_text("error")?,
        cause: r.text("cause")?,
        instance: r.opt_text("instance")?,
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

/// Changes to a job; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobPatch {
    pub schedule: Option<String>,
    pub timezone: Option<String>,
    pub enabled: Option<bool>,
    pub misfire_policy: Option<MisfirePolicy>,
    pub grace_seconds: Option<i64>,
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

/// Leases up to `limit` enabled jobs due at `now`, whose lease is free or
/// expired, to `instance` until `now + lease`; soonest due first. This is
/// the one query that reads across tenants: it hands out leases, and each
/// job is then handled in its own tenant.
pub async fn claim_due(
    db: &Db,
    instance: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Job>, StoreError> {
    let enabled = match db.backend() {
        Backend::Postgres => "enabled",
        Backend::Sqlite => "enabled = 1",
    };
    claim_leases(
        db,
        "jobs",
        COLUMNS,
        "next_run_at",
        enabled,
        instance,
        now,
        lease,
        limit,
        from_row,
    )
    .await
}

/// When the soonest enabled job is due, across tenants: what the scheduler
/// sleeps until.
pub async fn next_due_at(db: &Db) -> Result<Option<DateTime<Utc>>, StoreError> {
    db.fetch_optional(
        "SELECT MIN(next_run_at) AS due FROM jobs WHERE enabled = $1",
        &[true.into()],
    )
    .await?
    .map(|r| r.opt_ts("due"))
    .transpose()
    .map(Option::flatten)
}

/// Starts a run of `job` for the occurrence `scheduled_for`. `None` when
/// that occurrence already has a run: another instance ran it, or one that
/// stopped half-way left it `running`, in which case it is marked failed.
pub async fn begin_run(
    db: &Db,
    job: &Job,
    scheduled_for: DateTime<Utc>,
    cause: &str,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<Option<JobRun>, StoreError> {
    let id = new_id();
    let mut tx = db.bookkeeping().await?;
    let inserted = tx
        .execute(
            &format!(
                "INSERT INTO job_runs ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL, 'running', NULL, NULL, $6, $7) ON CONFLICT DO NOTHING"
            ),
            &[
                id.into(),
                job.tenant_id.into(),
                job.id.into(),
                scheduled_for.into(),
                now.into(),
                cause.into(),
                instance.into(),
            ],
        )
        .await?;
    if inserted == 0 {
        tx.execute(
            "UPDATE job_runs SET status = 'failed', finished_at = $4, error = 'interrupted: the instance running it stopped before it finished' \
             WHERE tenant_id = $1 AND job_id = $2 AND scheduled_for = $3 AND status = 'running' AND cause <> 'manual'",
            &[job.tenant_id.into(), job.id.into(), scheduled_for.into(), now.into()],
        )
        .await?;
        tx.commit().await?;
        return Ok(None);
    }
    tx.commit().await?;
    run(db, job.tenant_id, id).await.map(Some)
}

/// Ends a run with its outcome.
pub async fn finish_run(
    db: &Db,
    tenant: TenantId,
    run_id: Uuid,
    outcome: Result<String, String>,
    now: DateTime<Utc>,
) -> Result<JobRun, StoreError> {
    let (status, output, error) = match &outcome {
        Ok(out) => (RunStatus::Succeeded, Some(clip(out, MAX_OUTPUT)), None),
        Err(e) => (RunStatus::Failed, None, Some(clip(e, MAX_OUTPUT))),
    };
    let mut tx = db.bookkeeping().await?;
    tx.execute(
        "UPDATE job_runs SET status = $3, output = $4, error = $5, finished_at = $6 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            run_id.into(),
            status.as_str().into(),
            output.into(),
            error.into(),
            now.into(),
        ],
    )
    .await?;
    tx.commit().await?;
    run(db, tenant, run_id).await
}

/// Records occurrences that will not run.
pub async fn record_missed(
    db: &Db,
    job: &Job,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    count: usize,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let output = if count == 1 {
        format!("missed the run due at {}", first.to_rfc3339())
    } else {
        format!(
            "missed {count} runs due from {} to {}",
            first.to_rfc3339(),
            last.to_rfc3339()
        )
    };
    let mut tx = db.bookkeeping().await?;
    tx.execute(
        &format!(
            "INSERT INTO job_runs ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $5, 'missed', $6, NULL, 'schedule', NULL) ON CONFLICT DO NOTHING"
        ),
        &[
            new_id().into(),
            job.tenant_id.into(),
            job.id.into(),
            first.into(),
            now.into(),
            output.into(),
        ],
    )
    .await?;
    tx.commit().await
}

/// Moves a job to its next due time and gives up `instance`'s lease on it.
/// A lease that has since passed to another instance is left alone; so is
/// the job, which that instance now owns. `None` for `next_run_at` (the
/// schedule never matches again) disables the job.
pub async fn reschedule(
    db: &Db,
    job: &Job,
    instance: &str,
    next_run_at: Option<DateTime<Utc>>,
    ran_at: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let mut tx = db.bookkeeping().await?;
    let moved = tx
        .execute(
            "UPDATE jobs SET next_run_at = COALESCE($4, next_run_at), enabled = $5, \
             last_run_at = COALESCE($6, last_run_at), lease_owner = NULL, lease_expires_at = NULL \
             WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3",
            &[
                job.tenant_id.into(),
                job.id.into(),
                instance.into(),
                next_run_at.into(),
                next_run_at.is_some().into(),
                ran_at.into(),
            ],
        )
        .await?;
    tx.commit().await?;
    Ok(moved == 1)
}

/// One run of a job.
pub async fn run(db: &Db, tenant: TenantId, id: Uuid) -> Result<JobRun, StoreError> {
    run_from_row(
        &by_id(
            db.into(),
            "job_runs",
            RUN_COLUMNS,
            "",
            "job run",
            tenant,
            id,
        )
        .await?,
    )
}

/// A job's runs, newest first.
pub async fn runs(
    db: &Db,
    tenant: TenantId,
    job_id: Uuid,
    page: Page,
) -> Result<Listing<JobRun>, StoreError> {
    page_of(
        db,
        "job_runs",
        RUN_COLUMNS,
        "tenant_id = $1 AND job_id = $2",
        vec![Value::from(tenant), job_id.into()],
        "started_at DESC, id DESC",
        page,
        run_from_row,
    )
    .await
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
