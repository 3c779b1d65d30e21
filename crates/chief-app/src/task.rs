//! Tasks: creating, changing, moving through their lifecycle and removing
//! one, for the API, the web pages, the CLI and the agent's tools alike.
//! Creating takes [`TaskRequest`](crate::requests::TaskRequest); changing
//! takes [`TaskChanges`] (the API's `TaskUpdate`), or, from the CLI, the
//! domain's `TaskPatch` with the project named ([`TaskEdit`]).

use crate::requests::TaskRequest;
use crate::write::in_tx;
use chief_domain::task::{Assignee, Task, TaskOp, TaskPatch};
use chief_domain::{DomainError, Priority};
use chief_store::{Db, Scope, StoreError, project, task};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// A change to a task: fields present are changed; `null` clears an
/// optional field.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TaskUpdate")]
pub struct TaskChanges {
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub description: Option<Option<String>>,
    /// 1 (highest) to 5.
    pub priority: Option<i64>,
    /// `agent` or `user`.
    pub assignee: Option<String>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub project_id: Option<Option<Uuid>>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub due_date: Option<Option<DateTime<Utc>>>,
    /// Replaces the tags.
    pub tags: Option<Vec<String>>,
}

impl TaskChanges {
    /// The patch these changes make; a due date given here has a time.
    pub fn into_patch(self) -> Result<TaskPatch, DomainError> {
        Ok(TaskPatch {
            title: self.title,
            description: self.description,
            priority: self.priority.map(Priority::try_from).transpose()?,
            assignee: self.assignee.as_deref().map(Assignee::parse).transpose()?,
            project_id: self.project_id,
            due_has_time: self.due_date.map(|d| d.is_some()),
            due_date: self.due_date,
            tags: self.tags,
            ..Default::default()
        })
    }
}

/// Creates a task, recording where it came from (`api`, `agent`).
pub async fn create(
    db: &Db,
    scope: &Scope,
    request: TaskRequest,
    source: &str,
) -> Result<Task, StoreError> {
    let new = request.into_new(source)?;
    in_tx(db, scope, async |tx, user| {
        task::create(tx, user, new).await
    })
    .await
}

/// Changes task `id`.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    changes: TaskChanges,
) -> Result<Task, StoreError> {
    let patch = changes.into_patch()?;
    in_tx(db, scope, async |tx, _| task::update(tx, id, patch).await).await
}

/// Changes task `id` unless it changed after `seen` (the version the
/// person edited), which is a conflict.
pub async fn update_unchanged_since(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    seen: DateTime<Utc>,
    changes: TaskChanges,
) -> Result<Task, StoreError> {
    let patch = changes.into_patch()?;
    in_tx(db, scope, async |tx, _| {
        task::update_unchanged_since(tx, id, seen, patch).await
    })
    .await
}

/// A change to a task with its project given by name, created if missing
/// (`Some(None)` takes it out of its project).
#[derive(Clone, Debug, Default)]
pub struct TaskEdit {
    pub patch: TaskPatch,
    pub project: Option<Option<String>>,
}

/// Changes task `id`, finding or creating the named project in the same
/// transaction.
pub async fn edit(db: &Db, scope: &Scope, id: Uuid, edit: TaskEdit) -> Result<Task, StoreError> {
    let TaskEdit { mut patch, project } = edit;
    in_tx(db, scope, async |tx, user| {
        if let Some(name) = project {
            patch.project_id = Some(match name {
                None => None,
                Some(name) => Some(project::find_or_create(tx, user, &name).await?.id),
            });
        }
        task::update(tx, id, patch).await
    })
    .await
}

/// Moves task `id` through its lifecycle (`output` is recorded on
/// completion and cancellation).
pub async fn transition(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    op: TaskOp,
    output: Option<String>,
) -> Result<Task, StoreError> {
    in_tx(db, scope, async |tx, _| {
        task::transition(tx, id, op, output).await
    })
    .await
}

/// Removes task `id` (softly).
pub async fn delete(db: &Db, scope: &Scope, id: Uuid) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| task::delete(tx, id).await).await
}
