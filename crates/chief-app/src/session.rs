//! Dashboard sessions: signing in with an email and password, and signing
//! out. The cookie, the CSRF token and the rate limit are the web edge's.

use crate::write::in_tx;
use chief_domain::tenant::User;
use chief_store::{Db, Scope, StoreError, password, web_session};
use uuid::Uuid;

/// Opens a session for the user with this email and password; `None` when
/// either is wrong. Returns the user and the session's token (for the
/// cookie; only its hash is stored).
pub async fn log_in(
    db: &Db,
    email: &str,
    password: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let Some(user) = password::check_login(db, email, password).await? else {
        return Ok(None);
    };
    let scope = Scope::user(user.tenant_id, user.id);
    let (token, _) = in_tx(db, &scope, async |tx, id| web_session::start(tx, id).await).await?;
    Ok(Some((user, token)))
}

/// Ends session `session_id` (and clears the workspace's expired ones).
pub async fn log_out(db: &Db, scope: &Scope, session_id: Uuid) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| {
        web_session::end(tx, session_id).await
    })
    .await
}
