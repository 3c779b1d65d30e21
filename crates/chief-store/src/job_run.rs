//! The scheduler's run ledger: leases on due jobs, the `job_runs` records
//! of each occurrence, and moving a job to its next due time. This is the
//! scheduler's own history and is not audited; what a run changes in the
//! workspace is audited by the service it calls. The jobs themselves (what
//! a person schedules) are in [`crate::job`].
//!
//! Exactly once: [`claim_due`] leases due jobs (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so instances never take the same job), and the
//! `idx_job_runs_once` unique index refuses a second run of one occurrence
//! whatever happens to the leases.

use crate::conn::{by_id, claim_leases, page_of};
use crate::fields::clip;
use crate::job::{COLUMNS, from_row};
use crate::new_id;
use crate::value::Row;
use crate::{Backend, Db, Listing, Page, StoreError, Value};
use chief_domain::TenantId;
use chief_domain::job::{Job, JobRun, RunStatus};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

const RUN_COLUMNS: &str = "id, tenant_id, job_id, scheduled_for, started_at, finished_at, status, output, error, cause, instance";

/// The longest run output or error kept.
const MAX_OUTPUT: usize = 8 * 1024;

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
