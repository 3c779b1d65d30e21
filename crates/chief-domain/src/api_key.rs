//! API keys. A key looks like `chief_<prefix>_<secret>`; only the SHA-256 of
//! the whole key is stored, and the prefix lets a person tell keys apart.

use crate::TenantId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A stored key, without its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiKey {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Splits `chief_<prefix>_<secret>` into its prefix, or `None` if the text is
/// not shaped like a chief key.
pub fn key_prefix(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("chief_")?;
    let (prefix, secret) = rest.split_once('_')?;
    let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    (ok(prefix) && ok(secret) && secret.len() >= 32).then_some(prefix)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_well_formed_keys_have_a_prefix() {
        let key = format!("chief_ab12cd34_{}", "x".repeat(40));
        assert_eq!(super::key_prefix(&key), Some("ab12cd34"));
        assert_eq!(super::key_prefix("chief_ab12_short"), None);
        assert_eq!(super::key_prefix("sk-something"), None);
    }
}
