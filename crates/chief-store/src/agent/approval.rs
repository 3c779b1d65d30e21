//! `agent_approvals`: the tool calls the agent held for a person's
//! approval, each tied to the question that asks it, and when an approved
//! one was used. What an answer means is the agent's business; this keeps
//! the rows.

use crate::{Change, Db, StoreError, Tx};
use chief_domain::TenantId;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// One held call of a task, with its question's state.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldCall {
    pub id: Uuid,
    pub tool: String,
    /// The canonical arguments.
    pub arguments: String,
    pub used_at: Option<DateTime<Utc>>,
    /// The question's status (`unanswered`, `answered`, …).
    pub question_status: String,
    pub answer: Option<String>,
}

/// Records, audited, that `tool` with `arguments` on `task_id` waits for
/// the answer to `question_id`.
pub async fn hold(
    tx: &mut Tx,
    task_id: Uuid,
    question_id: Uuid,
    tool: &str,
    arguments: &str,
) -> Result<Uuid, StoreError> {
    let id = crate::new_id();
    let now = tx.now();
    tx.execute(
        "INSERT INTO agent_approvals (id, tenant_id, task_id, question_id, tool, arguments, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            id.into(),
            tx.tenant().into(),
            task_id.into(),
            question_id.into(),
            tool.into(),
            arguments.into(),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: "agent_approval.requested".into(),
        entity_type: "agent_approval",
        entity_id: id,
        details: json!({"task_id": task_id, "question_id": question_id, "tool": tool,
            "arguments": arguments}),
    })
    .await?;
    Ok(id)
}

/// Every call held for `task_id`, oldest first.
pub async fn for_task(
    db: &Db,
    tenant: TenantId,
    task_id: Uuid,
) -> Result<Vec<HeldCall>, StoreError> {
    db.fetch_all(
        "SELECT a.id, a.tool, a.arguments, a.used_at, q.status, q.answer \
         FROM agent_approvals a JOIN questions q ON q.tenant_id = a.tenant_id AND q.id = a.question_id \
         WHERE a.tenant_id = $1 AND a.task_id = $2 ORDER BY a.created_at, a.id",
        &[tenant.into(), task_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(HeldCall {
            id: r.uuid("id")?,
            tool: r.text("tool")?,
            arguments: r.text("arguments")?,
            used_at: r.opt_ts("used_at")?,
            question_status: r.text("status")?,
            answer: r.opt_text("answer")?,
        })
    })
    .collect()
}

/// Marks, audited, an approved call as run, so the approval is used once.
pub async fn mark_used(tx: &mut Tx, approval_id: Uuid) -> Result<(), StoreError> {
    let now = tx.now();
    tx.execute(
        "UPDATE agent_approvals SET used_at = $3 WHERE tenant_id = $1 AND id = $2",
        &[tx.tenant().into(), approval_id.into(), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: "agent_approval.used".into(),
        entity_type: "agent_approval",
        entity_id: approval_id,
        details: json!({}),
    })
    .await?;
    Ok(())
}
