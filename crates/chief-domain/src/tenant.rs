//! Tenants (workspaces) and their users.

use crate::{DomainError, TenantId, text_enum};
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

/// The longest workspace name.
pub const MAX_NAME: usize = 255;
/// The longest workspace slug.
pub const MAX_SLUG: usize = 100;

/// A workspace name, trimmed: 1 to 255 characters on one line.
pub fn check_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid(
            "name",
            "must not be empty: give the workspace a name",
        ));
    }
    if name.chars().count() > MAX_NAME {
        return Err(DomainError::invalid(
            "name",
            format!("is longer than {MAX_NAME} characters"),
        ));
    }
    crate::one_line::check("name", name)?;
    Ok(name.to_string())
}

/// A workspace slug: 1 to 100 lower-case ASCII letters, digits and dashes,
/// as [`slugify`] makes them.
pub fn check_slug(slug: &str) -> Result<String, DomainError> {
    let ok = !slug.is_empty()
        && slug.len() <= MAX_SLUG
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        return Err(DomainError::invalid(
            "slug",
            format!(
                "{slug:?} is not a slug: use 1 to {MAX_SLUG} lower-case letters, digits and dashes"
            ),
        ));
    }
    Ok(slug.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_dashed_ascii() {
        assert_eq!(slugify("Acme Corp!"), "acme-corp");
        assert_eq!(slugify("  --  "), "workspace");
        assert_eq!(
            check_slug(&slugify("Acme Corp!")).as_deref(),
            Ok("acme-corp")
        );
        for bad in ["", "Acme", "acme corp", "acme\n", "acme/x"] {
            assert!(check_slug(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_workspace_name_is_one_trimmed_line_that_is_not_empty() {
        assert_eq!(check_name("  Acme  ").as_deref(), Ok("Acme"));
        assert_eq!(
            check_name(" ").unwrap_err().to_string(),
            "name must not be empty: give the workspace a name"
        );
        assert!(check_name("Acme\x1b[2J").is_err());
        assert!(check_name(&"x".repeat(MAX_NAME + 1)).is_err());
    }
}
