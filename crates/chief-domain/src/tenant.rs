//! Tenants (workspaces) and their users.

use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// How a tenant's data is isolated (seed 003's models A and B).
    DatabaseMode {
        Shared => "shared",
        Dedicated => "dedicated",
    }
}

text_enum! {
    /// What a user may do in their tenant.
    Role {
        Owner => "owner",
        Admin => "admin",
        Member => "member",
    }
}

/// A workspace: an organisation or one person's account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub slug: String,
    pub database_mode: DatabaseMode,
    pub tier: String,
    pub settings: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A person who signs in to a tenant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub settings: serde_json::Value,
    pub timezone: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Turns a name into a slug: lower-case ASCII letters, digits and dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "workspace".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_lowercase_dashed_ascii() {
        assert_eq!(super::slugify("Acme Corp!"), "acme-corp");
        assert_eq!(super::slugify("  --  "), "workspace");
    }
}
