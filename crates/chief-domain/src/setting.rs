//! Settings: named JSON values per tenant, optionally per user.

use crate::TenantId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One setting. A user's value overrides the tenant's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Setting {
    pub tenant_id: TenantId,
    pub user_id: Option<Uuid>,
    pub key: String,
    pub value: serde_json::Value,
    pub updated_at: DateTime<Utc>,
}
