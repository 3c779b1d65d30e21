//! `/login` and `/logout`. A failed login says only that the email or
//! password is wrong (never which), and attempts are rate-limited per
//! email, so a password cannot be guessed quickly.

use crate::AppState;
use crate::web::page::{WebError, render, render_status};
use crate::web::session::{Posted, Viewer, is_https, set_cookie};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use chief_store::{Scope, password, web_session};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "web/login.html")]
struct LoginPage {
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site: an absolute URL or `//host` would send the
/// user elsewhere after login.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.into(),
        _ => "/".into(),
    }
}

pub async fn show(Query(q): Query<NextQuery>) -> Result<Response, WebError> {
    render(&LoginPage {
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_next(f.next.as_deref());
    let again = |status, error: &str| {
        render_status(
            status,
            &LoginPage {
                email: f.email.clone(),
                next: next.clone(),
                error: Some(error.into()),
            },
        )
    };
    let email = f.email.trim().to_ascii_lowercase();
    if let Err(retry_after) = state.logins.check(email.clone()) {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too many attempts. Try again in {retry_after} s."),
        );
    }
    let Some(user) = password::check_login(&state.db, &email, &f.password).await? else {
        return again(StatusCode::UNAUTHORIZED, "The email or password is wrong.");
    };
    let mut tx = state
        .db
        .write(&Scope::user(user.tenant_id, user.id))
        .await?;
    let (token, _) = web_session::start(&mut tx, user.id).await?;
    tx.commit().await?;
    let mut resp = Redirect::to(&next).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(Some(&token), is_https(&headers, &uri)),
    );
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
    let mut tx = state.db.write(&posted.viewer.scope()).await?;
    web_session::end(&mut tx, session.id).await?;
    tx.commit().await?;
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
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
