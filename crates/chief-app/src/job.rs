//! Jobs: changing one's schedule, zone or misfire policy, and pausing or
//! resuming it, for the API, the settings page and the CLI alike. The
//! request type is the domain's `JobPatch`.

use crate::write::in_tx;
use chief_domain::job::{Job, JobPatch};
use chief_store::{Db, Scope, StoreError, job};
use uuid::Uuid;

/// Changes job `id`.
pub async fn update(db: &Db, scope: &Scope, id: Uuid, patch: JobPatch) -> Result<Job, StoreError> {
    in_tx(db, scope, async |tx, _| job::update(tx, id, patch).await).await
}

/// Pauses (`enabled` false) or resumes job `id`.
pub async fn set_enabled(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    enabled: bool,
) -> Result<Job, StoreError> {
    let patch = JobPatch {
        enabled: Some(enabled),
        ..JobPatch::default()
    };
    update(db, scope, id, patch).await
}

/// Gives each job of `changes` its new schedule, all or none: the first
/// refused is returned with its job's id (`None` when the failure is not
/// one job's), and nothing is saved.
pub async fn reschedule(
    db: &Db,
    scope: &Scope,
    changes: Vec<(Uuid, String)>,
) -> Result<(), (Option<Uuid>, StoreError)> {
    let mut at = None;
    in_tx(db, scope, async |tx, _| {
        for (id, schedule) in changes {
            at = Some(id);
            let patch = JobPatch {
                schedule: Some(schedule),
                ..JobPatch::default()
            };
            job::update(tx, id, patch).await?;
        }
        at = None;
        Ok(())
    })
    .await
    .map_err(|e| (at, e))
}

/// Gives the scope's user the built-in jobs they lack (the briefings and
/// the weekly review), with schedules read in `timezone`; returns those
/// added.
pub async fn ensure_builtin(
    db: &Db,
    scope: &Scope,
    timezone: &str,
) -> Result<Vec<Job>, StoreError> {
    in_tx(db, scope, async |tx, user| {
        job::ensure_builtin(tx, user, timezone).await
    })
    .await
}
