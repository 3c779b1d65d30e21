//! The API's endpoints, one module per resource, and the route table.
//!
//! Each endpoint is declared once in the route registry ([`Api`]); [`table`]
//! is the one list of every resource's declarations, and it builds the
//! router (with each route's role check) and the operations the OpenAPI
//! document is written from. The endpoints outside `/api` (health,
//! metrics, inbound hooks, the event socket, the docs and `/mcp`) are
//! mounted by the crate's `app`.

pub(crate) mod agent;
pub(crate) mod briefings;
pub(crate) mod channels;
pub(crate) mod chat;
pub(crate) mod clients;
pub(crate) mod context;
pub(crate) mod dashboard;
pub(crate) mod deliveries;
pub(crate) mod drafts;
pub(crate) mod events;
pub(crate) mod health;
pub(crate) mod hooks;
pub(crate) mod jobs;
pub(crate) mod keys;
pub(crate) mod knowledge;
pub(crate) mod logs;
pub(crate) mod mcp;
pub(crate) mod metrics;
pub(crate) mod openapi;
pub(crate) mod people;
pub(crate) mod playbooks;
pub(crate) mod projects;
pub(crate) mod questions;
pub(crate) mod recurring;
mod registry;
pub(crate) mod sales;
pub(crate) mod suggest;
pub(crate) mod task_parse;
pub(crate) mod tasks;
pub(crate) mod triggers;
pub(crate) mod users;
pub(crate) mod waiting;

pub use registry::{Api, Operation, SchemaFn, Success};

use crate::AppState;
use axum::Router;

/// The route table: every `/api` endpoint, in declaration order, as a
/// router and as the operations the OpenAPI document describes.
pub(crate) fn table() -> (Router<AppState>, Vec<Operation>) {
    let mut api = Api::default();
    suggest::routes(&mut api);
    tasks::routes(&mut api);
    task_parse::routes(&mut api);
    questions::routes(&mut api);
    waiting::routes(&mut api);
    drafts::routes(&mut api);
    knowledge::routes(&mut api);
    playbooks::routes(&mut api);
    recurring::routes(&mut api);
    sales::routes(&mut api);
    logs::routes(&mut api);
    dashboard::routes(&mut api);
    events::routes(&mut api);
    projects::routes(&mut api);
    people::routes(&mut api);
    clients::routes(&mut api);
    users::routes(&mut api);
    keys::routes(&mut api);
    context::routes(&mut api);
    jobs::routes(&mut api);
    briefings::routes(&mut api);
    channels::routes(&mut api);
    deliveries::routes(&mut api);
    triggers::routes(&mut api);
    chat::routes(&mut api);
    agent::routes(&mut api);
    api.finish()
}
