//! What every page shares: the layout's data ([`Nav`]), rendering a
//! template to a response, and [`WebError`], which turns a failure into an
//! HTML page (or a redirect to the login page) the way `ApiError` turns it
//! into problem+json.

use crate::ApiError;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chief_store::StoreError;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The layout's data: who is signed in, their CSRF token for forms, and
/// which section of the navigation is open.
pub struct Nav {
    pub user: String,
    pub csrf: String,
    pub active: &'static str,
}

impl Nav {
    /// The layout for `viewer` on the page `active`.
    pub fn new(viewer: &crate::web::session::Viewer, active: &'static str) -> Self {
        let user = &viewer.session.user;
        Nav {
            user: user.name.clone().unwrap_or_else(|| user.email.clone()),
            csrf: viewer.session.csrf_token.clone(),
            active,
        }
    }
}

/// The sections of the navigation, as (path, label), in the order the
/// navigation shows them.
pub const SECTIONS: [(&str, &str); 13] = [
    ("/", "Dashboard"),
    ("/tasks", "Tasks"),
    ("/questions", "Questions"),
    ("/drafts", "Drafts"),
    ("/projects", "Projects"),
    ("/people", "People"),
    ("/playbooks", "Playbooks"),
    ("/knowledge", "Knowledge"),
    ("/calendar", "Calendar"),
    ("/sales", "Sales"),
    ("/activity", "Activity"),
    ("/briefings", "Briefings"),
    ("/settings", "Settings"),
];

/// A rendered template as an HTML response.
pub fn render(t: &impl Template) -> Result<Response, WebError> {
    render_status(StatusCode::OK, t)
}

/// A rendered template with a status other than 200 (a form with errors).
pub fn render_status(status: StatusCode, t: &impl Template) -> Result<Response, WebError> {
    let html = t
        .render()
        .map_err(|e| WebError::Api(ApiError::internal(format!("a page failed to render: {e}"))))?;
    Ok((status, Html(html)).into_response())
}

/// A failure on a page.
#[derive(Debug)]
pub enum WebError {
    /// No live session: log in, then come back to `next`.
    Login { next: String, htmx: bool },
    /// A form POST without this session's CSRF token.
    Csrf,
    /// Anything the API would answer with a problem; shown as a page.
    Api(ApiError),
}

impl WebError {
    /// A form that could not be read.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        WebError::Api(ApiError::bad_request(detail))
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        WebError::Api(e.into())
    }
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        WebError::Api(e)
    }
}

#[derive(Template)]
#[template(path = "web/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    detail: &'a str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::Login { next, htmx } => {
                let to = format!(
                    "/login?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                if htmx {
                    // htmx follows HX-Redirect with a full page load.
                    let mut resp = StatusCode::NO_CONTENT.into_response();
                    if let Ok(v) = HeaderValue::from_str(&to) {
                        resp.headers_mut().insert("hx-redirect", v);
                    }
                    resp
                } else {
                    Redirect::to(&to).into_response()
                }
            }
            WebError::Csrf => page(
                StatusCode::FORBIDDEN,
                "This form has expired",
                "Reload the page and try again.",
            ),
            WebError::Api(e) => {
                if e.status.is_server_error() {
                    tracing::error!(detail = %e.detail, "a page failed");
                }
                page(e.status, e.title, &e.detail)
            }
        }
    }
}

fn page(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = ErrorPage { title, detail }
        .render()
        .unwrap_or_else(|_| detail.to_string());
    let mut resp = (status, Html(body)).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// A time as the viewer reads it: "Tue 24 Nov 15:00".
pub fn when(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%a %-d %b %H:%M").to_string()
}

/// A day as the viewer reads it: "Tue 24 Nov".
pub fn day(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%a %-d %b").to_string()
}

/// How long ago `since` was: "3d", "5h", "12m".
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let d = now - since;
    if d.num_days() >= 1 {
        format!("{}d", d.num_days())
    } else if d.num_hours() >= 1 {
        format!("{}h", d.num_hours())
    } else {
        format!("{}m", d.num_minutes().max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        assert_eq!(age(now - chrono::Duration::days(5), now), "5d");
        assert_eq!(age(now - chrono::Duration::hours(3), now), "3h");
        assert_eq!(age(now - chrono::Duration::minutes(7), now), "7m");
    }

    #[test]
    fn an_htmx_request_without_a_session_is_sent_to_login_by_header() {
        let resp = WebError::Login {
            next: "/tasks?filter=mine".into(),
            htmx: true,
        }
        .into_response();
        assert_eq!(
            resp.headers()["hx-redirect"],
            "/login?next=%2Ftasks%3Ffilter%3Dmine"
        );
    }
}
