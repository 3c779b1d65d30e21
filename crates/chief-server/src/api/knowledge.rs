//! `/api/knowledge`: the learning loop. A captured learning is routed at once
//! to what it is about (a person's notes, a client, a project, a proposed
//! playbook, the rules playbook or the user's settings) or held for review
//! when chief cannot tell; the routing itself lives in
//! `chief_app::knowledge_routing`, shared with task completion. Routed and
//! dismissed learnings are final: moving them again is a 409 naming the
//! status.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, MaybeBody, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::knowledge::{self as app, CaptureRequest, Dismissal, RouteRequest};
use chief_app::knowledge_routing::Routed;
use chief_brain::knowledge_route::TRIGGER_PHRASES;
use chief_domain::knowledge::{Knowledge, KnowledgeCategory, KnowledgeStatus};
use chief_store::knowledge::KnowledgeFilter;
use chief_store::{Listing, knowledge};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Knowledge");
    api.post("/knowledge/capture", capture)
        .summary("Capture a learning")
        .describe("Records what was learned and routes it in the same transaction: to the person, client or project it names (a dated paragraph in their notes), to a new proposed playbook, to the `rules` playbook, or to the user's `custom` setting. Without `category` it is inferred from the text; without `trigger_phrase` one of the trigger phrases is looked for. People, clients and projects are found by full name, alias (a person's `aliases`), first name, a telling word of the name, a typo or a possessive (\"Patrick's\"); `matched` says which and how. When nothing known is named, or several fit equally well, the learning is held in `pending_review`, `routed_to` is null and `candidates` lists whom it could be about (also kept in the learning's `metadata`). `target_type`/`target_id` route it to a record you choose.")
        .body::<CaptureRequest>()
        .created::<Routed>();
    api.get("/knowledge", list)
        .summary("List captured learnings")
        .describe("Newest first.")
        .query::<ListQuery>()
        .ok::<Listing<Knowledge>>();
    api.get("/knowledge/pending", pending)
        .summary("Learnings waiting to be routed")
        .describe("Captured or held for review, oldest first.")
        .query::<PageQuery>()
        .ok::<Listing<Knowledge>>();
    api.get("/knowledge/triggers", triggers)
        .summary("The trigger phrases to listen for")
        .describe("When a person says one of these, what follows is worth capturing.")
        .ok::<Triggers>();
    api.get("/knowledge/{id}", show)
        .summary("Get a learning")
        .ok::<Knowledge>();
    api.post("/knowledge/{id}/route", route)
        .summary("Route a learning by hand")
        .describe("Appends the learning to the person, client, project or playbook `target_id` (which must be in this workspace), or to the rules playbook (`rule`) or your settings (`setting`), which take no id.")
        .body::<RouteRequest>()
        .ok::<Routed>();
    api.post("/knowledge/{id}/dismiss", dismiss)
        .summary("Dismiss a learning not worth keeping")
        .describe("The reason, if given, is kept in the audit log.")
        .body::<Dismissal>()
        .ok::<Knowledge>();
}

fn category(field: &str, text: Option<&str>) -> Result<Option<KnowledgeCategory>, ApiError> {
    text.map(|c| {
        c.parse()
            .map_err(|e: chief_domain::DomainError| ApiError::invalid(field, e.to_string()))
    })
    .transpose()
}

async fn capture(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CaptureRequest>,
) -> Result<(StatusCode, Json<Routed>), ApiError> {
    let routed = app::capture(&state.db, &caller.scope(), b).await?;
    Ok((StatusCode::CREATED, Json(routed)))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// playbook, person, client, project, setting or rule.
    category: Option<String>,
    /// captured, routed, pending_review or dismissed.
    status: Option<String>,
    source_task_id: Option<Uuid>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Knowledge>>, ApiError> {
    let filter = KnowledgeFilter {
        category: category("category", q.category.as_deref())?,
        status: q
            .status
            .as_deref()
            .map(|s| {
                s.parse::<KnowledgeStatus>()
                    .map_err(|e| ApiError::invalid("status", e.to_string()))
            })
            .transpose()?,
        source_task_id: q.source_task_id,
    };
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        knowledge::list(&state.db, caller.tenant(), &filter, page).await?,
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn pending(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<PageQuery>,
) -> Result<Json<Listing<Knowledge>>, ApiError> {
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        knowledge::pending(&state.db, caller.tenant(), page).await?,
    ))
}

/// The phrases that mean "capture this".
#[derive(Serialize, JsonSchema)]
struct Triggers {
    phrases: Vec<&'static str>,
}

async fn triggers(_caller: Caller) -> Json<Triggers> {
    Json(Triggers {
        phrases: TRIGGER_PHRASES.to_vec(),
    })
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Knowledge>, ApiError> {
    Ok(Json(knowledge::get(&state.db, caller.tenant(), id).await?))
}

async fn route(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<RouteRequest>,
) -> Result<Json<Routed>, ApiError> {
    Ok(Json(app::route(&state.db, &caller.scope(), id, b).await?))
}

async fn dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    MaybeBody(b): MaybeBody<Dismissal>,
) -> Result<Json<Knowledge>, ApiError> {
    let dismissal = b.unwrap_or_default();
    Ok(Json(
        app::dismiss(&state.db, &caller.scope(), id, dismissal).await?,
    ))
}
