//! Path ids and paging, read the same way by every endpoint.

use crate::ApiError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use chief_store::Page;
use uuid::Uuid;

/// The `{id}` of a path such as `/tasks/{id}`. A value that is not a UUID
/// is a 422 naming `id`.
pub struct Id(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        Uuid::parse_str(&raw)
            .map(Id)
            .map_err(|_| ApiError::invalid("id", format!("{raw:?} is not a UUID")))
    }
}

/// The default page size.
pub const DEFAULT_LIMIT: i64 = 50;

/// A page from `limit` (1 to 1000, 50 by default) and `offset` (0 or more).
pub fn page(limit: Option<i64>, offset: Option<i64>) -> Result<Page, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=Page::MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be 1 to {}, not {limit}", Page::MAX_LIMIT),
        ));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::invalid("offset", "must be 0 or more"));
    }
    Ok(Page::new(limit, offset))
}
