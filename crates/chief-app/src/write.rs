//! The one way an operation runs its writes: a transaction for the scope,
//! the work, then the commit, so the audit rows the work wrote land with
//! it or not at all.

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
    let mut tx = db.write(scope).await?;
    let value = work(&mut tx, user).await?;
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
