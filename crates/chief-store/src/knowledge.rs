//! The knowledge repository: learnings captured from tasks and
//! conversations, and their routing to the entity they are about.
//!
//! A learning starts `captured`, may wait for the person in
//! `pending_review`, and ends `routed` (to a playbook, person, client, …) or
//! `dismissed`; both ends are final. Every move is audited
//! (`knowledge.captured`, `knowledge.routed`, `knowledge.dismissed`,
//! `knowledge.status_changed`) in the same transaction.

use crate::conn::{Conn, by_id};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, StoreError, Tx};
use chief_domain::TenantId;
use chief_domain::event::{action, verb};
use chief_domain::knowledge::{Knowledge, KnowledgeCategory, KnowledgeStatus, NewKnowledge};
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, source_task_id, source_type, trigger_phrase, content, category, routed_to_type, routed_to_id, status, metadata, learned_at, created_at";

pub(crate) fn from_row(r: &Row) -> Result<Knowledge, StoreError> {
    Ok(Knowledge {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        source_task_id: r.opt_uuid("source_task_id")?,
        source_type: r.parse("source_type")?,
        trigger_phrase: r.opt_text("trigger_phrase")?,
        content: r.text("content")?,
        category: r.parse("category")?,
        routed_to_type: r.opt_text("routed_to_type")?,
        routed_to_id: r.opt_uuid("routed_to_id")?,
        status: r.parse("status")?,
        metadata: r.json("metadata")?,
        learned_at: r.ts("learned_at")?,
        created_at: r.ts("created_at")?,
    })
}

/// Which learnings a list shows; `None` matches any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KnowledgeFilter {
    pub category: Option<KnowledgeCategory>,
    pub status: Option<KnowledgeStatus>,
    pub source_task_id: Option<Uuid>,
}

/// The table a routing target lives in, when chief keeps one, so a learning
/// cannot be routed to another tenant's row.
fn target_table(target_type: &str) -> Option<(&'static str, &'static str)> {
    match target_type {
        "playbook" => Some(("playbooks", "playbook")),
        "person" => Some(("people", "person")),
        "client" => Some(("clients", "client")),
        "project" => Some(("projects", "project")),
        "task" => Some(("tasks", "task")),
        _ => None,
    }
}

/// Captures a learning for `user_id`; it starts `captured`.
pub async fn capture(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewKnowledge,
) -> Result<Knowledge, StoreError> {
    let content = new.content.trim();
    if content.is_empty() || content.contains('\0') {
        return Err(StoreError::invalid("content", "must not be empty"));
    }
    if let Some(task) = new.source_task_id {
        crate::task::ensure_in_tenant(tx, "tasks", "task", task).await?;
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO knowledge (id, tenant_id, user_id, source_task_id, source_type, trigger_phrase, content, category, status, learned_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'captured', $9, $10)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            new.source_task_id.into(),
            new.source_type.as_str().into(),
            new.trigger_phrase.clone().into(),
            content.into(),
            new.category.as_str().into(),
            new.learned_at.unwrap_or(now).into(),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("knowledge", "captured"),
        entity_type: "knowledge",
        entity_id: id,
        details: serde_json::json!({"content": content, "category": new.category, "source_type": new.source_type, "source_task_id": new.source_task_id}),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// A learning of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Knowledge, StoreError> {
    from_row(
        &by_id(
            conn.into(),
            "knowledge",
            COLUMNS,
            "",
            "learning",
            tenant,
            id,
        )
        .await?,
    )
}

/// Learnings matching `filter`, newest first, one page at a time.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    filter: &KnowledgeFilter,
    page: Page,
) -> Result<Listing<Knowledge>, StoreError> {
    let category = filter.category.map(|c| c.as_str());
    let status = filter.status.map(|s| s.as_str());
    let matches = "tenant_id = $1 AND ($2 IS NULL OR category = $2) AND ($3 IS NULL OR status = $3) AND ($4 IS NULL OR source_task_id = $4)";
    let args = [
        tenant.into(),
        category.into(),
        status.into(),
        filter.source_task_id.into(),
    ];
    crate::conn::page_of(
        db,
        "knowledge",
        COLUMNS,
        matches,
        args.to_vec(),
        "learned_at DESC, id",
        page,
        from_row,
    )
    .await
}

/// Learnings still to be routed (`captured` or `pending_review`), oldest
/// first, one page at a time.
pub async fn pending(
    db: &Db,
    tenant: TenantId,
    page: Page,
) -> Result<Listing<Knowledge>, StoreError> {
    let matches = "tenant_id = $1 AND status IN ('captured', 'pending_review')";
    crate::conn::page_of(
        db,
        "knowledge",
        COLUMNS,
        matches,
        vec![tenant.into()],
        "learned_at, id",
        page,
        from_row,
    )
    .await
}

/// Records that a learning was routed to `target_type` `target_id` (a
/// playbook, person, client, …).
pub async fn mark_routed(
    tx: &mut Tx,
    id: Uuid,
    target_type: &str,
    target_id: Uuid,
) -> Result<Knowledge, StoreError> {
    let target_type = target_type.trim();
    if target_type.is_empty() || target_type.contains('\0') {
        return Err(StoreError::invalid("routed_to_type", "must not be empty"));
    }
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    before.status.move_to(KnowledgeStatus::Routed, "route")?;
    if let Some((table, entity)) = target_table(target_type) {
        crate::task::ensure_in_tenant(tx, table, entity, target_id).await?;
    }
    tx.execute(
        "UPDATE knowledge SET status = 'routed', routed_to_type = $3, routed_to_id = $4 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), target_type.into(), target_id.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("knowledge", "routed"),
        entity_type: "knowledge",
        entity_id: id,
        details: serde_json::json!({
            "status": {"before": before.status, "after": KnowledgeStatus::Routed},
            "routed_to_type": target_type,
            "routed_to_id": target_id,
        }),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// Sets a captured learning aside for the person to review.
pub async fn mark_pending_review(tx: &mut Tx, id: Uuid) -> Result<Knowledge, StoreError> {
    hold_for_review(tx, id, serde_json::json!({})).await
}

/// Sets a captured learning aside for the person to review, keeping
/// `review` (why, and the candidates it could be about) in its metadata and
/// in the audit entry.
pub async fn hold_for_review(
    tx: &mut Tx,
    id: Uuid,
    review: serde_json::Value,
) -> Result<Knowledge, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let to = before
        .status
        .move_to(KnowledgeStatus::PendingReview, "hold for review")?;
    tx.execute(
        "UPDATE knowledge SET status = $3, metadata = $4 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            to.as_str().into(),
            crate::Value::json(&review),
        ],
    )
    .await?;
    let mut details = serde_json::json!({"status": {"before": before.status, "after": to}});
    if let (Some(d), Some(r)) = (details.as_object_mut(), review.as_object()) {
        d.extend(r.clone());
    }
    tx.audit(Change {
        action: action("knowledge", verb::STATUS_CHANGED),
        entity_type: "knowledge",
        entity_id: id,
        details,
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// Dismisses a learning that is not worth keeping; the reason, if given,
/// is kept in the audit log.
pub async fn dismiss(tx: &mut Tx, id: Uuid, reason: Option<&str>) -> Result<Knowledge, StoreError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.contains('\0')) {
        return Err(StoreError::invalid(
            "reason",
            "must not contain NUL characters",
        ));
    }
    set_status(
        tx,
        id,
        KnowledgeStatus::Dismissed,
        "dismiss",
        verb::DISMISSED,
        reason,
    )
    .await
}

async fn set_status(
    tx: &mut Tx,
    id: Uuid,
    to: KnowledgeStatus,
    operation: &'static str,
    verb: &str,
    reason: Option<&str>,
) -> Result<Knowledge, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    before.status.move_to(to, operation)?;
    tx.execute(
        "UPDATE knowledge SET status = $3 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), to.as_str().into()],
    )
    .await?;
    tx.audit(Change {
        action: action("knowledge", verb),
        entity_type: "knowledge",
        entity_id: id,
        details: match reason {
            Some(reason) => serde_json::json!({"status": {"before": before.status, "after": to}, "reason": reason}),
            None => serde_json::json!({"status": {"before": before.status, "after": to}}),
        },
    })
    .await?;
    get(&mut *tx, tenant, id).await
}
