//! JSON bodies and query strings whose rejections are problem+json, so a bad
//! request gets the same error shape as every other failure:
//! - malformed JSON is 400 with the line and column;
//! - a wrong type or an unknown field is 422 naming the field;
//! - JSON that is not an object (an array, a string) is 422 on `body`;
//! - a body over the limit is 413; a body that is not JSON is 415.

use crate::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use chief_json::Rejection;
use serde::de::DeserializeOwned;

/// A JSON request body.
pub struct Body<T>(pub T);

/// A JSON request body that may be left out: an empty body is `None`.
pub struct MaybeBody<T>(pub Option<T>);

/// The configured body limit, so a 413 can say what it is.
#[derive(Clone, Copy)]
pub struct BodyLimit(pub usize);

async fn read<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    if let Some(ct) = req.headers().get(CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or_default().to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or_default().trim();
        if !(essence == "application/json" || essence.ends_with("+json")) {
            return Err(ApiError::unsupported_media(format!(
                "send the body as application/json, not {essence}"
            )));
        }
    }
    let limit = req.extensions().get::<BodyLimit>().map(|l| l.0);
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(limit.unwrap_or(0))
        } else {
            ApiError::bad_request(e.body_text())
        }
    })
}

/// Parses JSON, naming the field that failed.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    chief_json::parse(bytes, "body").map_err(problem)
}

/// The problem a rejected body gets: 400 when it is empty or not JSON, 422
/// naming the field when its shape is wrong.
fn problem(rejection: Rejection) -> ApiError {
    match rejection {
        Rejection::Empty => ApiError::bad_request("this request needs a JSON body"),
        Rejection::Malformed(detail) => ApiError::bad_request(format!("malformed JSON: {detail}")),
        Rejection::Field { field, message } => ApiError::invalid(&field, message),
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read(req, state).await?;
        parse_json(&bytes).map(Body)
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for MaybeBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read(req, state).await?;
        parse_maybe_json(&bytes).map(MaybeBody)
    }
}

/// Parses a body that may be left out: empty or all JSON whitespace is `None`.
pub fn parse_maybe_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<Option<T>, ApiError> {
    chief_json::parse_maybe(bytes, "body").map_err(problem)
}

/// A query string.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Params)
            .map_err(|e| {
                let path = e.path().to_string();
                let (field, message) =
                    chief_json::field_of(&path, &e.into_inner().to_string(), "query");
                ApiError::invalid(&field, message)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        priority: Option<i64>,
    }

    fn field_of(e: &ApiError) -> &str {
        &e.errors[0].0
    }

    #[test]
    fn wrong_types_and_unknown_fields_name_the_field() {
        let e = parse_json::<T>(br#"{"title": 5}"#).unwrap_err();
        assert_eq!((e.status.as_u16(), field_of(&e)), (422, "title"));
        let e = parse_json::<T>(br#"{"title": "x", "colour": 1}"#).unwrap_err();
        assert_eq!((e.status.as_u16(), field_of(&e)), (422, "colour"));
        let e = parse_json::<T>(br#"{"priority": 1}"#).unwrap_err();
        assert_eq!((e.status.as_u16(), field_of(&e)), (422, "title"));
        assert_eq!(e.detail, "title: is required");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_422_naming_no_rust_type() {
        let e = parse_json::<T>(br#"["x", 1]"#).unwrap_err();
        assert_eq!((e.status.as_u16(), field_of(&e)), (422, "body"));
        assert_eq!(e.detail, "body: must be a JSON object");
        let e = parse_maybe_json::<T>(b"[]").unwrap_err();
        assert_eq!(e.detail, "body: must be a JSON object");
    }

    #[test]
    fn malformed_and_empty_bodies_are_400() {
        let e = parse_json::<T>(br#"{"title": "#).unwrap_err();
        assert_eq!(e.status.as_u16(), 400);
        assert!(e.detail.starts_with("malformed JSON"), "{}", e.detail);
        let e = parse_json::<T>(b"").unwrap_err();
        assert_eq!(e.detail, "this request needs a JSON body");
    }

    #[test]
    fn an_optional_body_may_be_empty_or_blank_but_not_malformed() {
        assert!(parse_maybe_json::<T>(b"").unwrap().is_none());
        assert!(parse_maybe_json::<T>(b" \r\n\t").unwrap().is_none());
        let t = parse_maybe_json::<T>(br#"{"title": "x"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(t.title, "x");
        let e = parse_maybe_json::<T>(b"{").unwrap_err();
        assert_eq!(e.status.as_u16(), 400);
    }
}
