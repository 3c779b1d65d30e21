//! Knowledge: one captured learning, routed to the entity it is about.

use crate::{TenantId, TransitionError, text_enum};
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

impl KnowledgeStatus {
    /// Checks a status move: captured learnings may go anywhere else,
    /// pending ones only to routed or dismissed; routed and dismissed are
    /// final.
    pub fn move_to(
        self,
        to: KnowledgeStatus,
        operation: &'static str,
    ) -> Result<KnowledgeStatus, TransitionError> {
        use KnowledgeStatus::*;
        let allowed = match self {
            Captured => to != Captured,
            PendingReview => matches!(to, Routed | Dismissed),
            Routed | Dismissed => false,
        };
        if allowed {
            return Ok(to);
        }
        Err(TransitionError {
            entity: "learning",
            from: self.as_str(),
            operation,
            hint: match self {
                Routed | Dismissed => " (routed and dismissed learnings are final)",
                _ => "",
            },
        })
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// While it waits for review: `review_reason` and the `candidates` it
    /// could be about (`{type, id, name, how, score}` each).
    pub metadata: serde_json::Value,
    pub learned_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// The fields of a newly captured learning; it starts `captured`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewKnowledge {
    pub content: String,
    pub category: KnowledgeCategory,
    pub source_type: KnowledgeSource,
    pub source_task_id: Option<Uuid>,
    pub trigger_phrase: Option<String>,
    /// When it was learned; the capture time when `None`.
    pub learned_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::KnowledgeStatus::*;

    #[test]
    fn routed_and_dismissed_learnings_are_final() {
        for to in super::KnowledgeStatus::ALL {
            assert!(Routed.move_to(*to, "move").is_err());
            assert!(Dismissed.move_to(*to, "move").is_err());
        }
        assert_eq!(Captured.move_to(PendingReview, "hold"), Ok(PendingReview));
        assert_eq!(PendingReview.move_to(Routed, "route"), Ok(Routed));
        assert!(PendingReview.move_to(PendingReview, "hold").is_err());
    }
}
