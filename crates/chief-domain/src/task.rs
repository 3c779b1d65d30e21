//! Tasks, the core unit of work, and their lifecycle.
//!
//! The lifecycle follows seed 003's critical test cases exactly:
//! queued → working → completed; working → blocked → queued once the question
//! is answered; a blocked task cannot be completed; a completed task cannot be
//! blocked; cancelled is final. A person may also tick off a queued task
//! directly, pause work (working → queued) and reopen a completed task.

use crate::{Priority, TenantId, TransitionError, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// Where a task is in its lifecycle.
    TaskStatus {
        Queued => "queued",
        Working => "working",
        Blocked => "blocked",
        Completed => "completed",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// Who does the task: the agent or the person.
    Assignee {
        Agent => "agent",
        User => "user",
    }
}

impl Assignee {
    /// Parses an assignee, accepting seed 003's `claude` for the agent.
    pub fn parse(text: &str) -> Result<Assignee, crate::DomainError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "claude" | "ai" | "bot" => Ok(Assignee::Agent),
            "me" | "human" | "person" => Ok(Assignee::User),
            _ => text.parse(),
        }
    }
}

/// An operation on a task's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskOp {
    Start,
    Pause,
    Complete,
    Block,
    Unblock,
    Cancel,
    Reopen,
}

impl TaskOp {
    pub const ALL: [TaskOp; 7] = [
        TaskOp::Start,
        TaskOp::Pause,
        TaskOp::Complete,
        TaskOp::Block,
        TaskOp::Unblock,
        TaskOp::Cancel,
        TaskOp::Reopen,
    ];

    /// The verb used in messages.
    pub fn verb(self) -> &'static str {
        match self {
            TaskOp::Start => "start",
            TaskOp::Pause => "pause",
            TaskOp::Complete => "complete",
            TaskOp::Block => "block",
            TaskOp::Unblock => "unblock",
            TaskOp::Cancel => "cancel",
            TaskOp::Reopen => "reopen",
        }
    }
}

impl TaskStatus {
    /// The status after `op`, or a typed error naming the current status.
    pub fn apply(self, op: TaskOp) -> Result<TaskStatus, TransitionError> {
        use TaskOp::*;
        use TaskStatus::*;
        let next = match (self, op) {
            (Queued, Start) => Some(Working),
            (Working, Pause) => Some(Queued),
            (Queued | Working, Complete) => Some(Completed),
            (Queued | Working, Block) => Some(Blocked),
            (Blocked, Unblock) => Some(Queued),
            (Queued | Working | Blocked, Cancel) => Some(Cancelled),
            (Completed, Reopen) => Some(Queued),
            _ => None,
        };
        next.ok_or(TransitionError {
            entity: "task",
            from: self.as_str(),
            operation: op.verb(),
            hint: match (self, op) {
                (Blocked, Complete | Start) => " (answer its blocking question first)",
                (Cancelled, _) => " (cancelled is final)",
                (Completed, _) => " (reopen it first)",
                _ => "",
            },
        })
    }

    /// Whether the task still needs doing.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TaskStatus::Queued | TaskStatus::Working | TaskStatus::Blocked
        )
    }
}

/// A piece of work for the person or the agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Task {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub project_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    pub priority: Priority,
    pub status: TaskStatus,
    pub assignee: Assignee,
    pub due_date: Option<DateTime<Utc>>,
    /// False when only a date is known; `due_date` is then the end of that
    /// day in the user's timezone.
    pub due_has_time: bool,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub blocking_question_id: Option<Uuid>,
    pub context: serde_json::Value,
    pub output: Option<String>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    /// todo.txt @contexts (places, tools, modes: phone, computer, errands).
    pub contexts: Vec<String>,
    /// key:value pairs the tool does not know, kept in order so they survive
    /// a todo.txt round trip.
    pub attributes: Vec<(String, String)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The fields a caller supplies to create a task.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewTask {
    pub title: String,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub assignee: Option<Assignee>,
    pub project_id: Option<Uuid>,
    pub due_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub due_has_time: bool,
    pub context: Option<serde_json::Value>,
    pub source: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub contexts: Vec<String>,
    #[serde(default)]
    pub attributes: Vec<(String, String)>,
    /// When the task was created, if known (todo.txt creation dates).
    pub created_at: Option<DateTime<Utc>>,
    /// Imported tasks may arrive completed.
    pub status: Option<TaskStatus>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskPatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub priority: Option<Priority>,
    pub assignee: Option<Assignee>,
    pub project_id: Option<Option<Uuid>>,
    pub due_date: Option<Option<DateTime<Utc>>>,
    pub due_has_time: Option<bool>,
    pub tags: Option<Vec<String>>,
    pub contexts: Option<Vec<String>>,
    pub output: Option<Option<String>>,
}

/// The longest title accepted (seed 003's VARCHAR(500)).
pub const MAX_TITLE_CHARS: usize = 500;

/// Checks a task title: not blank, one line (see [`crate::one_line`]), at
/// most 500 characters.
pub fn validate_title(title: &str) -> Result<String, crate::DomainError> {
    let trimmed = title.trim();
    if trimmed.is_empty() {
        return Err(crate::DomainError::invalid("title", "must not be empty"));
    }
    crate::one_line::check("title", trimmed)?;
    if trimmed.chars().count() > MAX_TITLE_CHARS {
        return Err(crate::DomainError::invalid(
            "title",
            format!("is longer than {MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::TaskOp::*;
    use super::TaskStatus::*;
    use super::*;
    use proptest::prelude::*;

    fn run(ops: &[TaskOp]) -> Result<TaskStatus, TransitionError> {
        ops.iter().try_fold(Queued, |s, op| s.apply(*op))
    }

    #[test]
    fn queued_then_working_then_completed() {
        assert_eq!(run(&[Start, Complete]), Ok(Completed));
    }

    #[test]
    fn blocked_work_is_queued_again_once_unblocked_and_can_then_complete() {
        assert_eq!(run(&[Start, Block]), Ok(Blocked));
        assert_eq!(run(&[Start, Block, Unblock]), Ok(Queued));
        assert_eq!(
            run(&[Start, Block, Unblock, Start, Complete]),
            Ok(Completed)
        );
    }

    #[test]
    fn a_blocked_task_cannot_be_completed_and_the_error_names_the_state() {
        let err = Blocked.apply(Complete).unwrap_err();
        assert_eq!(err.from, "blocked");
        assert_eq!(
            err.to_string(),
            "cannot complete a blocked task (answer its blocking question first)"
        );
    }

    #[test]
    fn a_completed_task_cannot_be_blocked() {
        let err = Completed.apply(Block).unwrap_err();
        assert_eq!(err.from, "completed");
        assert_eq!(err.operation, "block");
    }

    #[test]
    fn cancelled_is_final() {
        for op in TaskOp::ALL {
            assert!(Cancelled.apply(op).is_err(), "{op:?} left cancelled");
        }
    }

    #[test]
    fn assignee_accepts_seed_vocabulary() {
        assert_eq!(Assignee::parse("claude").unwrap(), Assignee::Agent);
        assert_eq!(Assignee::parse("User").unwrap(), Assignee::User);
        assert!(Assignee::parse("bob").is_err());
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(validate_title("  ship it ").unwrap(), "ship it");
        assert!(validate_title("   ").is_err());
        assert!(validate_title(&"x".repeat(501)).is_err());
    }

    fn any_op() -> impl Strategy<Value = TaskOp> {
        prop::sample::select(TaskOp::ALL.to_vec())
    }

    proptest! {
        /// Whatever operations are tried, refused ones change nothing and the
        /// invariants of the lifecycle hold at every step.
        #[test]
        fn no_sequence_of_operations_reaches_an_invalid_state(ops in prop::collection::vec(any_op(), 0..40)) {
            let mut status = Queued;
            let mut was_cancelled = false;
            for op in ops {
                match status.apply(op) {
                    Ok(next) => {
                        prop_assert!(!was_cancelled, "left cancelled via {:?}", op);
                        prop_assert!(!(status == Blocked && next == Completed));
                        prop_assert!(!(status == Completed && next == Blocked));
                        prop_assert!(!(status == Blocked && next == Working), "blocked must be answered before work resumes");
                        status = next;
                    }
                    Err(e) => prop_assert_eq!(e.from, status.as_str()),
                }
                if status == Cancelled { was_cancelled = true; }
                prop_assert!(TaskStatus::ALL.contains(&status));
            }
        }
    }
}
