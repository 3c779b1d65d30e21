//! Stored conversations (`conversations`, `conversation_messages`): each
//! belongs to one user, and anyone else — in the tenant or not — is told it
//! does not exist. Messages keep the model's blocks as they were, so a
//! conversation goes back to the model exactly as it happened.

use chief_app::write::in_scope;
use chief_domain::TenantId;
use chief_llm::{Block, Message, Role};
use chief_store::conversation as rows;
use chief_store::{Db, Scope, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

pub use chief_store::conversation::{Conversation, get, list};

/// The longest title, in characters, taken from the first message.
const TITLE_CHARS: usize = 80;

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
    let id = in_scope(db, scope, async |tx| rows::create(tx, user, title).await).await?;
    get(db, scope.tenant, user, id).await
}

/// The messages of conversation `id` (already checked to be the
/// caller's), in order.
pub async fn messages(
    db: &Db,
    tenant: TenantId,
    id: Uuid,
) -> Result<Vec<StoredMessage>, StoreError> {
    Ok(rows::messages(db, tenant, id)
        .await?
        .into_iter()
        .map(|r| {
            let role = match r.role.as_str() {
                "assistant" => Role::Assistant,
                _ => Role::User,
            };
            StoredMessage {
                seq: r.seq,
                role,
                content: r.content,
                run_id: r.run_id,
                created_at: r.created_at,
            }
        })
        .collect())
}

/// Adds `message` to conversation `id`, written by chat turn `run_id`.
pub async fn append(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    message: &Message,
    run_id: Option<Uuid>,
) -> Result<i64, StoreError> {
    let role = match message.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    in_scope(db, scope, async |tx| {
        rows::append(tx, id, role, &message.content, run_id).await
    })
    .await
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
