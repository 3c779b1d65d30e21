//! What each kind of job does when it runs. Every action works through the
//! store's services in its job's tenant, as the system acting for the job's
//! owner, with the scheduler's clock; so its changes are audited like any
//! other, and a test can run it at any instant.

use chief_domain::job::{Job, JobKind};
use chief_domain::log::Actor;
use chief_store::{Db, Scope, StoreError, new_trace_id, recurring};
use chrono::{DateTime, Utc};

/// Runs `job`'s action at `now`; the text says what it did, for the run's
/// history.
pub async fn perform(db: &Db, job: &Job, now: DateTime<Utc>) -> Result<String, StoreError> {
    match job.kind {
        JobKind::RecurringTasks => recurring_tasks(db, job, now).await,
    }
}

fn scope(job: &Job, now: DateTime<Utc>) -> Scope {
    Scope {
        tenant: job.tenant_id,
        actor: Actor::system(),
        trace_id: Some(new_trace_id()),
        now: Some(now),
    }
}

/// Creates the task of each of the owner's recurring tasks that is due, and
/// moves each one's next run forward, each in its own transaction.
async fn recurring_tasks(db: &Db, job: &Job, now: DateTime<Utc>) -> Result<String, StoreError> {
    let due: Vec<_> = recurring::due(db, job.tenant_id, now)
        .await?
        .into_iter()
        .filter(|r| r.user_id == job.user_id)
        .collect();
    let mut created = Vec::new();
    for r in due {
        let mut tx = db.write(&scope(job, now)).await?;
        let (task, _) = recurring::run(&mut tx, r.id).await?;
        tx.commit().await?;
        created.push(task.title);
    }
    Ok(match created.len() {
        0 => "no recurring task was due".into(),
        1 => format!("created 1 task: {}", created[0]),
        n => format!("created {n} tasks: {}", created.join(", ")),
    })
}
