//! Clients: adding, changing and removing one, for the API and the CLI
//! alike. The request types are the domain's `NewClient` and `ClientPatch`.

use crate::write::in_tx;
use chief_domain::client::{Client, ClientPatch, NewClient};
use chief_store::{Db, Scope, StoreError, client};
use uuid::Uuid;

/// Adds a client to the scope's workspace.
pub async fn create(db: &Db, scope: &Scope, new: NewClient) -> Result<Client, StoreError> {
    in_tx(db, scope, async |tx, user| {
        client::create(tx, user, new).await
    })
    .await
}

/// Changes client `id`.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    patch: ClientPatch,
) -> Result<Client, StoreError> {
    in_tx(db, scope, async |tx, _| client::update(tx, id, patch).await).await
}

/// Removes client `id`.
pub async fn delete(db: &Db, scope: &Scope, id: Uuid) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| client::delete(tx, id).await).await
}
