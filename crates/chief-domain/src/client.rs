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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
