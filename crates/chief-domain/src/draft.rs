//! Drafts: external content the agent prepared, waiting for a person.
//!
//! Workflow: pending → approved → sent; pending → rejected; a revision
//! replaces a pending, approved or rejected draft, which becomes `revised`
//! and links forward through the new draft's `revision_of`. Sent and revised
//! are final. Only an approved draft may be sent (DESIGN.md's drafts gate).

use crate::{TenantId, TransitionError, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// Where a draft is in review.
    DraftStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        Sent => "sent",
        Revised => "revised",
    }
}

text_enum! {
    /// What kind of content a draft is.
    DraftType {
        Email => "email",
        Slack => "slack",
        Document => "document",
        Note => "note",
        Message => "message",
    }
}

/// An operation on a draft's review workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftOp {
    Edit,
    Approve,
    Reject,
    Revise,
    Send,
}

impl DraftOp {
    pub const ALL: [DraftOp; 5] = [
        DraftOp::Edit,
        DraftOp::Approve,
        DraftOp::Reject,
        DraftOp::Revise,
        DraftOp::Send,
    ];

    fn verb(self) -> &'static str {
        match self {
            DraftOp::Edit => "edit",
            DraftOp::Approve => "approve",
            DraftOp::Reject => "reject",
            DraftOp::Revise => "revise",
            DraftOp::Send => "send",
        }
    }
}

impl DraftStatus {
    /// The status after `op`, or a typed error naming the current status.
    pub fn apply(self, op: DraftOp) -> Result<DraftStatus, TransitionError> {
        use DraftOp::*;
        use DraftStatus::*;
        let next = match (self, op) {
            (Pending, Edit) => Some(Pending),
            (Pending, Approve) => Some(Approved),
            (Pending, Reject) => Some(Rejected),
            (Pending | Approved | Rejected, Revise) => Some(Revised),
            (Approved, Send) => Some(Sent),
            _ => None,
        };
        next.ok_or(TransitionError {
            entity: "draft",
            from: self.as_str(),
            operation: op.verb(),
            hint: match (self, op) {
                (Pending | Rejected, Send) => " (a person must approve it first)",
                (Approved | Rejected, Edit) => " (revise it instead)",
                (Revised, _) => " (work on its latest revision)",
                _ => "",
            },
        })
    }
}

/// External content awaiting review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Draft {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub task_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub draft_type: DraftType,
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub body: String,
    pub status: DraftStatus,
    pub feedback: Option<String>,
    pub revision_of: Option<Uuid>,
    pub relationship_context: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The fields of a new draft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewDraft {
    pub task_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub draft_type: DraftType,
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub body: String,
    pub relationship_context: Option<serde_json::Value>,
}

impl NewDraft {
    /// A draft of `draft_type` with only a body.
    pub fn new(draft_type: DraftType, body: impl Into<String>) -> NewDraft {
        NewDraft {
            task_id: None,
            draft_type,
            recipient: None,
            subject: None,
            body: body.into(),
            relationship_context: None,
        }
    }
}

/// Changes to a pending draft (`PUT /api/drafts/{id}`): fields present are
/// changed; `null` clears the recipient or subject.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DraftUpdate")]
pub struct DraftPatch {
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub recipient: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub subject: Option<Option<String>>,
    pub body: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::DraftOp::*;
    use super::DraftStatus::*;
    use super::*;

    #[test]
    fn only_an_approved_draft_can_be_sent() {
        assert_eq!(Approved.apply(Send), Ok(Sent));
        let err = Pending.apply(Send).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot send a pending draft (a person must approve it first)"
        );
        assert!(Rejected.apply(Send).is_err());
    }

    #[test]
    fn sent_and_revised_are_final() {
        for op in DraftOp::ALL {
            assert!(Sent.apply(op).is_err());
            assert!(Revised.apply(op).is_err());
        }
    }

    #[test]
    fn a_rejected_draft_can_be_revised_but_not_approved() {
        assert_eq!(Rejected.apply(Revise), Ok(Revised));
        assert!(Rejected.apply(Approve).is_err());
    }
}
