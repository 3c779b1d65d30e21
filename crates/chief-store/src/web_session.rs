//! The dashboard's login sessions, kept on the server. The browser holds a
//! random token in a cookie; the store keeps its SHA-256, the user, an
//! expiry and the session's CSRF token.
//!
//! Server-side rather than a signed cookie: logging out, or changing the
//! password, ends a session at once (a signed value stays valid until it
//! expires), and there is no signing key to keep secret or rotate.

use crate::new_id;
use crate::tenancy::{get_user, hash_key, random_base62};
use crate::{Change, Db, StoreError, Tx};
use chief_domain::tenant::User;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// How long a session lasts from login.
pub const LIFETIME: Duration = Duration::days(7);

/// A signed-in browser.
#[derive(Clone, Debug)]
pub struct WebSession {
    pub id: Uuid,
    pub user: User,
    /// Every form POST of this session must carry it.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// A new session for `user_id` in the transaction's workspace; returns the
/// A random token for the login form's CSRF check: the form and a
/// short-lived cookie carry it before any session exists.
pub fn login_token() -> String {
    random_base62(32)
}

/// token for the cookie (never stored) and the session's id.
pub async fn start(tx: &mut Tx, user_id: Uuid) -> Result<(String, Uuid), StoreError> {
    let tenant = tx.tenant();
    let id = new_id();
    let token = random_base62(43);
    let now = tx.now();
    tx.execute(
        "INSERT INTO web_sessions (id, tenant_id, user_id, token_hash, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[id.into(), tenant.into(), user_id.into(), hash_key(&token).into(), random_base62(32).into(), now.into(), (now + LIFETIME).into()],
    )
    .await?;
    tx.audit(Change {
        action: "user.logged_in".into(),
        entity_type: "user",
        entity_id: user_id,
        details: serde_json::json!({"session_id": id}),
    })
    .await?;
    Ok((token, id))
}

/// The live session a cookie's token opens at `now`, if any.
pub async fn find(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<WebSession>, StoreError> {
    let Some(row) = db
        .fetch_optional(
            "SELECT id, tenant_id, user_id, csrf_token, expires_at FROM web_sessions WHERE token_hash = $1 AND expires_at > $2",
            &[hash_key(token).into(), now.into()],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(WebSession {
        id: row.uuid("id")?,
        user: get_user(db, row.tenant("tenant_id")?, row.uuid("user_id")?).await?,
        csrf_token: row.text("csrf_token")?,
        expires_at: row.ts("expires_at")?,
    }))
}

/// Ends a session (logout), and clears the workspace's expired ones.
pub async fn end(tx: &mut Tx, session_id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let user = tx
        .fetch_optional(
            "SELECT user_id FROM web_sessions WHERE tenant_id = $1 AND id = $2",
            &[tenant.into(), session_id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("session", session_id))?
        .uuid("user_id")?;
    let now = tx.now();
    tx.execute(
        "DELETE FROM web_sessions WHERE tenant_id = $1 AND (id = $2 OR expires_at <= $3)",
        &[tenant.into(), session_id.into(), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: "user.logged_out".into(),
        entity_type: "user",
        entity_id: user,
        details: serde_json::json!({"session_id": session_id}),
    })
    .await?;
    Ok(())
}
