//! Questions the agent asks a person. One answer may unblock several tasks
//! (through `question_unblocks`).

use crate::{Priority, TenantId, TransitionError, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// Whether a question still waits for an answer.
    QuestionStatus {
        Unanswered => "unanswered",
        Answered => "answered",
        Dismissed => "dismissed",
    }
}

impl QuestionStatus {
    /// Answering or dismissing is only possible once.
    pub fn close(self, answered: bool) -> Result<QuestionStatus, TransitionError> {
        match self {
            QuestionStatus::Unanswered if answered => Ok(QuestionStatus::Answered),
            QuestionStatus::Unanswered => Ok(QuestionStatus::Dismissed),
            _ => Err(TransitionError {
                entity: "question",
                from: self.as_str(),
                operation: if answered { "answer" } else { "dismiss" },
                hint: "",
            }),
        }
    }
}

/// Something the agent needs a person to decide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Question {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub text: String,
    pub context: Option<String>,
    pub why_asking: Option<String>,
    pub what_agent_will_do: Option<String>,
    pub priority: Priority,
    pub priority_reason: Option<String>,
    pub status: QuestionStatus,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The fields of a new question.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewQuestion {
    pub text: String,
    pub context: Option<String>,
    pub why_asking: Option<String>,
    pub what_agent_will_do: Option<String>,
    pub priority: Option<Priority>,
    pub priority_reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::QuestionStatus::*;

    #[test]
    fn a_question_is_closed_once() {
        assert_eq!(Unanswered.close(true), Ok(Answered));
        assert_eq!(Unanswered.close(false), Ok(Dismissed));
        let err = Answered.close(true).unwrap_err();
        assert_eq!(err.to_string(), "cannot answer an answered question");
    }
}
