//! Clients: the customers and accounts people belong to.

use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// Where a client relationship stands.
    ClientStatus {
        Prospect => "prospect",
        Active => "active",
        Churned => "churned",
        Archived => "archived",
    }
}

/// A customer or account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Client {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub name: String,
    pub status: ClientStatus,
    pub notes: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields of a new client (`POST /api/clients`); the status defaults
/// to active.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ClientCreate")]
pub struct NewClient {
    pub name: String,
    /// `prospect`, `active` (the default), `churned` or `archived`.
    pub status: Option<ClientStatus>,
    pub notes: Option<String>,
}

/// Changes to a client (`PUT /api/clients/{id}`); a field left out stays
/// as it is, and `null` clears the notes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ClientUpdate")]
pub struct ClientPatch {
    pub name: Option<String>,
    pub status: Option<ClientStatus>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub notes: Option<Option<String>>,
}
