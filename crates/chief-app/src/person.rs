//! People: adding, changing and removing one, for the API, the CLI and the
//! agent's tools alike, and linking one to a task. The request types are
//! the domain's `NewPerson` and `PersonPatch`, and [`PersonLink`].

use crate::write::in_tx;
use chief_domain::person::{NewPerson, Person, PersonPatch, TaskPersonRole};
use chief_store::{Db, Scope, StoreError, person, task_people};
use schemars::JsonSchema;
use serde::Deserialize;
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

/// How a person is linked to a task (the optional body of `POST
/// /api/people/{id}/tasks/{task_id}`).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PersonLink")]
pub struct PersonLink {
    /// `subject`, `recipient`, `stakeholder` or `mentioned`.
    pub role: Option<TaskPersonRole>,
}

/// Links person `id` to task `task_id`.
pub async fn link_task(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    task_id: Uuid,
    link: PersonLink,
) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| {
        task_people::link(tx, task_id, id, link.role).await
    })
    .await
}

/// Unlinks person `id` from task `task_id`.
pub async fn unlink_task(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    task_id: Uuid,
) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| {
        task_people::unlink(tx, task_id, id).await
    })
    .await
}
