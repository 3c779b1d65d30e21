//! API-key authentication. A key is accepted in `X-API-Key` or
//! `Authorization: Bearer`; it resolves to a user and the user's tenant,
//! which scopes everything the request touches.

use crate::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chief_domain::tenant::User;
use chief_store::{Scope, tenancy};

/// The authenticated caller.
pub struct Caller {
    pub user: User,
}

impl Caller {
    /// A write scope for this caller.
    pub fn scope(&self) -> Scope {
        Scope::user(self.user.tenant_id, self.user.id)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let key = headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .or_else(|| {
                headers
                    .get(axum::http::header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::unauthorized("send an API key in X-API-Key or Authorization: Bearer")
            })?;
        match tenancy::authenticate(&state.db, key).await? {
            Some((user, _)) => Ok(Caller { user }),
            None => Err(ApiError::unauthorized("the API key is unknown or revoked")),
        }
    }
}
