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

/// The fields of a new person (`POST /api/people`, `chief people add`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PersonCreate")]
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
    /// Other names they go by, such as "Pat": knowledge routing finds them
    /// by these too. Kept in `metadata.aliases`.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Changes to a person (`PUT /api/people/{id}`); a field left out stays as
/// it is, and `null` clears an optional one.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PersonUpdate")]
pub struct PersonPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub client_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub relationship: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub relationship_to_user: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub political_context: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub communication_notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub context_notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub last_contact: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub next_follow_up: Option<Option<DateTime<Utc>>>,
    /// Replaces the other names they go by; `[]` clears them.
    pub aliases: Option<Vec<String>>,
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
