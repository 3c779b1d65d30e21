//! `/briefings`: the viewer's kept briefings, newest first, each with its
//! kind, when it was made and where it was delivered; `/briefings/{id}`
//! shows one, its Markdown rendered safely (see [`markdown`]). Both read
//! `chief_store::briefing`, as `/api/briefings` does.
//!
//! [`markdown`]: crate::web::markdown

use crate::AppState;
use crate::web::markdown::to_safe_html;
use crate::web::page::{Nav, WebError, render, when};
use crate::web::session::Viewer;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chief_domain::delivery::Delivery;
use chief_store::briefing::{self, BriefingFilter, StoredBriefing};
use chief_store::{Page, channel};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Briefings per page.
const PER_PAGE: i64 = 30;

/// A briefing in the history.
pub struct BriefingRow {
    pub id: String,
    pub kind: String,
    pub when: String,
    pub title: String,
    pub summary: String,
    /// Where it went: "dashboard", "Team Slack (pending)", …
    pub delivered: Vec<String>,
}

#[derive(Template)]
#[template(path = "web/briefings.html")]
struct BriefingsPage {
    nav: Nav,
    briefings: Vec<BriefingRow>,
    older: String,
    newer: String,
}

#[derive(Template)]
#[template(path = "web/briefing.html")]
struct BriefingPage {
    nav: Nav,
    b: BriefingRow,
    html: String,
    text: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    offset: i64,
}

/// Each briefing as a row, with where it was delivered.
async fn rows(
    state: &AppState,
    viewer: &Viewer,
    kept: &[StoredBriefing],
) -> Result<Vec<BriefingRow>, WebError> {
    let sent = briefing::deliveries(&state.db, viewer.tenant(), kept).await?;
    let names: HashMap<Uuid, String> = if sent.iter().flatten().any(|d| d.channel_id.is_some()) {
        channel::list(&state.db, viewer.tenant(), None)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect()
    } else {
        HashMap::new()
    };
    let place = |d: &Delivery| match d.channel_id {
        None => "dashboard".to_string(),
        Some(c) => {
            let name = names
                .get(&c)
                .cloned()
                .unwrap_or_else(|| "a removed channel".into());
            format!("{name} ({})", d.status)
        }
    };
    let tz = viewer.tz();
    Ok(kept
        .iter()
        .zip(sent)
        .map(|(b, sent)| BriefingRow {
            id: b.id.to_string(),
            kind: b.kind.as_str().to_string(),
            when: when(b.created_at, tz),
            title: b.content["title"].as_str().unwrap_or_default().to_string(),
            summary: b.content["summary"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            delivered: sent.iter().map(place).collect(),
        })
        .collect())
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let offset = q.offset.max(0);
    let filter = BriefingFilter {
        user_id: Some(viewer.user_id()),
        kind: None,
    };
    let kept = briefing::list(
        &state.db,
        viewer.tenant(),
        filter,
        Page::new(PER_PAGE, offset),
    )
    .await?;
    let link = |o: i64| format!("/briefings?offset={o}");
    render(&BriefingsPage {
        nav: Nav::new(&viewer, "/briefings"),
        briefings: rows(&state, &viewer, &kept.items).await?,
        newer: if offset > 0 {
            link((offset - PER_PAGE).max(0))
        } else {
            String::new()
        },
        older: if offset + PER_PAGE < kept.total {
            link(offset + PER_PAGE)
        } else {
            String::new()
        },
    })
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let b = briefing::get(&state.db, viewer.tenant(), viewer.user_id(), id).await?;
    let row = rows(&state, &viewer, std::slice::from_ref(&b))
        .await?
        .pop()
        .expect("one row per briefing");
    render(&BriefingPage {
        nav: Nav::new(&viewer, "/briefings"),
        b: row,
        html: to_safe_html(&b.markdown),
        text: b.text,
    })
}
