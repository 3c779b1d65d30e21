//! People: contacts with the relationship context that good communication
//! depends on.

use crate::TenantId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A contact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Person {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub client_id: Option<Uuid>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub relationship: Option<String>,
    pub relationship_to_user: Option<String>,
    pub political_context: Option<String>,
    pub communication_notes: Option<String>,
    pub last_contact: Option<DateTime<Utc>>,
    pub next_follow_up: Option<DateTime<Utc>>,
    pub context_notes: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields of a new person.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewPerson {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub client_id: Option<Uuid>,
    pub relationship: Option<String>,
    pub relationship_to_user: Option<String>,
    pub political_context: Option<String>,
    pub communication_notes: Option<String>,
    pub context_notes: Option<String>,
    /// Other names they go by ("Pat"), kept in `metadata.aliases`.
    #[serde(default)]
    pub aliases: Vec<String>,
}

crate::text_enum! {
    /// How a person relates to a task.
    TaskPersonRole {
        Subject => "subject",
        Recipient => "recipient",
        Stakeholder => "stakeholder",
        Mentioned => "mentioned",
    }
}
