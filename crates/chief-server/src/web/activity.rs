//! `/activity`: the audit log, newest first, a page at a time, filtered by
//! entity type and actor (`audit::search`, as `GET /api/logs` reads it).
//! Each entry links to its trace: `/activity?trace=ID` shows everything
//! written under that trace id, the audit entries and any agent runs (with
//! their steps) and trigger firings that share it.

use crate::AppState;
use crate::web::page::{Nav, WebError, render, when};
use crate::web::session::Viewer;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chief_ai::agent::journal;
use chief_domain::log::{ActorKind, LogEntry};
use chief_store::audit::{self, LogFilter};
use chief_store::{Page, trigger_firing};
use chrono_tz::Tz;
use serde::Deserialize;

/// Entries per page.
const PER_PAGE: i64 = 50;

/// The most entries one trace shows.
const TRACE_LIMIT: i64 = 200;

/// The entity types offered as filters (any other still works by URL).
pub const ENTITY_TYPES: [&str; 16] = [
    "task",
    "question",
    "draft",
    "project",
    "person",
    "client",
    "playbook",
    "knowledge",
    "waiting_item",
    "calendar_event",
    "sales_opportunity",
    "briefing",
    "trigger",
    "channel",
    "job",
    "user",
];

/// The actors offered as filters.
pub const ACTORS: [&str; 3] = ["user", "agent", "system"];

#[derive(Deserialize, Default)]
pub struct ActivityQuery {
    #[serde(default)]
    entity_type: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    trace: String,
    #[serde(default)]
    offset: i64,
}

/// One audit entry as the page lists it.
pub struct EntryRow {
    pub when: String,
    /// The entity's title or name, when the entry carries it.
    pub label: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub details: String,
    pub trace: String,
}

impl EntryRow {
    fn new(e: &LogEntry, tz: Tz) -> Self {
        let mut details = e.details.to_string();
        if details == "{}" || details == "null" {
            details.clear();
        }
        if details.len() > 200 {
            let cut = (0..=200)
                .rev()
                .find(|i| details.is_char_boundary(*i))
                .unwrap_or(0);
            details.truncate(cut);
            details.push('…');
        }
        let label = ["title", "name", "text", "subject"]
            .iter()
            .find_map(|k| {
                let v = &e.details[*k];
                // A change is recorded as {"before": …, "after": …}.
                v.as_str().or_else(|| v["after"].as_str())
            })
            .unwrap_or_default()
            .to_string();
        EntryRow {
            when: when(e.timestamp, tz),
            label,
            actor: e.actor.to_string(),
            action: e.action.clone(),
            entity: match (&e.entity_type, e.entity_id) {
                (Some(t), Some(id)) => format!("{t} {}", &id.to_string()[..8]),
                (Some(t), None) => t.clone(),
                _ => String::new(),
            },
            details,
            trace: e.trace_id.clone().unwrap_or_default(),
        }
    }
}

/// An agent run in a trace, with its steps as one line each.
pub struct RunRow {
    pub when: String,
    pub persona: String,
    pub status: String,
    pub note: String,
    pub steps: Vec<String>,
}

/// A trigger firing in a trace.
pub struct FiringRow {
    pub when: String,
    pub cause: String,
    pub status: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "web/activity.html")]
struct ActivityPage {
    nav: Nav,
    entity_type: String,
    actor: String,
    trace: String,
    entries: Vec<EntryRow>,
    runs: Vec<RunRow>,
    firings: Vec<FiringRow>,
    error: String,
    /// Links to the newer and older pages, when there are any.
    newer: String,
    older: String,
    summary: String,
}

fn page_link(q: &ActivityQuery, offset: i64) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    if !q.entity_type.is_empty() {
        out.append_pair("entity_type", &q.entity_type);
    }
    if !q.actor.is_empty() {
        out.append_pair("actor", &q.actor);
    }
    if offset > 0 {
        out.append_pair("offset", &offset.to_string());
    }
    format!("/activity?{}", out.finish())
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ActivityQuery>,
) -> Result<Response, WebError> {
    let tz = viewer.tz();
    let mut page = ActivityPage {
        nav: Nav::new(&viewer, "/activity"),
        entity_type: q.entity_type.clone(),
        actor: q.actor.clone(),
        trace: q.trace.trim().to_string(),
        entries: Vec::new(),
        runs: Vec::new(),
        firings: Vec::new(),
        error: String::new(),
        newer: String::new(),
        older: String::new(),
        summary: String::new(),
    };
    if !page.trace.is_empty() {
        let trace = page.trace.as_str();
        let entries = audit::in_trace(&state.db, viewer.tenant(), trace, TRACE_LIMIT).await?;
        page.entries = entries.iter().map(|e| EntryRow::new(e, tz)).collect();
        page.runs = journal::in_trace(&state.db, viewer.tenant(), trace)
            .await?
            .into_iter()
            .map(|(run, steps)| RunRow {
                when: when(run.started_at, tz),
                persona: run.persona,
                status: run.status,
                note: run.note.unwrap_or_default(),
                steps: steps
                    .iter()
                    .map(|s| {
                        let what = s.tool.as_deref().unwrap_or(&s.kind);
                        let error = if s.is_error { ", error" } else { "" };
                        format!(
                            "{}. {what}: {} ({} ms{error})",
                            s.seq, s.status, s.latency_ms
                        )
                    })
                    .collect(),
            })
            .collect();
        page.firings = trigger_firing::in_trace(&state.db, viewer.tenant(), trace)
            .await?
            .into_iter()
            .map(|f| FiringRow {
                when: when(f.created_at, tz),
                cause: f.cause,
                status: f.status.to_string(),
                outcome: f.error.or(f.output).unwrap_or_default(),
            })
            .collect();
        page.summary = format!(
            "{} changes, {} agent runs, {} trigger firings",
            page.entries.len(),
            page.runs.len(),
            page.firings.len()
        );
        return render(&page);
    }
    let actor = match q.actor.as_str() {
        "" => None,
        raw => match raw.parse::<ActorKind>() {
            Ok(a) => Some(a),
            Err(_) => {
                page.error = format!("{raw:?} is not an actor: pick user, agent or system");
                None
            }
        },
    };
    let filter = LogFilter {
        entity_type: Some(q.entity_type.trim().to_string()).filter(|t| !t.is_empty()),
        actor,
        ..LogFilter::default()
    };
    let offset = q.offset.max(0);
    // The page is read without counting the whole log: one row more tells
    // whether older ones follow, and the unfiltered total is the audit
    // chain's head (its sequence numbers have no gaps).
    let unfiltered = filter == LogFilter::default();
    let (entries, more) = audit::search_page(
        &state.db,
        viewer.tenant(),
        &filter,
        Page::new(PER_PAGE, offset),
    )
    .await?;
    page.entries = entries.iter().map(|e| EntryRow::new(e, tz)).collect();
    if offset > 0 {
        page.newer = page_link(&q, (offset - PER_PAGE).max(0));
    }
    if more {
        page.older = page_link(&q, offset + PER_PAGE);
    }
    page.summary = if entries.is_empty() {
        String::new()
    } else {
        let shown = format!("{} to {}", offset + 1, offset + entries.len() as i64);
        if unfiltered {
            let total = audit::head_seq(&state.db, viewer.tenant()).await?;
            format!("{shown} of {total}")
        } else {
            shown
        }
    };
    render(&page)
}
