//! The question repository. Answering a question unblocks every task it
//! blocks, in the same transaction, and returns them.

use crate::conn::{Conn, by_id};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, StoreError, Tx};
use chief_domain::event::{action, verb};
use chief_domain::question::{NewQuestion, Question, QuestionStatus};
use chief_domain::task::Task;
use chief_domain::{Priority, TenantId};
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, text, context, why_asking, what_agent_will_do, priority, priority_reason, status, answer, answered_at, answered_by, created_at";

pub(crate) fn from_row(r: &Row) -> Result<Question, StoreError> {
    Ok(Question {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        text: r.text("text")?,
        context: r.opt_text("context")?,
        why_asking: r.opt_text("why_asking")?,
        what_agent_will_do: r.opt_text("what_agent_will_do")?,
        priority: Priority::try_from(r.int("priority")?)?,
        priority_reason: r.opt_text("priority_reason")?,
        status: r.parse("status")?,
        answer: r.opt_text("answer")?,
        answered_at: r.opt_ts("answered_at")?,
        answered_by: r.opt_text("answered_by")?,
        created_at: r.ts("created_at")?,
    })
}

/// Asks a question; `unblocks` lists the tasks that wait for its answer.
pub async fn create(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewQuestion,
    unblocks: &[Uuid],
) -> Result<Question, StoreError> {
    let text = new.text.trim();
    if text.is_empty() {
        return Err(StoreError::invalid("question_text", "must not be empty"));
    }
    if text.contains('\0') {
        return Err(StoreError::invalid(
            "question_text",
            "must not contain NUL characters",
        ));
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO questions (id, tenant_id, user_id, text, context, why_asking, what_agent_will_do, priority, priority_reason, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'unanswered', $10)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            text.into(),
            new.context.clone().into(),
            new.why_asking.clone().into(),
            new.what_agent_will_do.clone().into(),
            new.priority.unwrap_or_default().into(),
            new.priority_reason.clone().into(),
            now.into(),
        ],
    )
    .await?;
    for task in unblocks {
        crate::task::ensure_in_tenant(tx, "tasks", "task", *task).await?;
        tx.execute(
            "INSERT INTO question_unblocks (tenant_id, question_id, task_id) VALUES ($1, $2, $3)",
            &[tenant.into(), id.into(), (*task).into()],
        )
        .await?;
    }
    tx.audit(Change {
        action: action("question", verb::CREATED),
        entity_type: "question",
        entity_id: id,
        details: serde_json::json!({"text": text, "unblocks": unblocks, "priority": new.priority.unwrap_or_default()}),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// A question of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Question, StoreError> {
    from_row(
        &by_id(
            conn.into(),
            "questions",
            COLUMNS,
            "",
            "question",
            tenant,
            id,
        )
        .await?,
    )
}

/// Questions, filtered by status and priority; by priority then age.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    status: Option<QuestionStatus>,
    page: Page,
) -> Result<Listing<Question>, StoreError> {
    list_filtered(db, tenant, status, None, page).await
}

/// Questions, filtered by status and by priority (any when `None`); by
/// priority then age.
pub async fn list_filtered(
    db: &Db,
    tenant: TenantId,
    status: Option<QuestionStatus>,
    priority: Option<Priority>,
    page: Page,
) -> Result<Listing<Question>, StoreError> {
    let status = status.map(|s| s.as_str());
    let priority = priority.map(|p| p.get());
    let filter = "tenant_id = $1 AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR priority = $3)";
    crate::conn::page_of(
        db,
        "questions",
        COLUMNS,
        filter,
        vec![tenant.into(), status.into(), priority.into()],
        "priority, created_at",
        page,
        from_row,
    )
    .await
}

/// Answers a question and unblocks the tasks waiting for it.
pub async fn answer(
    tx: &mut Tx,
    id: Uuid,
    answer: &str,
) -> Result<(Question, Vec<Task>), StoreError> {
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(StoreError::invalid("answer", "must not be empty"));
    }
    close(tx, id, Some(answer), true).await
}

/// Dismisses a question without an answer; its tasks are unblocked too, so
/// the agent can decide what to do without it.
pub async fn dismiss(
    tx: &mut Tx,
    id: Uuid,
    reason: Option<&str>,
) -> Result<(Question, Vec<Task>), StoreError> {
    close(
        tx,
        id,
        reason.map(str::trim).filter(|r| !r.is_empty()),
        false,
    )
    .await
}

/// Answers (`answered`) or dismisses a question. `text` is the answer, or
/// the reason for dismissing it, kept in the `answer` column.
async fn close(
    tx: &mut Tx,
    id: Uuid,
    text: Option<&str>,
    answered: bool,
) -> Result<(Question, Vec<Task>), StoreError> {
    let answer = text;
    let tenant = tx.tenant();
    let q = get(&mut *tx, tenant, id).await?;
    let next = q.status.close(answered)?;
    let now = tx.now();
    let by = tx.actor().kind.as_str();
    tx.execute(
        "UPDATE questions SET status = $3, answer = $4, answered_at = $5, answered_by = $6 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), next.as_str().into(), answer.into(), now.into(), by.into()],
    )
    .await?;
    let verb = if answered {
        verb::ANSWERED
    } else {
        verb::DISMISSED
    };
    tx.audit(Change {
        action: action("question", verb),
        entity_type: "question",
        entity_id: id,
        details: serde_json::json!({"status": {"before": q.status, "after": next}, "answer": answer}),
    })
    .await?;
    let unblocked = crate::task::unblock_for_question(tx, id).await?;
    Ok((get(&mut *tx, tenant, id).await?, unblocked))
}
