//! `/people/{id}`: one person with their relationship context (who they
//! are to the user, the politics around them, how they like to be
//! addressed), their open tasks and what chief has learned about them.
//! Another workspace's person is a 404, as on `GET /api/people/{id}`.

use crate::AppState;
use crate::web::page::{Nav, WebError, render, when};
use crate::web::rows::{KnowledgeRow, TaskRow, knowledge_rows, open_task_rows};
use crate::web::session::Viewer;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chief_store::{client, context_reads, person};
use chrono::Utc;
use uuid::Uuid;

/// How many of a person's tasks and learnings the page reads.
const LIMIT: i64 = 50;

#[derive(Template)]
#[template(path = "web/person.html")]
struct PersonPage {
    nav: Nav,
    name: String,
    /// The relationship context, as (label, text), in reading order.
    context: Vec<(&'static str, String)>,
    /// The client they belong to, as (id, name).
    client: Option<(String, String)>,
    tasks: Vec<TaskRow>,
    knowledge: Vec<KnowledgeRow>,
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let (tenant, tz, now) = (viewer.tenant(), viewer.tz(), Utc::now());
    let p = person::get(&state.db, tenant, id).await?;
    let client = match p.client_id {
        Some(c) => {
            let c = client::get(&state.db, tenant, c).await?;
            Some((c.id.to_string(), c.name))
        }
        None => None,
    };
    // From the person's links, as context assembly reads them.
    let tasks =
        context_reads::tasks_of_people(&state.db, tenant, &[id], Uuid::nil(), LIMIT).await?;
    let knowledge = context_reads::knowledge_routed_to(&state.db, tenant, &[id], LIMIT).await?;
    let aliases = p.metadata["aliases"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let context = [
        ("Title", p.title.clone()),
        ("Company", p.company.clone()),
        ("Email", p.email.clone()),
        ("Phone", p.phone.clone()),
        ("Also called", Some(aliases)),
        ("Relationship", p.relationship.clone()),
        ("Who they are to you", p.relationship_to_user.clone()),
        ("Political context", p.political_context.clone()),
        ("How to communicate", p.communication_notes.clone()),
        ("Notes", p.context_notes.clone()),
        ("Last contact", p.last_contact.map(|t| when(t, tz))),
        ("Next follow-up", p.next_follow_up.map(|t| when(t, tz))),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (label, v)))
    .collect();
    render(&PersonPage {
        nav: Nav::new(&viewer, "/people"),
        name: p.name,
        context,
        client,
        tasks: open_task_rows(tasks.iter().map(|(t, _)| t), tz, now),
        knowledge: knowledge_rows(&knowledge, tz),
    })
}
