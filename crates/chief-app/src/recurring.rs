//! Recurring tasks: templates that become tasks on a schedule. Creating one
//! and running one (its task now, its next run moved to the first slot
//! after now), for the API and the agent alike.

use crate::write::in_tx;
use chief_domain::recurring::{NewRecurringTask, RecurringTask};
use chief_domain::task::Task;
use chief_store::{Db, Scope, StoreError, recurring};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A new recurring task as callers give it (`POST /api/recurring`): the
/// frequency as text, and defaults for the template and the first run.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RecurringCreate")]
pub struct NewRecurring {
    pub title: String,
    pub description: Option<String>,
    /// The fields of each task it creates (as `POST /api/tasks` takes them);
    /// the title and description default to the recurring task's.
    pub task_template: Option<serde_json::Value>,
    /// daily, weekly, monthly or custom.
    pub frequency: String,
    /// A cron expression, required for `custom`.
    pub cron_expression: Option<String>,
    /// The first run; now when absent.
    pub next_run: Option<DateTime<Utc>>,
}

/// What a run returns: the task it created and the rescheduled template.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "Ran")]
pub struct RecurringRun {
    pub task: Task,
    pub recurring: RecurringTask,
}

/// Creates an active recurring task for the scope's user.
pub async fn create(
    db: &Db,
    scope: &Scope,
    new: NewRecurring,
) -> Result<RecurringTask, StoreError> {
    let frequency = new
        .frequency
        .parse()
        .map_err(|e: chief_domain::DomainError| StoreError::invalid("frequency", e.to_string()))?;
    in_tx(db, scope, async |tx, user| {
        let next_run = new.next_run.unwrap_or_else(|| tx.now());
        let new = NewRecurringTask {
            title: new.title,
            description: new.description,
            task_template: new.task_template.unwrap_or_else(|| serde_json::json!({})),
            frequency,
            cron_expression: new.cron_expression,
            next_run,
        };
        recurring::create(tx, user, new).await
    })
    .await
}

/// Runs recurring task `id`: creates its task and reschedules it; missed
/// slots are skipped.
pub async fn run(db: &Db, scope: &Scope, id: Uuid) -> Result<RecurringRun, StoreError> {
    in_tx(db, scope, async |tx, _| {
        let (task, recurring) = recurring::run(tx, id).await?;
        Ok(RecurringRun { task, recurring })
    })
    .await
}
