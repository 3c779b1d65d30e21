//! Running a job: its action performed and its run recorded as finished,
//! whether the scheduler's loop claimed it on time or a person asked for it
//! now (`POST /api/jobs/{id}/run`, `chief jobs run`, `chief run-job`).

use crate::job_action;
use crate::polish::Polish;
use chief_domain::job::{Job, JobRun};
use chief_store::{Db, StoreError, job_run};
use chrono::{DateTime, Utc};

/// Performs `j`'s action for the begun `run` and records its outcome: a
/// failed action is a failed run, not an error.
pub async fn perform(
    db: &Db,
    polish: &dyn Polish,
    j: &Job,
    run: JobRun,
    now: DateTime<Utc>,
) -> Result<JobRun, StoreError> {
    let outcome = job_action::perform(db, polish, j, &run.cause, now)
        .await
        .map_err(|e| e.to_string());
    if let Err(e) = &outcome {
        tracing::warn!(job = %j.name, tenant = %j.tenant_id, error = %e, "job failed");
    }
    job_run::finish_run(db, j.tenant_id, run.id, outcome, now).await
}

/// Runs `j` once now, whatever its schedule, as a manual run by
/// `instance`; its next scheduled run is left as it is.
pub async fn run_now(
    db: &Db,
    polish: &dyn Polish,
    j: &Job,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<JobRun, StoreError> {
    let run = job_run::begin_run(db, j, now, "manual", instance, now)
        .await?
        .expect("manual runs are never refused as duplicates");
    perform(db, polish, j, run, now).await
}
