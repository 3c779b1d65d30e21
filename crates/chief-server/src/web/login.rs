//! `/login` and `/logout`. A failed login says only that the email or
//! password is wrong (never which), and failures are limited per client
//! address and email together, so a password cannot be guessed quickly,
//! nobody can lock another person out from elsewhere, and signing in
//! successfully clears the count. The login form carries
//! a CSRF token that must match its short-lived cookie, so another site
//! cannot sign a browser in to an account of its choosing.

use crate::AppState;
use crate::web::page::{WebError, render_status};
use crate::web::session::{
    LoginTokenFault, Posted, Viewer, check_login_token, is_https, set_cookie, set_login_cookie,
};
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chief_store::web_session;
use serde::Deserialize;
use std::net::SocketAddr;
use url::{Position, Url};

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage {
    email: String,
    next: String,
    error: Option<String>,
    csrf: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after login: only a path on this site, read the way a
/// browser reads it. Browsers drop tabs and line breaks inside a URL and
/// take `\` for `/`, so `/\t/evil.example` is `//evil.example`, another
/// host; a control character would not fit in a header at all. So `next`
/// must start with `/`, hold no control character or backslash, and
/// resolve to this origin; anything else goes to `/`.
fn safe_next(next: Option<&str>) -> String {
    let base = Url::parse("http://chief.invalid/").expect("a valid base URL");
    let local = next
        .filter(|n| n.starts_with('/') && !n.chars().any(|c| c.is_control() || c == '\\'))
        .and_then(|n| base.join(n).ok())
        .filter(|url| url.origin() == base.origin());
    match local {
        Some(url) => url[Position::BeforePath..].to_string(),
        None => "/".into(),
    }
}

/// The login form with a fresh CSRF token, in the form and in its cookie.
fn form(
    status: StatusCode,
    page: LoginPage,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<Response, WebError> {
    let mut resp = render_status(status, &page)?;
    resp.headers_mut().insert(
        header::SET_COOKIE,
        set_login_cookie(Some(&page.csrf), is_https(headers, uri)),
    );
    Ok(resp)
}

pub async fn show(
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let page = LoginPage {
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
        csrf: web_session::login_token(),
    };
    form(StatusCode::OK, page, &headers, &uri)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
    #[serde(default)]
    csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    uri: Uri,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_next(f.next.as_deref());
    let again = |status, error: &str| {
        let page = LoginPage {
            email: f.email.clone(),
            next: next.clone(),
            error: Some(error.into()),
            csrf: web_session::login_token(),
        };
        form(status, page, &headers, &uri)
    };
    if let Err(fault) = check_login_token(&headers, &f.csrf) {
        let error = match fault {
            LoginTokenFault::Missing => {
                "This form is missing its security token; reload the page and sign in again."
            }
            LoginTokenFault::Expired => "This login form expired. Enter your password again.",
            LoginTokenFault::Mismatch => {
                "This login form was replaced by a newer one (in another tab?). Enter your password again."
            }
        };
        return again(StatusCode::FORBIDDEN, error);
    }
    let email = f.email.trim().to_ascii_lowercase();
    // No address is one client: the in-process router of the tests.
    let attempt = (client.map(|c| c.0.0.ip()), email.clone());
    if let Err(retry_after) = state.logins.allowed(attempt.clone()) {
        let mut resp = again(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too many failed attempts. Try again in {retry_after} s."),
        )?;
        resp.headers_mut()
            .insert(header::RETRY_AFTER, retry_after.into());
        return Ok(resp);
    }
    let Some((_, token)) = chief_app::session::log_in(&state.db, &email, &f.password).await? else {
        state.logins.spend(attempt);
        return again(StatusCode::UNAUTHORIZED, "The email or password is wrong.");
    };
    state.logins.forget(&attempt);
    let secure = is_https(&headers, &uri);
    let mut resp = Redirect::to(&next).into_response();
    let cookies = resp.headers_mut();
    cookies.insert(header::SET_COOKIE, set_cookie(Some(&token), secure));
    cookies.append(header::SET_COOKIE, set_login_cookie(None, secure));
    Ok(resp)
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    posted: Posted<Empty>,
) -> Result<Response, WebError> {
    let Viewer { session, .. } = &posted.viewer;
    chief_app::session::log_out(&state.db, &posted.viewer.scope(), session.id).await?;
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(None, is_https(&headers, &uri)),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_a_local_path_is_returned_to() {
        assert_eq!(safe_next(Some("/tasks?f=mine")), "/tasks?f=mine");
        assert_eq!(safe_next(Some("/briefings#latest")), "/briefings#latest");
        assert_eq!(safe_next(None), "/");
        for away in [
            "//evil.example",
            "https://evil.example",
            "https:evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/tasks\r\nSet-Cookie: a=b",
        ] {
            assert_eq!(safe_next(Some(away)), "/", "{away:?}");
        }
    }
}
