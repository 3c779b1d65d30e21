//! `/`: the dashboard, laid out as seed 003 draws it: today's priorities,
//! questions answered inline, what the agent is working on, drafts to
//! review, waiting-on items with their age, this week's calendar and what
//! is overdue. It reads the same `chief_store::dashboard::overview` as
//! `GET /api/dashboard`.

use crate::AppState;
use crate::http::cache::{ResponseKey, cached_bytes};
use crate::web::page::{Nav, WebError, age, day, when};
use crate::web::rows::{QuestionRow, TaskRow};
use crate::web::session::Viewer;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chief_store::audit;
use chief_store::dashboard::{self, OverdueItem};
use chrono::Utc;
use std::time::Duration;

pub struct WaitingRow {
    pub what: String,
    pub who: String,
    pub age: String,
    pub overdue: bool,
}

pub struct DraftRow {
    pub id: String,
    pub kind: String,
    pub label: String,
}

pub struct DayRow {
    pub day: String,
    pub events: Vec<(String, String)>,
}

pub struct OverdueRow {
    pub label: String,
    pub since: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "web/dashboard.html")]
struct DashboardPage {
    nav: Nav,
    priorities: Vec<TaskRow>,
    questions: Vec<QuestionRow>,
    working_on: Option<TaskRow>,
    drafts: Vec<DraftRow>,
    waiting: Vec<WaitingRow>,
    week: Vec<DayRow>,
    overdue: Vec<OverdueRow>,
}

/// How long a rendered dashboard is reused while nothing in the workspace
/// changes, as `GET /api/dashboard` does; it bounds how late the
/// clock-driven parts (overdue, today) can be.
const MAX_AGE: Duration = Duration::from_secs(5);

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    let seq = audit::head_seq(&state.db, viewer.tenant()).await?;
    // Per session: the page carries the session's CSRF token.
    let key = ResponseKey {
        route: "web.dashboard",
        tenant: viewer.tenant(),
        user: viewer.user_id(),
        variant: viewer.session.id.to_string(),
    };
    let html = cached_bytes(&state, key, seq, MAX_AGE, make(&state, &viewer)).await?;
    Ok(Html(html).into_response())
}

async fn make(state: &AppState, viewer: &Viewer) -> Result<Bytes, WebError> {
    let now = Utc::now();
    let tz = viewer.tz();
    let d = dashboard::overview(&state.db, viewer.tenant(), viewer.user_id(), now).await?;
    let mut week: Vec<DayRow> = Vec::new();
    for e in &d.this_week {
        let label = day(e.starts_at, tz);
        let time = if e.all_day {
            "all day".to_string()
        } else {
            e.starts_at.with_timezone(&tz).format("%H:%M").to_string()
        };
        match week.last_mut() {
            Some(last) if last.day == label => last.events.push((time, e.title.clone())),
            _ => week.push(DayRow {
                day: label,
                events: vec![(time, e.title.clone())],
            }),
        }
    }
    let page = DashboardPage {
        nav: Nav::new(viewer, "/"),
        priorities: d
            .today_priorities
            .iter()
            .map(|t| TaskRow::new(t, tz, now))
            .collect(),
        questions: d.questions_for_you.iter().map(QuestionRow::new).collect(),
        working_on: d
            .claude_working_on
            .as_ref()
            .map(|t| TaskRow::new(t, tz, now)),
        drafts: d
            .drafts_to_review
            .iter()
            .map(|dr| DraftRow {
                id: dr.id.to_string(),
                kind: dr.draft_type.to_string(),
                label: dr
                    .subject
                    .clone()
                    .or_else(|| dr.recipient.clone())
                    .unwrap_or_else(|| dr.body.chars().take(60).collect()),
            })
            .collect(),
        waiting: d
            .waiting_on
            .iter()
            .map(|w| WaitingRow {
                what: w.what.clone(),
                who: w.who.clone().unwrap_or_default(),
                age: age(w.since, now),
                overdue: w.follow_up_date.is_some_and(|f| f < now),
            })
            .collect(),
        week,
        overdue: d
            .overdue_items
            .iter()
            .map(|o| match o {
                OverdueItem::Task(t) => OverdueRow {
                    label: t.title.clone(),
                    since: t.due_date.map(|d| when(d, tz)).unwrap_or_default(),
                    href: format!("/tasks?open={}", t.id),
                },
                OverdueItem::Waiting(w) => OverdueRow {
                    label: format!("Waiting: {}", w.what),
                    since: w.follow_up_date.map(|d| when(d, tz)).unwrap_or_default(),
                    href: "/".into(),
                },
            })
            .collect(),
    };
    let html = page.render().map_err(|e| {
        WebError::Api(crate::ApiError::internal(format!(
            "the dashboard failed to render: {e}"
        )))
    })?;
    Ok(Bytes::from(html))
}
