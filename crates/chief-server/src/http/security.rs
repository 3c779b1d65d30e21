//! The security headers every answer carries, pages and API alike, set in
//! one layer ([`headers`]):
//! - a Content-Security-Policy that lets a page load scripts, styles,
//!   images and connections from this origin only, run no inline script,
//!   and be framed by no one (`frame-ancestors 'none'`, with
//!   `X-Frame-Options: DENY` for older browsers). The dashboard keeps to
//!   it: its script and stylesheet are files under `/static`, and htmx is
//!   told not to add its inline indicator style (`templates/web/base.html`).
//!   A page that needs another policy sets its own, which this layer
//!   leaves alone (the API docs, see `api::openapi::docs`);
//! - `X-Content-Type-Options: nosniff`, so a body is read only as the type
//!   it is served as;
//! - `Referrer-Policy: same-origin`, so a link out of the dashboard does
//!   not tell the other site which page (or which id) it came from.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of every page that does not set its own.
pub const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Middleware: adds the security headers to every answer.
pub async fn headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(POLICY));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
