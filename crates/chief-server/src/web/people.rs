//! `/people`: the workspace's clients and people, by name, with a name
//! search; each links to its page (`/people/{id}`, `/clients/{id}`). Reads
//! the same pages as `GET /api/people` and `GET /api/clients`.

use crate::AppState;
use crate::web::page::{Nav, WebError, render};
use crate::web::session::Viewer;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chief_store::{Page, client, person};
use serde::Deserialize;

/// How many people (and clients) a page shows.
const PAGE_SIZE: i64 = 100;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: i64,
}

/// A person in the list.
pub struct PersonRow {
    pub id: String,
    pub name: String,
    /// "VP Operations, Liberty Mutual Aid".
    pub role: String,
    pub relationship: String,
}

/// A client in the list.
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "web/people.html")]
struct PeoplePage {
    nav: Nav,
    q: String,
    clients: Vec<ClientRow>,
    clients_total: i64,
    people: Vec<PersonRow>,
    people_total: i64,
    offset: i64,
    /// The position of the last person shown.
    last: i64,
    /// The offsets of the previous and next pages of people, if any.
    prev: Option<i64>,
    next: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let search = Some(q.q.trim()).filter(|s| !s.is_empty());
    let page = Page::new(PAGE_SIZE, q.offset);
    let people = person::listing(&state.db, viewer.tenant(), search, page).await?;
    let clients =
        client::listing(&state.db, viewer.tenant(), search, Page::new(PAGE_SIZE, 0)).await?;
    let offset = page.offset;
    render(&PeoplePage {
        nav: Nav::new(&viewer, "/people"),
        q: q.q,
        clients: clients
            .items
            .iter()
            .map(|c| ClientRow {
                id: c.id.to_string(),
                name: c.name.clone(),
                status: c.status.to_string(),
            })
            .collect(),
        clients_total: clients.total,
        people: people
            .items
            .iter()
            .map(|p| PersonRow {
                id: p.id.to_string(),
                name: p.name.clone(),
                role: [p.title.as_deref(), p.company.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                relationship: p
                    .relationship_to_user
                    .clone()
                    .or_else(|| p.relationship.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        people_total: people.total,
        offset,
        last: offset + people.items.len() as i64,
        prev: (offset > 0).then(|| (offset - PAGE_SIZE).max(0)),
        next: (offset + PAGE_SIZE < people.total).then_some(offset + PAGE_SIZE),
    })
}
