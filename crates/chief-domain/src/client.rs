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

/// The fields of a new client; the status defaults to active.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewClient {
    pub name: String,
    pub status: Option<ClientStatus>,
    pub notes: Option<String>,
}

/// Changes to a client; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClientPatch {
    pub name: Option<String>,
    pub status: Option<ClientStatus>,
    pub notes: Option<Option<String>>,
}
