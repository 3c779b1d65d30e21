//! Projects, initiatives and goals: adding, changing and removing one, for the API and the CLI
//! alike. The request types are the domain's `NewProject` and `ProjectPatch`.

use crate::write::in_tx;
use chief_domain::project::{NewProject, Project, ProjectPatch};
use chief_store::{Db, Scope, StoreError, project};
use uuid::Uuid;

/// Adds a project to the scope's workspace.
pub async fn create(db: &Db, scope: &Scope, new: NewProject) -> Result<Project, StoreError> {
    in_tx(db, scope, async |tx, user| {
        project::create(tx, user, new).await
    })
    .await
}

/// Changes project `id`.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    patch: ProjectPatch,
) -> Result<Project, StoreError> {
    in_tx(db, scope, async |tx, _| {
        project::update(tx, id, patch).await
    })
    .await
}

/// Removes project `id`.
pub async fn delete(db: &Db, scope: &Scope, id: Uuid) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| project::delete(tx, id).await).await
}
