//! The one way an operation runs its writes: a transaction for the scope,
//! the work, then the commit, so the audit rows the work wrote land with
//! it or not at all. chief-ai's agent operations (undo, personas,
//! conversations, approvals, policy) run theirs here too.

use chief_store::{Db, Scope, StoreError, Tx};
use uuid::Uuid;

/// Runs `work` in a write transaction for `scope`, with the acting user,
/// and commits it; an error rolls everything back.
pub async fn in_tx<T>(
    db: &Db,
    scope: &Scope,
    work: impl AsyncFnOnce(&mut Tx, Uuid) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let user = acting_user(scope)?;
    in_scope(db, scope, async |tx| work(tx, user).await).await
}

/// Runs `work` in a write transaction for `scope` and commits it; an error
/// rolls everything back. For work that needs no acting user (the system's,
/// or the agent's own bookkeeping).
pub async fn in_scope<T>(
    db: &Db,
    scope: &Scope,
    work: impl AsyncFnOnce(&mut Tx) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut tx = db.write(scope).await?;
    let value = work(&mut tx).await?;
    tx.commit().await?;
    Ok(value)
}

/// The user the scope acts as (for the system, the user it acts for).
pub fn acting_user(scope: &Scope) -> Result<Uuid, StoreError> {
    scope
        .actor
        .user_id
        .ok_or_else(|| StoreError::invalid("user", "this change needs a user to act as"))
}
