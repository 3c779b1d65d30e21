//! `/drafts`: the review screen. Each pending draft shows its text and the
//! relationship context that was considered in writing it; the reviewer
//! approves it, rejects it with feedback, or edits it, which makes a
//! revision, through `chief_app::draft`'s operations, as the API's
//! endpoints do.

use crate::AppState;
use crate::web::page::{Nav, WebError, render, render_status};
use crate::web::session::{Posted, Viewer};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chief_app::draft::{self as app, Rejection, Revision};
use chief_domain::draft::{Draft, DraftStatus};
use chief_store::draft::{self, DraftFilter};
use chief_store::{Page, StoreError};
use serde::Deserialize;
use uuid::Uuid;

/// A draft under review.
pub struct DraftCard {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// The relationship context, as (field, value).
    pub context: Vec<(String, String)>,
    /// Why the last action on this draft was refused, with the text kept.
    pub error: String,
    pub feedback: String,
}

impl DraftCard {
    fn new(d: &Draft) -> Self {
        let context = d
            .relationship_context
            .as_ref()
            .and_then(|c| c.as_object())
            .map(|m| {
                m.iter()
                    // Ids mean nothing to a reviewer.
                    .filter(|(k, _)| !k.ends_with("id"))
                    .filter_map(|(k, v)| {
                        let text = match v {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Null => return None,
                            other => other.to_string(),
                        };
                        Some((k.replace('_', " "), text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        DraftCard {
            id: d.id.to_string(),
            kind: d.draft_type.to_string(),
            recipient: d.recipient.clone().unwrap_or_default(),
            subject: d.subject.clone().unwrap_or_default(),
            body: d.body.clone(),
            context,
            error: String::new(),
            feedback: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/drafts.html")]
struct DraftsPage {
    nav: Nav,
    drafts: Vec<DraftCard>,
}

async fn cards(state: &AppState, viewer: &Viewer) -> Result<Vec<DraftCard>, WebError> {
    let filter = DraftFilter {
        status: Some(DraftStatus::Pending),
        draft_type: None,
    };
    let pending = draft::list(&state.db, viewer.tenant(), &filter, Page::default()).await?;
    Ok(pending.items.iter().map(DraftCard::new).collect())
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    render(&DraftsPage {
        nav: Nav::new(&viewer, "/drafts"),
        drafts: cards(&state, &viewer).await?,
    })
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    feedback: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    subject: String,
}

/// Approve, reject (with feedback) or revise, by the button pressed.
pub async fn review(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, form }: Posted<ReviewForm>,
) -> Result<Response, WebError> {
    let (db, scope) = (&state.db, &viewer.scope());
    let done = match form.action.as_str() {
        "approve" => app::approve(db, scope, id).await.map(|_| ()),
        "reject" => {
            let feedback = Some(form.feedback.trim().to_string()).filter(|f| !f.is_empty());
            app::reject(db, scope, id, Rejection { feedback })
                .await
                .map(|_| ())
        }
        "revise" => {
            let subject = Some(form.subject.trim().to_string()).filter(|s| !s.is_empty());
            let body = form.body.clone();
            app::revise(db, scope, id, Revision { body, subject })
                .await
                .map(|_| ())
        }
        other => {
            return Err(WebError::bad_request(format!(
                "{other:?} is not approve, reject or revise"
            )));
        }
    };
    match done {
        Ok(()) => Ok(Redirect::to("/drafts").into_response()),
        Err(e @ (StoreError::Domain(_) | StoreError::Conflict(_))) => {
            let mut drafts = cards(&state, &viewer).await?;
            // The draft's card shows why, and keeps what the user typed.
            let key = id.to_string();
            let Some(card) = drafts.iter_mut().find(|c| c.id == key) else {
                return Err(e.into());
            };
            card.error = e.to_string();
            card.feedback = form.feedback;
            card.body = form.body;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DraftsPage {
                    nav: Nav::new(&viewer, "/drafts"),
                    drafts,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
