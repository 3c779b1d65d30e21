//! Knowledge: one captured learning, routed to the entity it is about.

use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// What a learning is about, which decides where it is routed.
    KnowledgeCategory {
        Playbook => "playbook",
        Person => "person",
        Client => "client",
        Project => "project",
        Setting => "setting",
        Rule => "rule",
    }
}

text_enum! {
    /// Where a learning is in routing.
    KnowledgeStatus {
        Captured => "captured",
        Routed => "routed",
        PendingReview => "pending_review",
        Dismissed => "dismissed",
    }
}

text_enum! {
    /// How a learning arrived.
    KnowledgeSource {
        Task => "task",
        Conversation => "conversation",
        TriggerPhrase => "trigger_phrase",
        Manual => "manual",
    }
}

/// A captured learning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Knowledge {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub source_task_id: Option<Uuid>,
    pub source_type: KnowledgeSource,
    pub trigger_phrase: Option<String>,
    pub content: String,
    pub category: KnowledgeCategory,
    pub routed_to_type: Option<String>,
    pub routed_to_id: Option<Uuid>,
    pub status: KnowledgeStatus,
    pub learned_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}
