//! `/api/playbooks`: procedures the agent follows. A person creates active
//! playbooks; the agent proposes them and a person approves (active) or
//! rejects them. `/playbooks/match` runs `chief_brain::playbook_match`
//! over the active playbooks, as `/tasks/next` and `/tasks/{id}/start` do
//! (see `task_playbooks`). A wrong workflow step is a 409 naming the
//! playbook's status.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::playbook::{self as app, PlaybookProposal};
use chief_brain::playbook_match::match_playbooks;
use chief_domain::playbook::{NewPlaybook, Playbook, PlaybookOp, PlaybookPatch, PlaybookStatus};
use chief_store::Listing;
use chief_store::playbook::{self, PlaybookFilter};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Playbooks");
    api.get("/playbooks", list)
        .summary("List playbooks")
        .describe("By name.")
        .query::<ListQuery>()
        .ok::<Listing<Playbook>>();
    api.get("/playbooks/match", match_task)
        .summary("Match playbooks to a task")
        .describe("Runs the matcher over the active playbooks. A trigger phrase found in the text, as whole words, matches with relevance 1.0; otherwise the text is scored with BM25 against each playbook's name, triggers, description and category (name words count 3 times, trigger words twice), normalised to 0..1, and from 0.2 up it matches with the fields that shared words as the reason (`bm25: name, description`). `must_consult` lists the must-consult playbooks relevant to the task (matched, or the task is the kind of work their category or name is about), each with its warning.")
        .query::<MatchQuery>()
        .ok::<Matches>();
    api.get("/playbooks/{id}", show)
        .summary("Get a playbook with its content")
        .describe("Reading a playbook records a use (`use_count`, `last_used`): completing a task checks its must-consult playbooks against that.")
        .ok::<Playbook>();
    api.post("/playbooks", create)
        .summary("Create a playbook")
        .describe("A playbook a person writes is active at once.")
        .body::<NewPlaybook>()
        .created::<Playbook>();
    api.post("/playbooks/propose", propose)
        .summary("Propose a playbook")
        .describe("The agent proposes what it learned; the playbook stays `proposed`, unused by matching, until a person approves or rejects it.")
        .body::<PlaybookProposal>()
        .created::<Proposed>();
    api.put("/playbooks/{id}", update)
        .summary("Update a playbook")
        .describe("Fields present are changed; `null` clears the category.")
        .body::<PlaybookPatch>()
        .ok::<Playbook>();
    api.put("/playbooks/{id}/approve", approve)
        .summary("Approve a proposed playbook")
        .describe("It becomes active and is matched from now on.")
        .ok::<Playbook>();
    api.put("/playbooks/{id}/reject", reject)
        .summary("Reject a proposed playbook")
        .describe("Rejected is final; propose it again to reconsider.")
        .ok::<Playbook>();
    api.put("/playbooks/{id}/archive", archive)
        .summary("Archive a playbook")
        .describe("It is no longer matched; restore brings it back.")
        .ok::<Playbook>();
    api.put("/playbooks/{id}/restore", restore)
        .summary("Restore an archived playbook")
        .ok::<Playbook>();
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    category: Option<String>,
    must_consult: Option<bool>,
    /// active, proposed, archived or rejected.
    status: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Playbook>>, ApiError> {
    let filter = PlaybookFilter {
        category: q.category,
        must_consult: q.must_consult,
        status: q
            .status
            .as_deref()
            .map(|s| {
                s.parse::<PlaybookStatus>()
                    .map_err(|e| ApiError::invalid("status", e.to_string()))
            })
            .transpose()?,
    };
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        playbook::listing(&state.db, caller.tenant(), &filter, page).await?,
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct MatchQuery {
    /// The task's title and description.
    task_description: String,
}

/// A playbook the task calls for.
#[derive(Serialize, JsonSchema)]
struct MatchedPlaybook {
    playbook: Playbook,
    /// `trigger: 'email to'` or `bm25: name, description`.
    match_reason: String,
    /// 1.0 for a trigger, else the BM25 relevance (0.2 to 1).
    relevance_score: f64,
}

/// A must-consult playbook the task is relevant to.
#[derive(Serialize, JsonSchema)]
struct MustConsultPlaybook {
    playbook: Playbook,
    warning: String,
}

/// What `GET /api/playbooks/match` returns.
#[derive(Serialize, JsonSchema)]
struct Matches {
    /// Best first.
    matched: Vec<MatchedPlaybook>,
    must_consult: Vec<MustConsultPlaybook>,
}

async fn match_task(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<MatchQuery>,
) -> Result<Json<Matches>, ApiError> {
    let text = q.task_description;
    if text.trim().is_empty() {
        return Err(ApiError::invalid("task_description", "must not be empty"));
    }
    // Read afresh, not from the matching cache: the answer shows each
    // playbook whole, use counts included.
    let filter = PlaybookFilter {
        status: Some(PlaybookStatus::Active),
        ..Default::default()
    };
    let playbooks = playbook::list(&state.db, caller.tenant(), &filter).await?;
    let found = match_playbooks(&text, &playbooks);
    Ok(Json(Matches {
        matched: found
            .matched
            .into_iter()
            .map(|m| MatchedPlaybook {
                playbook: m.playbook.clone(),
                match_reason: m.match_reason,
                relevance_score: m.relevance_score,
            })
            .collect(),
        must_consult: found
            .must_consult
            .into_iter()
            .map(|c| MustConsultPlaybook {
                playbook: c.playbook.clone(),
                warning: c.warning,
            })
            .collect(),
    }))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Playbook>, ApiError> {
    // Reading a playbook is consulting it: the use is recorded, and task
    // completion checks must-consult playbooks against it.
    Ok(Json(app::consult(&state.db, &caller.scope(), id).await?))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewPlaybook>,
) -> Result<(StatusCode, Json<Playbook>), ApiError> {
    let created = app::create(&state.db, &caller.scope(), new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// What proposing returns.
#[derive(Serialize, JsonSchema)]
struct Proposed {
    /// The playbook, `proposed`.
    playbook: Playbook,
}

async fn propose(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<PlaybookProposal>,
) -> Result<(StatusCode, Json<Proposed>), ApiError> {
    let playbook = app::propose(&state.db, &caller.scope(), b).await?;
    Ok((StatusCode::CREATED, Json(Proposed { playbook })))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<PlaybookPatch>,
) -> Result<Json<Playbook>, ApiError> {
    Ok(Json(
        app::update(&state.db, &caller.scope(), id, patch).await?,
    ))
}

/// Runs one workflow step.
async fn step(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    op: PlaybookOp,
) -> Result<Json<Playbook>, ApiError> {
    Ok(Json(app::step(&state.db, &caller.scope(), id, op).await?))
}

async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Playbook>, ApiError> {
    step(&state, &caller, id, PlaybookOp::Approve).await
}

async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Playbook>, ApiError> {
    step(&state, &caller, id, PlaybookOp::Reject).await
}

async fn archive(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Playbook>, ApiError> {
    step(&state, &caller, id, PlaybookOp::Archive).await
}

async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Playbook>, ApiError> {
    step(&state, &caller, id, PlaybookOp::Restore).await
}
