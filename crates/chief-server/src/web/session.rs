//! Who is looking at a page: the session cookie resolved to a user, and the
//! CSRF check every form POST passes.
//!
//! The cookie (`chief_session`) is HttpOnly and SameSite=Lax, and Secure
//! when the request came over https (directly or through a proxy that says
//! so in `X-Forwarded-Proto`). It holds an opaque token; the store keeps
//! the session (see `chief_store::web_session` for why).

use crate::AppState;
use crate::http::trace::TraceId;
use crate::web::page::WebError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use chief_domain::TenantId;
use chief_store::Scope;
use chief_store::web_session::{self, WebSession};
use chrono::Utc;
use serde::de::DeserializeOwned;

/// The session cookie's name.
pub const COOKIE: &str = "chief_session";

/// The cookie that carries the login form's CSRF token before a session
/// exists (a double-submit check: the form's field must match it).
pub const LOGIN_COOKIE: &str = "chief_login_csrf";

/// How long a login form stays valid, in seconds.
const LOGIN_FORM_SECONDS: i64 = 3600;

/// The header htmx requests carry the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in browser, for a page handler.
#[derive(Clone)]
pub struct Viewer {
    pub session: WebSession,
    pub trace_id: String,
}

impl Viewer {
    /// The viewer's workspace.
    pub fn tenant(&self) -> TenantId {
        self.session.user.tenant_id
    }

    /// The viewer's user id.
    pub fn user_id(&self) -> uuid::Uuid {
        self.session.user.id
    }

    /// The viewer's time zone; an unknown name falls back to UTC rather
    /// than failing the page.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.session.user.timezone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// Whether the viewer sees the whole workspace (an owner or admin), as
    /// `Caller::sees_workspace` decides for the API.
    pub fn sees_workspace(&self) -> bool {
        matches!(
            self.session.user.role,
            chief_domain::tenant::Role::Owner | chief_domain::tenant::Role::Admin
        )
    }

    /// A write scope for the viewer, carrying the request's trace id.
    pub fn scope(&self) -> Scope {
        let mut scope = Scope::user(self.tenant(), self.user_id());
        scope.trace_id = Some(self.trace_id.clone());
        scope
    }
}

/// The value of a cookie in the request, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the browser reached us over https.
pub fn is_https(parts_headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    uri.scheme_str() == Some("https")
        || parts_headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The `Set-Cookie` value that stores `token` (or, with `None`, clears it).
pub fn set_cookie(token: Option<&str>, secure: bool) -> HeaderValue {
    let (value, age) = match token {
        Some(t) => (t, web_session::LIFETIME.num_seconds()),
        None => ("", 0),
    };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}"
    ))
    .expect("a base62 token makes a valid header value")
}

/// The `Set-Cookie` value for the login form's token (or, with `None`,
/// clearing it). Strict and scoped to `/login`: no other site's page can
/// make a browser send it, and no other path sees it.
pub fn set_login_cookie(token: Option<&str>, secure: bool) -> HeaderValue {
    let (value, age) = match token {
        Some(t) => (t, LOGIN_FORM_SECONDS),
        None => ("", 0),
    };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{LOGIN_COOKIE}={value}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={age}{secure}"
    ))
    .expect("a base62 token makes a valid header value")
}

/// Why a login form's token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginTokenFault {
    /// The post carried no token: it never came from our form.
    Missing,
    /// The form had a token but its cookie is gone: its time ran out.
    Expired,
    /// The token is not its cookie's: another form replaced this one.
    Mismatch,
}

/// Whether the login form's `sent` token matches its cookie, and if not,
/// why not.
pub fn check_login_token(headers: &HeaderMap, sent: &str) -> Result<(), LoginTokenFault> {
    if sent.is_empty() {
        return Err(LoginTokenFault::Missing);
    }
    match cookie(headers, LOGIN_COOKIE) {
        Some(c) if !c.is_empty() && same(&c, sent) => Ok(()),
        Some(c) if !c.is_empty() => Err(LoginTokenFault::Mismatch),
        _ => Err(LoginTokenFault::Expired),
    }
}

/// Where to come back to after logging in: this request's path and query.
fn here(parts: &Parts) -> String {
    // An htmx request is for a fragment; come back to the page it was on.
    if let Some(page) = parts
        .headers
        .get("hx-current-url")
        .and_then(|v| v.to_str().ok())
        .and_then(url_path)
    {
        return page;
    }
    parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into())
}

/// The path and query of an absolute URL.
fn url_path(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let at = rest.find('/')?;
    Some(rest[at..].to_string())
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let htmx = parts.headers.contains_key("hx-request");
        let login = || WebError::Login {
            next: here(parts),
            htmx,
        };
        let Some(token) = cookie(&parts.headers, COOKIE) else {
            return Err(login());
        };
        let Some(session) = web_session::find(&state.db, &token, Utc::now()).await? else {
            return Err(login());
        };
        let trace_id = parts
            .extensions
            .get::<TraceId>()
            .map(|t| t.0.clone())
            .unwrap_or_else(chief_store::new_trace_id);
        Ok(Viewer { session, trace_id })
    }
}

/// A form POST from a signed-in browser whose CSRF token matched: the
/// `csrf` field, or the `X-CSRF-Token` header htmx sends.
pub struct Posted<T> {
    pub viewer: Viewer,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| WebError::bad_request("the form is too large"))?;
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| {
                form_urlencoded::parse(&bytes)
                    .find(|(k, _)| k == "csrf")
                    .map(|(_, v)| v.into_owned())
            });
        if !sent.is_some_and(|s| same(&s, &viewer.session.csrf_token)) {
            return Err(WebError::Csrf);
        }
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| WebError::bad_request(format!("the form did not read: {e}")))?;
        Ok(Posted { viewer, form })
    }
}

/// Compares two tokens in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; chief_session=tok; b=2"),
        );
        assert_eq!(cookie(&h, COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn the_cookie_is_http_only_lax_and_secure_only_over_https() {
        let plain = set_cookie(Some("tok"), false);
        let plain = plain.to_str().unwrap();
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        assert!(
            set_cookie(Some("tok"), true)
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
        assert!(
            set_cookie(None, false)
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
