//! Waiting items: something owed by someone outside.

use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// Whether we are still waiting.
    WaitingStatus {
        Waiting => "waiting",
        Resolved => "resolved",
        Abandoned => "abandoned",
    }
}

/// Something pending on someone else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WaitingItem {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub task_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub what: String,
    pub who: Option<String>,
    pub since: DateTime<Utc>,
    pub follow_up_date: Option<DateTime<Utc>>,
    pub why_it_matters: Option<String>,
    pub status: WaitingStatus,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution_notes: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The fields of a new waiting item (`POST /api/waiting`, the CLI's
/// `waiting add` and the agent's `add_waiting_item`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WaitingCreate")]
pub struct NewWaitingItem {
    /// What is owed: "signed SOW from Liberty".
    pub what: String,
    /// Who owes it, in words.
    pub who: Option<String>,
    /// The task waiting on it.
    pub task_id: Option<Uuid>,
    /// The person who owes it, when known.
    pub person_id: Option<Uuid>,
    /// When to chase it.
    pub follow_up_date: Option<DateTime<Utc>>,
    pub why_it_matters: Option<String>,
}
