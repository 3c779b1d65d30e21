//! Waiting items: recording something someone outside owes us and
//! resolving it, for the API, the CLI and the agent's tools alike. A new
//! item is the domain's `NewWaitingItem`; resolving one takes a
//! [`Resolution`].

use crate::write::in_tx;
use chief_domain::waiting::{NewWaitingItem, WaitingItem};
use chief_store::{Db, Scope, StoreError, waiting};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// How a waiting item was resolved (`PUT /api/waiting/{id}/resolve`, the
/// CLI's `waiting resolve`); the body may be left out.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WaitingResolve")]
pub struct Resolution {
    pub resolution_notes: Option<String>,
}

/// Records something the scope's user is waiting for.
pub async fn create(
    db: &Db,
    scope: &Scope,
    new: NewWaitingItem,
) -> Result<WaitingItem, StoreError> {
    in_tx(db, scope, async |tx, user| {
        waiting::create(tx, user, new).await
    })
    .await
}

/// Marks waiting item `id` resolved; only a waiting item can be.
pub async fn resolve(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    resolution: Resolution,
) -> Result<WaitingItem, StoreError> {
    in_tx(db, scope, async |tx, _| {
        waiting::resolve(tx, id, resolution.resolution_notes.as_deref()).await
    })
    .await
}
