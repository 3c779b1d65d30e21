//! API keys: creating and revoking one, for the API, the settings page and
//! the CLI alike. Whose key it may be (a member only their own) is the
//! edge's to check, as it knows the caller's role.

use crate::write::{acting_user, in_tx};
use chief_domain::api_key::ApiKey;
use chief_store::{Db, Scope, StoreError, tenancy};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// The longest key name, in characters.
pub const MAX_NAME: usize = 100;

/// A new key (the body of `POST /api/keys`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "KeyCreate")]
pub struct KeyCreate {
    /// A label to tell keys apart, such as `laptop`.
    pub name: String,
    /// Another user to create the key for (owners and admins).
    pub user_id: Option<Uuid>,
}

/// A key's name, trimmed: 1 to 100 characters, no NUL.
pub fn check_name(name: &str) -> Result<&str, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.contains('\0') {
        return Err(StoreError::invalid("name", "must be 1 to 100 characters"));
    }
    Ok(name)
}

/// Creates a key for `user_id` (the scope's user when absent); returns
/// the full key, shown this once, and its record.
pub async fn create(
    db: &Db,
    scope: &Scope,
    new: KeyCreate,
) -> Result<(String, ApiKey), StoreError> {
    let name = check_name(&new.name)?;
    let user = match new.user_id {
        Some(id) => id,
        None => acting_user(scope)?,
    };
    in_tx(db, scope, async |tx, _| {
        tenancy::create_key(tx, user, name).await
    })
    .await
}

/// Revokes key `id`; revoking it twice is a conflict.
pub async fn revoke(db: &Db, scope: &Scope, id: Uuid) -> Result<ApiKey, StoreError> {
    in_tx(db, scope, async |tx, _| {
        tenancy::revoke_key_by_id(tx, id).await
    })
    .await
}

/// Revokes the tenant's key with this id or prefix.
pub async fn revoke_by_ref(
    db: &Db,
    scope: &Scope,
    id_or_prefix: &str,
) -> Result<ApiKey, StoreError> {
    in_tx(db, scope, async |tx, _| {
        tenancy::revoke_key(tx, id_or_prefix).await
    })
    .await
}
