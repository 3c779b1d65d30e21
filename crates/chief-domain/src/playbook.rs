//! Playbooks: how to do something. A `must_consult` playbook has to be read
//! before certain work.
//!
//! Workflow: proposed → active (approve) or rejected; active ⇄ archived.
//! Rejected is final.

use crate::{TenantId, TransitionError, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// Whether a playbook is in force.
    PlaybookStatus {
        Proposed => "proposed",
        Active => "active",
        Archived => "archived",
        Rejected => "rejected",
    }
}

/// An operation on a playbook's workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaybookOp {
    Approve,
    Reject,
    Archive,
    Restore,
}

impl PlaybookOp {
    pub const ALL: [PlaybookOp; 4] = [
        PlaybookOp::Approve,
        PlaybookOp::Reject,
        PlaybookOp::Archive,
        PlaybookOp::Restore,
    ];

    fn verb(self) -> &'static str {
        match self {
            PlaybookOp::Approve => "approve",
            PlaybookOp::Reject => "reject",
            PlaybookOp::Archive => "archive",
            PlaybookOp::Restore => "restore",
        }
    }
}

impl PlaybookStatus {
    /// The status after `op`, or a typed error naming the current status.
    pub fn apply(self, op: PlaybookOp) -> Result<PlaybookStatus, TransitionError> {
        use PlaybookOp::*;
        use PlaybookStatus::*;
        let next = match (self, op) {
            (Proposed, Approve) => Some(Active),
            (Proposed, Reject) => Some(Rejected),
            (Active | Proposed, Archive) => Some(Archived),
            (Archived, Restore) => Some(Active),
            _ => None,
        };
        next.ok_or(TransitionError {
            entity: "playbook",
            from: self.as_str(),
            operation: op.verb(),
            hint: match self {
                Active if op == Approve => " (it is already active)",
                Rejected => " (rejected is final; propose it again)",
                _ => "",
            },
        })
    }
}

/// A procedure, in Markdown, with the phrases that should bring it up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Playbook {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub triggers: Vec<String>,
    pub must_consult: bool,
    pub content: String,
    pub scripts: serde_json::Value,
    pub references: serde_json::Value,
    pub examples: serde_json::Value,
    pub learned_from: Option<String>,
    pub source_task_id: Option<Uuid>,
    pub last_used: Option<DateTime<Utc>>,
    pub use_count: i64,
    pub status: PlaybookStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields of a new playbook, whether created active or proposed; the
/// body of `POST /api/playbooks`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PlaybookCreate")]
pub struct NewPlaybook {
    pub name: String,
    /// What it is for; matching reads it.
    #[serde(default)]
    pub description: String,
    /// scheduling, communication, sales, technical, …
    pub category: Option<String>,
    /// Phrases that bring it up: "email to", "reply to".
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Whether it must be read before the work it is about.
    #[serde(default)]
    pub must_consult: bool,
    /// The procedure, in Markdown.
    pub content: String,
    /// `{filename: content}`; `null` is stored as `{}`.
    #[serde(default)]
    pub scripts: serde_json::Value,
    /// `{filename: content}`; `null` is stored as `{}`.
    #[serde(default)]
    pub references: serde_json::Value,
    /// An array of example scenarios; `null` is stored as `[]`.
    #[serde(default)]
    pub examples: serde_json::Value,
}

/// Changes to a playbook (`PUT /api/playbooks/{id}`): fields present are
/// changed; `null` clears the category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PlaybookUpdate")]
pub struct PlaybookPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub content: Option<String>,
    pub triggers: Option<Vec<String>>,
    pub must_consult: Option<bool>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub category: Option<Option<String>>,
}

#[cfg(test)]
mod tests {
    use super::PlaybookOp::*;
    use super::PlaybookStatus::*;

    #[test]
    fn proposals_are_approved_or_rejected_once() {
        assert_eq!(Proposed.apply(Approve), Ok(Active));
        assert_eq!(Proposed.apply(Reject), Ok(Rejected));
        assert!(Active.apply(Approve).is_err());
        assert!(Active.apply(Reject).is_err());
    }

    #[test]
    fn archived_playbooks_can_be_restored_but_rejected_is_final() {
        assert_eq!(Active.apply(Archive), Ok(Archived));
        assert_eq!(Archived.apply(Restore), Ok(Active));
        for op in super::PlaybookOp::ALL {
            assert!(Rejected.apply(op).is_err());
        }
    }
}
