//! `/playbooks`: the procedures the agent follows, in three lists:
//! proposals waiting for a person (approve or reject), active playbooks
//! and archived ones. Any of them can be marked (or unmarked) must-consult,
//! active ones archived and archived ones restored. Each action calls the
//! same `chief_app::playbook` operation as `PUT /api/playbooks/{id}/…`, so a
//! step the playbook's status does not allow is refused the same way; the
//! page shows why on the playbook's card.

use crate::AppState;
use crate::web::page::{Nav, WebError, render, render_status};
use crate::web::session::{Posted, Viewer};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chief_app::playbook as app;
use chief_domain::playbook::{Playbook, PlaybookOp, PlaybookPatch, PlaybookStatus};
use chief_store::playbook::{self, PlaybookFilter};
use chief_store::{Page, StoreError};
use serde::Deserialize;
use uuid::Uuid;

/// How many playbooks each list shows.
const LIST_LIMIT: i64 = 100;

/// A playbook as its card shows it.
pub struct PlaybookCard {
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub triggers: String,
    pub must_consult: bool,
    pub content: String,
    pub learned_from: String,
    pub use_count: i64,
    pub status: PlaybookStatus,
    /// Why the last action on it was refused.
    pub error: String,
}

impl PlaybookCard {
    fn new(p: &Playbook) -> Self {
        PlaybookCard {
            id: p.id.to_string(),
            name: p.name.clone(),
            description: p.description.clone(),
            category: p.category.clone().unwrap_or_default(),
            triggers: p.triggers.join(", "),
            must_consult: p.must_consult,
            content: p.content.clone(),
            learned_from: p.learned_from.clone().unwrap_or_default(),
            use_count: p.use_count,
            status: p.status,
            error: String::new(),
        }
    }
}

/// One of the page's lists.
pub struct Shelf {
    pub key: &'static str,
    pub title: &'static str,
    pub empty: &'static str,
    pub cards: Vec<PlaybookCard>,
    pub total: i64,
    /// Whether more match than the list shows.
    pub more: bool,
}

#[derive(Template)]
#[template(path = "web/playbooks.html")]
struct PlaybooksPage {
    nav: Nav,
    shelves: Vec<Shelf>,
}

async fn shelves(state: &AppState, viewer: &Viewer) -> Result<Vec<Shelf>, WebError> {
    let lists = [
        (
            PlaybookStatus::Proposed,
            "Proposed",
            "No proposals waiting for you.",
        ),
        (PlaybookStatus::Active, "Active", "No active playbooks."),
        (PlaybookStatus::Archived, "Archived", "Nothing archived."),
    ];
    let mut out = Vec::with_capacity(lists.len());
    for (status, title, empty) in lists {
        let filter = PlaybookFilter {
            status: Some(status),
            ..Default::default()
        };
        let page = Page::new(LIST_LIMIT, 0);
        let found = playbook::listing(&state.db, viewer.tenant(), &filter, page).await?;
        out.push(Shelf {
            key: status.as_str(),
            title,
            empty,
            cards: found.items.iter().map(PlaybookCard::new).collect(),
            total: found.total,
            more: found.total > found.items.len() as i64,
        });
    }
    Ok(out)
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    render(&PlaybooksPage {
        nav: Nav::new(&viewer, "/playbooks"),
        shelves: shelves(&state, &viewer).await?,
    })
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
    /// With `action=must_consult`: what to set it to.
    must_consult: Option<bool>,
}

/// Approve, reject, archive, restore or (un)mark must-consult, by the
/// button pressed.
pub async fn act(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, form }: Posted<ActionForm>,
) -> Result<Response, WebError> {
    let (db, scope) = (&state.db, &viewer.scope());
    let done = match form.action.as_str() {
        "approve" => app::step(db, scope, id, PlaybookOp::Approve).await,
        "reject" => app::step(db, scope, id, PlaybookOp::Reject).await,
        "archive" => app::step(db, scope, id, PlaybookOp::Archive).await,
        "restore" => app::step(db, scope, id, PlaybookOp::Restore).await,
        "must_consult" => {
            let Some(on) = form.must_consult else {
                return Err(WebError::bad_request("must_consult must be true or false"));
            };
            let patch = PlaybookPatch {
                must_consult: Some(on),
                ..Default::default()
            };
            app::update(db, scope, id, patch).await
        }
        other => {
            return Err(WebError::bad_request(format!(
                "{other:?} is not approve, reject, archive, restore or must_consult"
            )));
        }
    };
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/playbooks#playbook-{id}")).into_response()),
        Err(e @ (StoreError::Domain(_) | StoreError::Conflict(_))) => {
            let message = e.to_string();
            let problem = crate::ApiError::from(e);
            let mut shelves = shelves(&state, &viewer).await?;
            let key = id.to_string();
            // Shown on the playbook's card; one not listed gets the error page.
            let Some(card) = shelves
                .iter_mut()
                .flat_map(|s| s.cards.iter_mut())
                .find(|c| c.id == key)
            else {
                return Err(problem.into());
            };
            card.error = message;
            render_status(
                problem.status,
                &PlaybooksPage {
                    nav: Nav::new(&viewer, "/playbooks"),
                    shelves,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
