//! Stored conversations (`conversations`, `conversation_messages`): each
//! belongs to one user, and anyone else — in the tenant or not — is told it
//! does not exist. Messages keep the model's blocks as they were, so a
//! conversation goes back to the model exactly as it happened.

use chief_domain::TenantId;
use chief_llm::{Block, Message, Role};
use chief_store::value::Row;
use chief_store::{Change, Db, Scope, StoreError, Value};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// The longest title, in characters, taken from the first message.
const TITLE_CHARS: usize = 80;

/// One conversation.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Conversation {
    pub id: Uuid,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One stored message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredMessage {
    pub seq: i64,
    pub role: Role,
    pub content: Vec<Block>,
    /// The agent run (the chat turn) that wrote it.
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

/// A title from the first message: its first line, shortened.
pub fn title_of(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("Chat");
    let line = line.trim();
    if line.chars().count() <= TITLE_CHARS {
        return line.to_string();
    }
    let mut short: String = line.chars().take(TITLE_CHARS - 1).collect();
    short.push('…');
    short
}

/// Starts a conversation for the scope's user.
pub async fn create(db: &Db, scope: &Scope, title: &str) -> Result<Conversation, StoreError> {
    let user = scope
        .actor
        .user_id
        .ok_or_else(|| StoreError::invalid("actor", "a conversation belongs to a user"))?;
    let id = chief_domain::new_id();
    let mut tx = db.write(scope).await?;
    let now = tx.now();
    tx.execute(
        "INSERT INTO conversations (id, tenant_id, user_id, title, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
        &[
            id.into(),
            scope.tenant.into(),
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
    tx.commit().await?;
    get(db, scope.tenant, user, id).await
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
pub async fn messages(
    db: &Db,
    tenant: TenantId,
    id: Uuid,
) -> Result<Vec<StoredMessage>, StoreError> {
    db.fetch_all(
        "SELECT seq, role, content, run_id, created_at FROM conversation_messages \
         WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq",
        &[tenant.into(), id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        let role = match r.text("role")?.as_str() {
            "assistant" => Role::Assistant,
            _ => Role::User,
        };
        Ok(StoredMessage {
            seq: r.int("seq")?,
            role,
            content: r.json_as("content")?,
            run_id: r.opt_uuid("run_id")?,
            created_at: r.ts("created_at")?,
        })
    })
    .collect()
}

/// Adds `message` to conversation `id`, written by chat turn `run_id`.
pub async fn append(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    message: &Message,
    run_id: Option<Uuid>,
) -> Result<i64, StoreError> {
    let mut tx = db.write(scope).await?;
    let now = tx.now();
    let seq = tx
        .fetch_optional(
            "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM conversation_messages \
             WHERE tenant_id = $1 AND conversation_id = $2",
            &[scope.tenant.into(), id.into()],
        )
        .await?
        .map(|r| r.int("next"))
        .transpose()?
        .unwrap_or(1);
    let role = match message.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    tx.execute(
        "INSERT INTO conversation_messages (id, tenant_id, conversation_id, seq, role, content, run_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            chief_domain::new_id().into(),
            scope.tenant.into(),
            id.into(),
            seq.into(),
            role.into(),
            Value::json(&message.content),
            run_id.into(),
            now.into(),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE conversations SET updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        &[scope.tenant.into(), id.into(), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: "conversation.message_added".into(),
        entity_type: "conversation",
        entity_id: id,
        details: json!({"seq": seq, "role": role, "run_id": run_id}),
    })
    .await?;
    tx.commit().await?;
    Ok(seq)
}

/// The stored messages as the model should see them again: an assistant
/// message whose tool calls never got results (the turn stopped between
/// the two) is left out, since a model refuses a call without its result.
pub fn history(stored: &[StoredMessage]) -> Vec<Message> {
    let mut out: Vec<Message> = Vec::with_capacity(stored.len());
    for (i, m) in stored.iter().enumerate() {
        let calls = m
            .content
            .iter()
            .filter(|b| matches!(b, Block::ToolUse { .. }))
            .count();
        if m.role == Role::Assistant && calls > 0 {
            let answered = stored.get(i + 1).is_some_and(|next| {
                next.content
                    .iter()
                    .filter(|b| matches!(b, Block::ToolResult { .. }))
                    .count()
                    == calls
            });
            if !answered {
                continue;
            }
        }
        let orphan_results = m.role == Role::User
            && m.content
                .iter()
                .any(|b| matches!(b, Block::ToolResult { .. }))
            && !out.last().is_some_and(|prev| {
                prev.role == Role::Assistant
                    && prev
                        .content
                        .iter()
                        .any(|b| matches!(b, Block::ToolUse { .. }))
            });
        if orphan_results {
            continue;
        }
        out.push(Message {
            role: m.role,
            content: m.content.clone(),
        });
    }
    out
}
