//! Questions: asking one (standalone or blocking a task), answering it and
//! dismissing it, for the API, the web page, the CLI and the agent's tools
//! alike. Closing a question unblocks every task it blocked.

use crate::write::in_tx;
use chief_domain::question::{NewQuestion, Question};
use chief_domain::task::Task;
use chief_domain::{DomainError, Priority};
use chief_store::{Db, Scope, StoreError, question, task};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// A question to ask (`POST /api/questions`, or blocking a task);
/// `question_text` and `what_claude_will_do` are seed 003's names.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "QuestionCreate")]
pub struct QuestionRequest {
    #[serde(alias = "question_text")]
    pub text: String,
    pub context: Option<String>,
    pub why_asking: Option<String>,
    #[serde(alias = "what_claude_will_do")]
    pub what_agent_will_do: Option<String>,
    pub priority: Option<i64>,
    pub priority_reason: Option<String>,
    /// Tasks that wait for the answer.
    #[serde(default)]
    pub unblocks: Vec<Uuid>,
}

impl QuestionRequest {
    /// The question this request asks, and the tasks it unblocks.
    fn into_new(self) -> Result<(NewQuestion, Vec<Uuid>), DomainError> {
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

/// The answer to a question.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "QuestionAnswer")]
pub struct Answer {
    pub answer: String,
}

/// Why a question is dismissed without an answer; the body may be left out.
#[derive(Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "QuestionDismiss")]
pub struct Dismissal {
    pub reason: Option<String>,
}

/// Asks a standalone question, blocking the tasks in `unblocks`.
pub async fn create(db: &Db, scope: &Scope, req: QuestionRequest) -> Result<Question, StoreError> {
    let (new, unblocks) = req.into_new()?;
    in_tx(db, scope, async |tx, user| {
        question::create(tx, user, new, &unblocks).await
    })
    .await
}

/// Blocks task `task_id` on a new question (its `unblocks` are not read).
pub async fn block_task(
    db: &Db,
    scope: &Scope,
    task_id: Uuid,
    req: QuestionRequest,
) -> Result<(Task, Question), StoreError> {
    let (new, _) = req.into_new()?;
    in_tx(db, scope, async |tx, _| task::block(tx, task_id, new).await).await
}

/// Answers question `id`; returns it with the tasks the answer unblocked.
pub async fn answer(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    a: Answer,
) -> Result<(Question, Vec<Task>), StoreError> {
    in_tx(db, scope, async |tx, _| {
        question::answer(tx, id, &a.answer).await
    })
    .await
}

/// Dismisses question `id`; returns it with the tasks it no longer blocks.
pub async fn dismiss(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    d: Dismissal,
) -> Result<(Question, Vec<Task>), StoreError> {
    in_tx(db, scope, async |tx, _| {
        question::dismiss(tx, id, d.reason.as_deref()).await
    })
    .await
}
