//! `/api/questions`: what the agent is waiting on a person for. Answering a
//! question unblocks every task it blocks and returns them.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, MaybeBody, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::question::{self as app, Answer, Dismissal, QuestionRequest};
use chief_domain::Priority;
use chief_domain::question::{Question, QuestionStatus};
use chief_domain::task::Task;
use chief_store::{Listing, question};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub fn routes(api: &mut Api) {
    api.section("Questions");
    api.get("/questions", list)
        .summary("List questions")
        .query::<ListQuery>()
        .ok::<Listing<Question>>();
    api.get("/questions/unanswered", unanswered)
        .summary("Unanswered questions, most urgent first")
        .query::<ListQuery>()
        .ok::<Listing<Question>>();
    api.post("/questions", create)
        .summary("Ask a standalone question")
        .body::<QuestionRequest>()
        .created::<Question>();
    api.put("/questions/{id}/answer", answer)
        .summary("Answer a question")
        .describe("Returns the tasks the answer unblocked.")
        .body::<Answer>()
        .ok::<Closed>();
    api.put("/questions/{id}/dismiss", dismiss)
        .summary("Dismiss a question without answering")
        .body::<Dismissal>()
        .ok::<Closed>();
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    /// Only questions of this priority, 1 (highest) to 5.
    priority: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Question>>, ApiError> {
    let status = q
        .status
        .as_deref()
        .map(str::parse::<QuestionStatus>)
        .transpose()?;
    let priority = q.priority.map(Priority::try_from).transpose()?;
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        question::list_filtered(&state.db, caller.user.tenant_id, status, priority, page).await?,
    ))
}

async fn unanswered(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Question>>, ApiError> {
    let priority = q.priority.map(Priority::try_from).transpose()?;
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        question::list_filtered(
            &state.db,
            caller.user.tenant_id,
            Some(QuestionStatus::Unanswered),
            priority,
            page,
        )
        .await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<QuestionRequest>,
) -> Result<(StatusCode, Json<Question>), ApiError> {
    let q = app::create(&state.db, &caller.scope(), b).await?;
    Ok((StatusCode::CREATED, Json(q)))
}

/// What closing a question returns.
#[derive(Serialize, JsonSchema)]
struct Closed {
    question: Question,
    unblocked_tasks: Vec<Task>,
}

async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<Answer>,
) -> Result<Json<Closed>, ApiError> {
    let (question, unblocked_tasks) = app::answer(&state.db, &caller.scope(), id, b).await?;
    Ok(Json(Closed {
        question,
        unblocked_tasks,
    }))
}

async fn dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    MaybeBody(b): MaybeBody<Dismissal>,
) -> Result<Json<Closed>, ApiError> {
    let (question, unblocked_tasks) =
        app::dismiss(&state.db, &caller.scope(), id, b.unwrap_or_default()).await?;
    Ok(Json(Closed {
        question,
        unblocked_tasks,
    }))
}
