//! Users' dashboard passwords: argon2id hashes in `users.password_hash`,
//! set by `chief init --password` and `chief users passwd`, checked when the
//! dashboard logs someone in. Setting a password ends the user's sessions,
//! so a changed password locks out whoever knew the old one.

use crate::tenancy::get_user;
use crate::{Change, Db, StoreError, Tx};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chief_domain::tenant::User;
use uuid::Uuid;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 8;

/// A hash to verify against when no user matches, so a login for an
/// unknown email costs as much time as one for a known email.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$Y2hpZWZkZWNveXNhbHQ$2YQeoeVWn5GxbeKyeiA6X0rNx60BTsMdlVqgh9KuaCQ";

fn hash(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| StoreError::Config(format!("cannot make a password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Config(format!("cannot hash the password: {e}")))
}

fn matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Sets a user's password (at least [`MIN_LENGTH`] characters) and ends
/// their dashboard sessions.
pub async fn set_password(tx: &mut Tx, user_id: Uuid, password: &str) -> Result<(), StoreError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(StoreError::invalid(
            "password",
            format!("use at least {MIN_LENGTH} characters"),
        ));
    }
    let tenant = tx.tenant();
    let hashed = hash(password)?;
    let updated = tx
        .execute(
            "UPDATE users SET password_hash = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
            &[
                tenant.into(),
                user_id.into(),
                hashed.into(),
                tx.now().into(),
            ],
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::not_found("user", user_id));
    }
    tx.execute(
        "DELETE FROM web_sessions WHERE tenant_id = $1 AND user_id = $2",
        &[tenant.into(), user_id.into()],
    )
    .await?;
    tx.audit(Change {
        action: "user.password_set".into(),
        entity_type: "user",
        entity_id: user_id,
        // Never the hash: the audit log is readable by every owner.
        details: serde_json::json!({}),
    })
    .await?;
    Ok(())
}

/// Whether the user has a password, so the dashboard can let them in.
pub async fn has_password(db: &Db, user: &User) -> Result<bool, StoreError> {
    Ok(db
        .fetch_optional(
            "SELECT 1 AS one FROM users WHERE tenant_id = $1 AND id = $2 AND password_hash IS NOT NULL",
            &[user.tenant_id.into(), user.id.into()],
        )
        .await?
        .is_some())
}

/// The user whose email and password these are, in any workspace; `None`
/// for an unknown email, a user without a password or a wrong password,
/// which callers must not tell apart.
pub async fn check_login(db: &Db, email: &str, password: &str) -> Result<Option<User>, StoreError> {
    let email = email.trim().to_ascii_lowercase();
    let rows = db
        .fetch_all(
            "SELECT id, tenant_id, password_hash FROM users WHERE email = $1 AND password_hash IS NOT NULL ORDER BY created_at",
            &[email.as_str().into()],
        )
        .await?;
    if rows.is_empty() {
        let _ = matches(password, DECOY);
        return Ok(None);
    }
    for row in rows {
        if matches(password, &row.text("password_hash")?) {
            return Ok(Some(
                get_user(db, row.tenant("tenant_id")?, row.uuid("id")?).await?,
            ));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash("correct horse").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(matches("correct horse", &stored));
        assert!(!matches("correct hors", &stored));
        assert!(!matches("anything", "not a hash"));
    }

    #[test]
    fn the_decoy_is_a_well_formed_hash() {
        assert!(PasswordHash::new(DECOY).is_ok());
    }
}
