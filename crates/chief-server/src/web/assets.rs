//! The dashboard's static files, embedded in the binary: htmx (vendored,
//! see `assets/htmx/README.md`), one stylesheet and one small script.
//! Nothing is loaded from a CDN.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const HTMX: &[u8] = include_bytes!("../../assets/htmx/htmx.min.js");
const CSS: &[u8] = include_bytes!("../../assets/web/app.css");
const JS: &[u8] = include_bytes!("../../assets/web/app.js");

pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return crate::ApiError::not_found("asset", &name).into_response(),
    };
    let mut resp = body.into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // An hour: the files change only with the binary.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    resp
}
