//! `/clients/{id}`: one client with its status and notes, its people, the
//! open tasks they are part of and what chief has learned about the
//! client. Another workspace's client is a 404.

use crate::AppState;
use crate::web::page::{Nav, WebError, render};
use crate::web::people::PersonRow;
use crate::web::rows::{KnowledgeRow, TaskRow, knowledge_rows, open_task_rows};
use crate::web::session::Viewer;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chief_store::{client, context_reads, person};
use chrono::Utc;
use uuid::Uuid;

/// How many of the client's tasks and learnings the page reads.
const LIMIT: i64 = 50;

#[derive(Template)]
#[template(path = "web/client.html")]
struct ClientPage {
    nav: Nav,
    name: String,
    status: String,
    notes: String,
    people: Vec<PersonRow>,
    tasks: Vec<TaskRow>,
    knowledge: Vec<KnowledgeRow>,
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    viewer: Viewer,
) -> Result<Response, WebError> {
    let (tenant, tz, now) = (viewer.tenant(), viewer.tz(), Utc::now());
    let c = client::get(&state.db, tenant, id).await?;
    let people = person::for_client(&state.db, tenant, id).await?;
    let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    let tasks = context_reads::tasks_of_people(&state.db, tenant, &ids, Uuid::nil(), LIMIT).await?;
    let knowledge = context_reads::knowledge_routed_to(&state.db, tenant, &[id], LIMIT).await?;
    render(&ClientPage {
        nav: Nav::new(&viewer, "/people"),
        name: c.name,
        status: c.status.to_string(),
        notes: c.notes.unwrap_or_default(),
        people: people
            .iter()
            .map(|p| PersonRow {
                id: p.id.to_string(),
                name: p.name.clone(),
                role: p.title.clone().unwrap_or_default(),
                relationship: p.relationship_to_user.clone().unwrap_or_default(),
            })
            .collect(),
        tasks: open_task_rows(tasks.iter().map(|(t, _)| t), tz, now),
        knowledge: knowledge_rows(&knowledge, tz),
    })
}
