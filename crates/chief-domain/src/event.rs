//! Domain events: what changed, named as in seed 003 (`task.created`,
//! `task.status_changed`, `question.answered`, ...). Every audited change
//! writes one to the outbox in the same transaction; the live event stream
//! reads them from there.

use serde::{Deserialize, Serialize};

/// Builds an action name such as `task.created` from an entity and a verb.
pub fn action(entity: &str, verb: &str) -> String {
    format!("{entity}.{verb}")
}

/// The verbs used in action and event names.
pub mod verb {
    pub const CREATED: &str = "created";
    pub const UPDATED: &str = "updated";
    pub const DELETED: &str = "deleted";
    pub const STATUS_CHANGED: &str = "status_changed";
    pub const ANSWERED: &str = "answered";
    pub const DISMISSED: &str = "dismissed";
    pub const RESOLVED: &str = "resolved";
    pub const IMPORTED: &str = "imported";
    pub const REDELIVERED: &str = "redelivered";
}

/// An event as the outbox keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DomainEvent {
    /// The tenant's sequence number, shared with the audit chain, so a
    /// stream can resume from the last id it saw.
    pub seq: i64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<uuid::Uuid>,
    pub payload: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
