//! `/api/drafts`: external content the agent wrote, waiting for a person.
//! Approving records the decision and says what sending would do; nothing is
//! ever sent from here. A wrong step (approving a rejected draft, editing an
//! approved one) is a 409 naming the draft's status.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, MaybeBody, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::draft::{self as app, DraftRequest, Rejection, Revision};
use chief_domain::draft::{Draft, DraftPatch, DraftStatus, DraftType};
use chief_domain::person::Person;
use chief_domain::task::Task;
use chief_store::draft::{DraftFilter, SendAction};
use chief_store::{Listing, StoreError, draft, task};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub fn routes(api: &mut Api) {
    api.section("Drafts");
    api.get("/drafts", list)
        .summary("List drafts")
        .query::<ListQuery>()
        .ok::<Listing<Draft>>();
    api.get("/drafts/{id}", show)
        .summary("Get a draft with its context")
        .describe("The draft, the task it was written for, and the recipient's person record when one matches.")
        .ok::<WithContext>();
    api.post("/drafts", create)
        .summary("Create a draft")
        .describe("The recipient's relationship context (matched by email or name among your people) is captured with the draft.")
        .body::<DraftRequest>()
        .created::<Draft>();
    api.put("/drafts/{id}", update)
        .summary("Edit a pending draft")
        .describe("Only a pending draft is edited in place; revise an approved or rejected one.")
        .body::<DraftPatch>()
        .ok::<Draft>();
    api.post("/drafts/{id}/approve", approve)
        .summary("Approve a draft")
        .describe("Marks the draft approved and returns what sending it would do. Nothing is sent.")
        .ok::<Approved>();
    api.post("/drafts/{id}/reject", reject)
        .summary("Reject a draft with feedback")
        .body::<Rejection>()
        .ok::<Draft>();
    api.post("/drafts/{id}/revise", revise)
        .summary("Create a revised version")
        .describe("The original becomes `revised`; the new pending draft links to it through `revision_of`.")
        .body::<Revision>()
        .created::<Revised>();
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    #[serde(rename = "type")]
    draft_type: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Draft>>, ApiError> {
    let filter = DraftFilter {
        status: q
            .status
            .as_deref()
            .map(|s| {
                s.parse::<DraftStatus>()
                    .map_err(|e| ApiError::invalid("status", e.to_string()))
            })
            .transpose()?,
        draft_type: q
            .draft_type
            .as_deref()
            .map(|t| {
                t.parse::<DraftType>()
                    .map_err(|e| ApiError::invalid("type", e.to_string()))
            })
            .transpose()?,
    };
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        draft::list(&state.db, caller.tenant(), &filter, page).await?,
    ))
}

/// A draft and what it was written in: its task and its recipient.
#[derive(Serialize, JsonSchema)]
struct WithContext {
    draft: Draft,
    task: Option<Task>,
    recipient_person: Option<Person>,
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<WithContext>, ApiError> {
    let tenant = caller.tenant();
    let draft = draft::get(&state.db, tenant, id).await?;
    let task = match draft.task_id {
        // A deleted task leaves the draft without one.
        Some(task_id) => match task::get(&state.db, tenant, task_id).await {
            Ok(t) => Some(t),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let recipient_person = match draft.recipient.as_deref() {
        Some(r) => draft::recipient_person(&state.db, tenant, r).await?,
        None => None,
    };
    Ok(Json(WithContext {
        draft,
        task,
        recipient_person,
    }))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<DraftRequest>,
) -> Result<(StatusCode, Json<Draft>), ApiError> {
    let created = app::create(&state.db, &caller.scope(), b).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<DraftPatch>,
) -> Result<Json<Draft>, ApiError> {
    Ok(Json(
        app::update(&state.db, &caller.scope(), id, patch).await?,
    ))
}

/// What approving returns: the approved draft and what sending would do.
#[derive(Serialize, JsonSchema)]
struct Approved {
    draft: Draft,
    send_action: SendAction,
}

async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Approved>, ApiError> {
    let draft = app::approve(&state.db, &caller.scope(), id).await?;
    Ok(Json(Approved {
        send_action: draft::send_action(&draft),
        draft,
    }))
}

async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    MaybeBody(b): MaybeBody<Rejection>,
) -> Result<Json<Draft>, ApiError> {
    let rejection = b.unwrap_or_default();
    Ok(Json(
        app::reject(&state.db, &caller.scope(), id, rejection).await?,
    ))
}

/// What revising returns.
#[derive(Serialize, JsonSchema)]
struct Revised {
    /// The new pending draft; its `revision_of` is the original.
    new_draft: Draft,
}

async fn revise(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<Revision>,
) -> Result<(StatusCode, Json<Revised>), ApiError> {
    let new_draft = app::revise(&state.db, &caller.scope(), id, b).await?;
    Ok((StatusCode::CREATED, Json(Revised { new_draft })))
}
