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
