//! Stored chat conversations (`conversations`, `conversation_messages`):
//! each belongs to one user, and reads name that user, so anyone else — in
//! the tenant or not — finds nothing. A message's content is the model's
//! blocks as JSON; `chief-ai` gives it its type.

use crate::value::{Row, Value};
use crate::{Change, Db, StoreError, Tx};
use chief_domain::TenantId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use uuid::Uuid;

/// One conversation.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Conversation {
    pub id: Uuid,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One stored message; `C` is the content's type.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageRow<C> {
    pub seq: i64,
    /// `user` or `assistant`.
    pub role: String,
    pub content: C,
    pub run_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

fn conversation(r: &Row) -> Result<Conversation, StoreError> {
    Ok(Conversation {
        id: r.uuid("id")?,
        title: r.text("title")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// Starts, audited, a conversation of `user` titled `title`; returns its id.
pub async fn create(tx: &mut Tx, user: Uuid, title: &str) -> Result<Uuid, StoreError> {
    let id = crate::new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO conversations (id, tenant_id, user_id, title, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
        &[
            id.into(),
            tenant.into(),
            user.into(),
            title.into(),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: "conversation.created".into(),
        entity_type: "conversation",
        entity_id: id,
        details: json!({"title": title}),
    })
    .await?;
    Ok(id)
}

/// Conversation `id` of `user`; not found for anyone else's.
pub async fn get(
    db: &Db,
    tenant: TenantId,
    user: Uuid,
    id: Uuid,
) -> Result<Conversation, StoreError> {
    db.fetch_optional(
        "SELECT id, title, created_at, updated_at FROM conversations \
         WHERE tenant_id = $1 AND user_id = $2 AND id = $3",
        &[tenant.into(), user.into(), id.into()],
    )
    .await?
    .as_ref()
    .map(conversation)
    .transpose()?
    .ok_or_else(|| StoreError::not_found("conversation", id))
}

/// `user`'s most recent conversations, newest first.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    user: Uuid,
    limit: i64,
) -> Result<Vec<Conversation>, StoreError> {
    db.fetch_all(
        "SELECT id, title, created_at, updated_at FROM conversations \
         WHERE tenant_id = $1 AND user_id = $2 ORDER BY updated_at DESC, id DESC LIMIT $3",
        &[tenant.into(), user.into(), limit.into()],
    )
    .await?
    .iter()
    .map(conversation)
    .collect()
}

/// The messages of conversation `id` (already checked to be the
/// caller's), in order.
pub async fn messages<C: DeserializeOwned>(
    db: &Db,
    tenant: TenantId,
    id: Uuid,
) -> Result<Vec<MessageRow<C>>, StoreError> {
    db.fetch_all(
        "SELECT seq, role, content, run_id, created_at FROM conversation_messages \
         WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq",
        &[tenant.into(), id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(MessageRow {
            role: r.text("role")?,
            seq: r.int("seq")?,
            content: r.json_as("content")?,
            run_id: r.opt_uuid("run_id")?,
            created_at: r.ts("created_at")?,
        })
    })
    .collect()
}

/// Adds, audited, a message with `role` and `content` to conversation
/// `id`, written by chat turn `run_id`; returns its place.
pub async fn append<C: Serialize>(
    tx: &mut Tx,
    id: Uuid,
    role: &str,
    content: &C,
    run_id: Option<Uuid>,
) -> Result<i64, StoreError> {
    let now = tx.now();
    let tenant = tx.tenant();
    let seq = tx
        .fetch_optional(
            "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM conversation_messages \
             WHERE tenant_id = $1 AND conversation_id = $2",
            &[tenant.into(), id.into()],
        )
        .await?
        .map(|r| r.int("next"))
        .transpose()?
        .unwrap_or(1);
    tx.execute(
        "INSERT INTO conversation_messages (id, tenant_id, conversation_id, seq, role, content, run_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            crate::new_id().into(),
            tenant.into(),
            id.into(),
            seq.into(),
            role.into(),
            Value::json(content),
            run_id.into(),
            now.into(),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE conversations SET updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: "conversation.message_added".into(),
        entity_type: "conversation",
        entity_id: id,
        details: json!({"seq": seq, "role": role, "run_id": run_id}),
    })
    .await?;
    Ok(seq)
}
