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
use chief_domain::Priority;
use chief_domain::question::{NewQuestion, Question, QuestionStatus};
use chief_domain::task::Task;
use chief_store::{Listing, question};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
        .body::<CreateBody>()
        .created::<Question>();
    api.put("/questions/{id}/answer", answer)
        .summary("Answer a question")
        .describe("Returns the tasks the answer unblocked.")
        .body::<AnswerBody>()
        .ok::<Closed>();
    api.put("/questions/{id}/dismiss", dismiss)
        .summary("Dismiss a question without answering")
        .body::<DismissBody>()
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

/// The body of `POST /api/questions`; `what_claude_will_do` is seed 003's name.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "QuestionCreate")]
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

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "QuestionAnswer")]
struct AnswerBody {
    answer: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "QuestionDismiss")]
struct DismissBody {
    reason: Option<String>,
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
    Body(b): Body<AnswerBody>,
) -> Result<Json<Closed>, ApiError> {
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
    Id(id): Id,
    MaybeBody(b): MaybeBody<DismissBody>,
) -> Result<Json<Closed>, ApiError> {
    let mut tx = state.db.write(&caller.scope()).await?;
    let (question, unblocked_tasks) =
        question::dismiss(&mut tx, id, b.and_then(|b| b.reason).as_deref()).await?;
    tx.commit().await?;
    Ok(Json(Closed {
        question,
        unblocked_tasks,
    }))
}
