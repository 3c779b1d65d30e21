//! Recurring tasks: templates that become tasks on a schedule.

use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// How often a recurring task comes round.
    Frequency {
        Daily => "daily",
        Weekly => "weekly",
        Monthly => "monthly",
        Custom => "custom",
    }
}

/// A template that creates a task each time it is due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecurringTask {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub task_template: serde_json::Value,
    pub frequency: Frequency,
    pub cron_expression: Option<String>,
    pub last_run: Option<DateTime<Utc>>,
    pub next_run: DateTime<Utc>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// The fields of a new recurring task; it starts active.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewRecurringTask {
    pub title: String,
    pub description: Option<String>,
    /// The fields of each task it creates, as a `NewTask` in JSON.
    pub task_template: serde_json::Value,
    pub frequency: Frequency,
    pub cron_expression: Option<String>,
    pub next_run: DateTime<Utc>,
}
