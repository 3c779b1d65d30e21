//! Entities as the pages show them: text already formatted in the viewer's
//! time zone, so templates only lay things out.

use crate::web::page::when;
use chief_domain::question::Question;
use chief_domain::task::{Assignee, Task, TaskStatus};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// A task in a list.
pub struct TaskRow {
    pub id: String,
    pub title: String,
    pub priority: String,
    pub status: String,
    pub agent: bool,
    pub due: String,
    pub overdue: bool,
    pub blocked: bool,
}

impl TaskRow {
    pub fn new(t: &Task, tz: Tz, now: DateTime<Utc>) -> Self {
        let open = !matches!(t.status, TaskStatus::Completed | TaskStatus::Cancelled);
        TaskRow {
            id: t.id.to_string(),
            title: t.title.clone(),
            priority: format!("P{}", t.priority),
            status: t.status.to_string(),
            agent: t.assignee == Assignee::Agent,
            due: t.due_date.map(|d| when(d, tz)).unwrap_or_default(),
            overdue: open && t.due_date.is_some_and(|d| d < now),
            blocked: t.status == TaskStatus::Blocked,
        }
    }
}

/// A question waiting for an answer.
pub struct QuestionRow {
    pub id: String,
    pub text: String,
    pub why: String,
    pub urgent: bool,
    /// What the user typed, kept when the answer was refused.
    pub typed: String,
    /// Why the answer was refused.
    pub error: String,
}

impl QuestionRow {
    pub fn new(q: &Question) -> Self {
        QuestionRow {
            id: q.id.to_string(),
            text: q.text.clone(),
            why: q.why_asking.clone().unwrap_or_default(),
            urgent: q.priority.get() <= 2,
            typed: String::new(),
            error: String::new(),
        }
    }
}
