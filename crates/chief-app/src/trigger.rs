//! Triggers: adding, changing, pausing, resuming and removing one, for the
//! API, the settings page and the CLI alike. The request types are the
//! store's `NewTrigger` and `TriggerPatch`; firing one is `trigger_fire`.

use crate::write::in_tx;
use chief_domain::trigger::Trigger;
use chief_store::trigger::{self, Created, NewTrigger, TriggerPatch};
use chief_store::{Db, Scope, StoreError};
use uuid::Uuid;

/// Adds a trigger for the scope's user, with its job or its webhook token.
pub async fn create(db: &Db, scope: &Scope, new: NewTrigger) -> Result<Created, StoreError> {
    in_tx(db, scope, async |tx, user| {
        trigger::create(tx, user, new).await
    })
    .await
}

/// Changes trigger `id`, and its job to match.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    patch: TriggerPatch,
) -> Result<Trigger, StoreError> {
    in_tx(db, scope, async |tx, _| {
        trigger::update(tx, id, patch).await
    })
    .await
}

/// Pauses (`enabled` false) or resumes trigger `id`.
pub async fn set_enabled(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    enabled: bool,
) -> Result<Trigger, StoreError> {
    let patch = TriggerPatch {
        enabled: Some(enabled),
        ..TriggerPatch::default()
    };
    update(db, scope, id, patch).await
}

/// Removes trigger `id` and its job; returns what it was.
pub async fn delete(db: &Db, scope: &Scope, id: Uuid) -> Result<Trigger, StoreError> {
    in_tx(db, scope, async |tx, _| trigger::delete(tx, id).await).await
}
