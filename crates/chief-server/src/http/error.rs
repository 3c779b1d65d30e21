//! The API's one error type, rendered as RFC 9457 `application/problem+json`
//! with a stable `type` for each kind of failure and field-level details for
//! validation errors.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chief_domain::DomainError;
use chief_store::StoreError;
use serde_json::json;

/// A failure to report to the client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// A stable identifier such as `/problems/not-found`.
    pub kind: &'static str,
    pub title: &'static str,
    pub detail: String,
    /// `[{field, message}]` for validation errors.
    pub errors: Vec<(String, String)>,
    /// Seconds to wait, sent as `Retry-After` with a 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            kind,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 404 for a missing (or another tenant's) entity.
    pub fn not_found(entity: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "/problems/not-found",
            "Not found",
            format!("no {entity} {id} in this workspace"),
        )
    }

    /// 401 for a missing or unknown key; answered with
    /// `WWW-Authenticate: Bearer realm="chief"`.
    pub fn unauthorized(detail: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "/problems/unauthorized",
            "Unauthorized",
            detail,
        )
    }

    /// 403 for a caller whose role is too low.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "/problems/forbidden",
            "Forbidden",
            detail,
        )
    }

    /// 429 for a key over its rate limit.
    pub fn rate_limited(retry_after: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "/problems/rate-limited",
            "Too many requests",
            format!("this key is over its rate limit; retry in {retry_after} s"),
        );
        e.retry_after = Some(retry_after);
        e
    }

    /// 413 for a body over the configured limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "/problems/too-large",
            "Body too large",
            format!("the request body is over the {limit}-byte limit"),
        )
    }

    /// 415 for a body that is not JSON.
    pub fn unsupported_media(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "/problems/unsupported-media-type",
            "Unsupported media type",
            detail,
        )
    }

    /// 500 for a failure that is ours, not the caller's.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "/problems/internal",
            "Internal error",
            detail,
        )
    }

    /// 503 for something the server was not set up to do (chat with no
    /// model configured).
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "/problems/unavailable",
            "Unavailable",
            detail,
        )
    }

    /// 400 for a body or query that cannot be read.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "/problems/bad-request",
            "Bad request",
            detail,
        )
    }

    /// 422 for a value that breaks a rule, naming the field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
            "Invalid input",
            format!("{field}: {message}"),
        );
        e.errors.push((field.to_string(), message));
        e
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, id } => ApiError::not_found(entity, &id),
            StoreError::Domain(DomainError::Transition(t)) => ApiError::new(
                StatusCode::CONFLICT,
                "/problems/invalid-transition",
                "Invalid transition",
                t.to_string(),
            ),
            StoreError::Domain(DomainError::Invalid { field, reason }) => {
                ApiError::invalid(field, reason)
            }
            StoreError::Domain(e @ DomainError::InvalidValue { .. }) => {
                ApiError::invalid("value", e.to_string())
            }
            StoreError::Conflict(detail) => ApiError::new(
                StatusCode::CONFLICT,
                "/problems/conflict",
                "Conflict",
                detail,
            ),
            StoreError::Locked | StoreError::Unavailable(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "/problems/unavailable",
                "Store unavailable",
                e.to_string(),
            ),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError::from(StoreError::Domain(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": self.kind,
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if !self.errors.is_empty() {
            body["errors"] = self
                .errors
                .iter()
                .map(|(field, message)| json!({"field": field, "message": message}))
                .collect();
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            // Says which scheme to use, so a client (an MCP inspector) asks
            // for a key instead of guessing at OAuth.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Bearer realm="chief""#),
            );
        }
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
