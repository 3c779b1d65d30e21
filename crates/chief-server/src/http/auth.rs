//! API-key authentication, roles and the per-key rate limit. A key is
//! accepted in `X-API-Key` or `Authorization: Bearer`; it resolves to a user
//! and the user's tenant, which scopes everything the request touches.
//! [`authenticate`] runs once per request as middleware; handlers take the
//! result as a [`Caller`].

use crate::http::cache::KnownKey;
use crate::http::trace::TraceId;
use crate::{ApiError, AppState};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use chief_domain::TenantId;
use chief_domain::tenant::{Role, User};
use chief_store::{Scope, audit, tenancy};
use uuid::Uuid;

/// The authenticated caller.
#[derive(Clone)]
pub struct Caller {
    pub user: User,
    /// The key the request presented.
    #[allow(dead_code)]
    pub key_id: Uuid,
    pub trace_id: String,
    /// The tenant's audit head when the request was authenticated.
    pub seq: i64,
}

impl Caller {
    /// The caller's tenant.
    pub fn tenant(&self) -> TenantId {
        self.user.tenant_id
    }

    /// Whether the caller sees everyone's jobs, channels and triggers in
    /// the workspace (owners and admins), not only their own.
    pub fn sees_workspace(&self) -> bool {
        matches!(self.user.role, Role::Owner | Role::Admin)
    }

    /// A write scope for this caller, carrying the request's trace id to
    /// the audit rows it writes.
    pub fn scope(&self) -> Scope {
        let mut scope = Scope::user(self.user.tenant_id, self.user.id);
        scope.trace_id = Some(self.trace_id.clone());
        scope
    }
}

/// How much a role may do: owner > admin > member.
fn rank(role: Role) -> u8 {
    match role {
        Role::Owner => 3,
        Role::Admin => 2,
        Role::Member => 1,
    }
}

/// The key a request presents, if any: `X-API-Key`, else the credentials
/// of `Authorization: Bearer`, whose scheme name is matched in any case
/// (RFC 9110 §11.1: `bearer` and `BEARER` are `Bearer`).
pub fn presented_key(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(bearer_credentials)
        })
        .map(str::trim)
}

/// The credentials of a `Bearer` authorization value.
pub(crate) fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim_start().split_once([' ', '\t'])?;
    scheme.eq_ignore_ascii_case("bearer").then_some(credentials)
}

/// Middleware: resolves the key to a caller, applies the key's rate limit
/// and hands the caller to the handler.
pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let key = presented_key(req.headers()).ok_or_else(|| {
        ApiError::unauthorized("send an API key in X-API-Key or Authorization: Bearer")
    })?;
    let known = resolve(&state, key).await?;
    if let Err(retry_after) = state.limiter.check(known.key_id) {
        return Err(ApiError::rate_limited(retry_after));
    }
    let trace_id = req
        .extensions()
        .get::<TraceId>()
        .map(|t| t.0.clone())
        .unwrap_or_else(chief_store::new_trace_id);
    req.extensions_mut().insert(Caller {
        user: known.user,
        key_id: known.key_id,
        trace_id,
        seq: known.seq,
    });
    Ok(next.run(req).await)
}

/// What a key resolves to: from the cache while the tenant's audit head
/// has not moved (revoking a key or changing a user moves it), else from
/// the store.
async fn resolve(state: &AppState, key: &str) -> Result<KnownKey, ApiError> {
    let unknown = || ApiError::unauthorized("the API key is unknown or revoked");
    let hash = tenancy::hash_key(key);
    // The head is read before the key is checked, so a revocation committed
    // after the check moves the head past the remembered one.
    let seq = match state.caches.key(&hash) {
        Some(known) => {
            let seq = audit::head_seq(&state.db, known.user.tenant_id).await?;
            if seq == known.seq {
                return Ok(known);
            }
            Some(seq)
        }
        None => None,
    };
    let (user, api_key) = tenancy::authenticate(&state.db, key)
        .await?
        .ok_or_else(|| {
            state.caches.forget_key(&hash);
            unknown()
        })?;
    let seq = match seq {
        Some(seq) => seq,
        // First sight of this key: read the head, then check once more.
        None => {
            let seq = audit::head_seq(&state.db, user.tenant_id).await?;
            if tenancy::authenticate(&state.db, key).await?.is_none() {
                return Err(unknown());
            }
            seq
        }
    };
    let known = KnownKey {
        user,
        key_id: api_key.id,
        seq,
    };
    state.caches.remember_key(hash, known.clone());
    Ok(known)
}

/// Route middleware: answers 403 unless the caller holds at least `role`.
pub async fn require_role(role: Role, req: Request, next: Next) -> Result<Response, ApiError> {
    let caller = req
        .extensions()
        .get::<Caller>()
        .ok_or_else(|| ApiError::unauthorized("send an API key"))?;
    if rank(caller.user.role) < rank(role) {
        return Err(ApiError::forbidden(format!(
            "this needs the {role} role; your key belongs to a {}",
            caller.user.role
        )));
    }
    Ok(next.run(req).await)
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("send an API key"))
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_credentials;

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        for value in ["Bearer k", "bearer k", "BEARER k", "bEaReR  k"] {
            assert_eq!(
                bearer_credentials(value).map(str::trim),
                Some("k"),
                "{value}"
            );
        }
        for value in ["Basic k", "Bearerk", "Bearer", "Token k"] {
            assert_eq!(bearer_credentials(value), None, "{value}");
        }
    }
}
