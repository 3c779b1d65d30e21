//! `/api/questions`: what the agent is waiting on a person for. Answering a
//! question unblocks every task it blocks and returns them.

use crate::auth::Caller;
use crate::body::{Body, Params};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use chief_domain::Priority;
use chief_domain::question::{NewQuestion, Question, QuestionStatus};
use chief_domain::task::Task;
use chief_store::{Listing, Page, question};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/questions", get(list).post(create))
        .route("/questions/unanswered", get(unanswered))
        .route("/questions/{id}/answer", put(answer))
        .route("/questions/{id}/dismiss", put(dismiss))
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::not_found("question", id))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

fn page(limit: Option<i64>, offset: Option<i64>) -> Result<Page, ApiError> {
    let limit = limit.unwrap_or(50);
    if !(1..=Page::MAX_LIMIT).contains(&limit) || offset.is_some_and(|o| o < 0) {
        return Err(ApiError::invalid(
            "limit",
            "limit must be 1 to 1000 and offset at least 0",
        ));
    }
    Ok(Page::new(limit, offset.unwrap_or(0)))
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
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        question::list(&state.db, caller.user.tenant_id, status, page).await?,
    ))
}

async fn unanswered(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Question>>, ApiError> {
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        question::list(
            &state.db,
            caller.user.tenant_id,
            Some(QuestionStatus::Unanswered),
            page,
        )
        .await?,
    ))
}

/// The body of `POST /api/questions`; `what_claude_will_do` is seed 003's name.
#[derive(Deserialize)]
pub(crate) struct CreateBody {
    #[serde(alias = "question_text")]
    text: String,
    context: Option<String>,
    why_asking: Option<String>,
    #[serde(alias = "what_claude_will_do")]
    what_agent_will_do: Option<String>,
    priority: Option<i64>,
    priority_reason: Option<String>,
    /// Tasks that wait for the answer.
    #[serde(default)]
    unblocks: Vec<Uuid>,
}

impl CreateBody {
    pub(crate) fn into_new(self) -> Result<(NewQuestion, Vec<Uuid>), ApiError> {
        Ok((
            NewQuestion {
                text: self.text,
                context: self.context,
                why_asking: self.why_asking,
                what_agent_will_do: self.what_agent_will_do,
                priority: self.priority.map(Priority::try_from).transpose()?,
                priority_reason: self.priority_reason,
            },
            self.unblocks,
        ))
    }
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<Question>), ApiError> {
    let (new, unblocks) = b.into_new()?;
    let mut tx = state.db.write(&caller.scope()).await?;
    let q = question::create(&mut tx, caller.user.id, new, &unblocks).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(q)))
}

#[derive(Deserialize)]
struct AnswerBody {
    answer: String,
}

#[derive(Deserialize)]
struct DismissBody {
    reason: Option<String>,
}

/// What closing a question returns.
#[derive(Serialize)]
struct Closed {
    question: Question,
    unblocked_tasks: Vec<Task>,
}

async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(b): Body<AnswerBody>,
) -> Result<Json<Closed>, ApiError> {
    let id = parse_id(&id)?;
    let mut tx = state.db.write(&caller.scope()).await?;
    let (question, unblocked_tasks) = question::answer(&mut tx, id, &b.answer).await?;
    tx.commit().await?;
    Ok(Json(Closed {
        question,
        unblocked_tasks,
    }))
}

async fn dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(b): Body<DismissBody>,
) -> Result<Json<Closed>, ApiError> {
    let id = parse_id(&id)?;
    let mut tx = state.db.write(&caller.scope()).await?;
    let (question, unblocked_tasks) = question::dismiss(&mut tx, id, b.reason.as_deref()).await?;
    tx.commit().await?;
    Ok(Json(Closed {
        question,
        unblocked_tasks,
    }))
}
