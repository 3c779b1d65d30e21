//! People: adding, changing and removing one, for the API, the CLI and the
//! agent's tools alike. The request types are the domain's `NewPerson` and
//! `PersonPatch`.

use crate::write::in_tx;
use chief_domain::person::{NewPerson, Person, PersonPatch};
use chief_store::{Db, Scope, StoreError, person};
use uuid::Uuid;

/// Adds a person to the scope's workspace.
pub async fn create(db: &Db, scope: &Scope, new: NewPerson) -> Result<Person, StoreError> {
    in_tx(db, scope, async |tx, user| {
        person::create(tx, user, new).await
    })
    .await
}

/// Changes person `id`.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    patch: PersonPatch,
) -> Result<Person, StoreError> {
    in_tx(db, scope, async |tx, _| person::update(tx, id, patch).await).await
}

/// Removes person `id`.
pub async fn delete(db: &Db, scope: &Scope, id: Uuid) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| person::delete(tx, id).await).await
}
