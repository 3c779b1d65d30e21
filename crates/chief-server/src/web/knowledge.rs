//! `/knowledge`: the review queue of learnings chief could not route on its
//! own (captured or `pending_review`, oldest first), and the latest
//! learnings with where they went. A person routes one to a candidate it
//! named, to the rules playbook or their settings, or to a person, client,
//! project or active playbook typed by name; or dismisses it with a reason.
//! Routing calls `chief_app::knowledge::route_to` and dismissing
//! `chief_app::knowledge::dismiss`, as `POST /api/knowledge/{id}/route` and `/dismiss`
//! do.

use crate::web::page::{Nav, WebError, day, render, render_status};
use crate::web::rows::KnowledgeRow;
use crate::web::session::{Posted, Viewer};
use crate::{ApiError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chief_app::knowledge::{self as app, Dismissal};
use chief_app::knowledge_routing::Target;
use chief_domain::TenantId;
use chief_domain::knowledge::Knowledge;
use chief_domain::playbook::PlaybookStatus;
use chief_store::knowledge::KnowledgeFilter;
use chief_store::{Db, Page, StoreError, client, knowledge, person, playbook, project};
use serde::Deserialize;
use uuid::Uuid;

/// How many learnings wait in the queue on one page, and how many recent
/// ones show below it.
const QUEUE_LIMIT: i64 = 50;
const RECENT_LIMIT: i64 = 20;

/// The kinds of record a learning can be routed to by name, as (value, label).
pub const NAMED_KINDS: [(&str, &str); 4] = [
    ("person", "Person"),
    ("client", "Client"),
    ("project", "Project"),
    ("playbook", "Playbook"),
];

/// A learning waiting for review, with its routing form.
pub struct PendingCard {
    pub id: String,
    pub content: String,
    pub category: String,
    pub learned: String,
    /// Why chief held it back.
    pub why: String,
    /// Where it could go, as (form value, label).
    pub choices: Vec<(String, String)>,
    /// What the person chose or typed, kept when the action was refused.
    pub chosen: String,
    pub kind: String,
    pub name: String,
    pub reason: String,
    pub error: String,
}

impl PendingCard {
    fn new(k: &Knowledge, tz: chrono_tz::Tz) -> Self {
        let mut choices: Vec<(String, String)> = k.metadata["candidates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let kind = c["type"].as_str()?;
                let id = c["id"].as_str()?;
                let name = c["name"].as_str()?;
                Some((format!("{kind}:{id}"), format!("{name} ({kind})")))
            })
            .collect();
        choices.push(("rule".into(), "The rules playbook".into()));
        choices.push(("setting".into(), "Your settings".into()));
        PendingCard {
            id: k.id.to_string(),
            content: k.content.clone(),
            category: k.category.to_string(),
            learned: day(k.learned_at, tz),
            why: k.metadata["review_reason"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            choices,
            chosen: String::new(),
            kind: "person".into(),
            name: String::new(),
            reason: String::new(),
            error: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/knowledge.html")]
struct KnowledgePage {
    nav: Nav,
    queue: Vec<PendingCard>,
    queue_total: i64,
    knowledge: Vec<KnowledgeRow>,
}

async fn page(state: &AppState, viewer: &Viewer) -> Result<KnowledgePage, WebError> {
    let tz = viewer.tz();
    let queue = knowledge::pending(&state.db, viewer.tenant(), Page::new(QUEUE_LIMIT, 0)).await?;
    let recent = knowledge::list(
        &state.db,
        viewer.tenant(),
        &KnowledgeFilter::default(),
        Page::new(RECENT_LIMIT, 0),
    )
    .await?;
    let mut knowledge = Vec::with_capacity(recent.items.len());
    for k in &recent.items {
        let mut row = KnowledgeRow::new(k, tz);
        if let (Some(kind), Some(id)) = (&k.routed_to_type, k.routed_to_id)
            && let Some(name) = target_name(&state.db, viewer.tenant(), kind, id).await?
        {
            row.routed_to = name;
        }
        knowledge.push(row);
    }
    Ok(KnowledgePage {
        nav: Nav::new(viewer, "/knowledge"),
        queue: queue
            .items
            .iter()
            .map(|k| PendingCard::new(k, tz))
            .collect(),
        queue_total: queue.total,
        knowledge,
    })
}

/// The name of the record a learning went to, while it exists.
async fn target_name(
    db: &Db,
    tenant: TenantId,
    kind: &str,
    id: Uuid,
) -> Result<Option<String>, StoreError> {
    let found = match kind {
        "person" => person::get(db, tenant, id).await.map(|p| p.name),
        "client" => client::get(db, tenant, id).await.map(|c| c.name),
        "project" => project::get(db, tenant, id).await.map(|p| p.name),
        "playbook" => playbook::get(db, tenant, id).await.map(|p| p.name),
        "setting" => Ok("your settings".to_string()),
        _ => return Ok(None),
    };
    match found {
        Ok(name) => Ok(Some(name)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    render(&page(&state, &viewer).await?)
}

#[derive(Deserialize)]
pub struct RouteForm {
    /// A candidate (`person:ID`), `rule` or `setting`.
    #[serde(default)]
    target: String,
    /// With `name`: person, client, project or playbook.
    #[serde(default)]
    kind: String,
    /// A name typed instead of choosing; it wins over `target`.
    #[serde(default)]
    name: String,
}

/// Where the form says to route to, or why that cannot be done.
async fn target_of(
    db: &Db,
    tenant: TenantId,
    form: &RouteForm,
) -> Result<Result<Target, String>, StoreError> {
    let name = form.name.trim();
    if !name.is_empty() {
        let found: Vec<(Uuid, String)> = match form.kind.as_str() {
            "person" => person::find_by_name(db, tenant, name)
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect(),
            "client" => client::find_by_name(db, tenant, name)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            "project" => project::find_by_name(db, tenant, name)
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect(),
            "playbook" => playbook::find_by_name(db, tenant, name, PlaybookStatus::Active)
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect(),
            other => {
                return Ok(Err(format!(
                    "{other:?} is not a person, client, project or playbook"
                )));
            }
        };
        let kind = form.kind.as_str();
        return Ok(match found.as_slice() {
            [] => Err(format!(
                "No {kind} named \u{201c}{name}\u{201d} in this workspace."
            )),
            [(id, _)] => Target::parse(kind, Some(*id)).map_err(|e| e.to_string()),
            many => Err(format!(
                "{} match \u{201c}{name}\u{201d}: {}. Type the full name.",
                many.len(),
                many.iter()
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        });
    }
    Ok(match form.target.split_once(':') {
        Some((kind, id)) => match Uuid::parse_str(id) {
            Ok(id) => Target::parse(kind, Some(id)).map_err(|e| e.to_string()),
            Err(_) => Err(format!("{id:?} is not an id")),
        },
        None if !form.target.is_empty() => {
            Target::parse(&form.target, None).map_err(|e| e.to_string())
        }
        None => Err("Choose where it goes, or type a name.".into()),
    })
}

/// The queue again, with `id`'s card showing `error` and what was typed;
/// a learning no longer in the queue gets `problem` as a page.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    id: Uuid,
    error: String,
    problem: ApiError,
    keep: impl FnOnce(&mut PendingCard),
) -> Result<Response, WebError> {
    let mut p = page(state, viewer).await?;
    let key = id.to_string();
    let Some(card) = p.queue.iter_mut().find(|c| c.id == key) else {
        return Err(problem.into());
    };
    card.error = error;
    keep(card);
    render_status(problem.status, &p)
}

pub async fn route(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, form }: Posted<RouteForm>,
) -> Result<Response, WebError> {
    // Another workspace's learning is a 404 whatever the form says.
    knowledge::get(&state.db, viewer.tenant(), id).await?;
    let keep = |c: &mut PendingCard| {
        c.chosen = form.target.clone();
        c.kind = form.kind.clone();
        c.name = form.name.clone();
    };
    let target = match target_of(&state.db, viewer.tenant(), &form).await? {
        Ok(t) => t,
        Err(why) => {
            let problem = ApiError::invalid("target", why.clone());
            return refused(&state, &viewer, id, why, problem, keep).await;
        }
    };
    match app::route_to(&state.db, &viewer.scope(), id, target).await {
        Ok(_) => Ok(Redirect::to("/knowledge").into_response()),
        Err(e @ StoreError::Domain(_)) => {
            let why = e.to_string();
            refused(&state, &viewer, id, why, e.into(), keep).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DismissForm {
    #[serde(default)]
    reason: String,
}

pub async fn dismiss(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, form }: Posted<DismissForm>,
) -> Result<Response, WebError> {
    let dismissal = Dismissal {
        reason: Some(form.reason.clone()),
    };
    match app::dismiss(&state.db, &viewer.scope(), id, dismissal).await {
        Ok(_) => Ok(Redirect::to("/knowledge").into_response()),
        Err(e @ StoreError::Domain(_)) => {
            let why = e.to_string();
            refused(&state, &viewer, id, why, e.into(), |c| {
                c.reason = form.reason
            })
            .await
        }
        Err(e) => Err(e.into()),
    }
}
