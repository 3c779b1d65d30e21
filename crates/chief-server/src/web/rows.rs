//! Entities as the pages show them: text already formatted in the viewer's
//! time zone, so templates only lay things out.

use crate::web::page::{day, when};
use chief_domain::knowledge::Knowledge;
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

/// A learning in a list, with a link to where it was routed.
pub struct KnowledgeRow {
    pub id: String,
    pub content: String,
    pub category: String,
    pub status: String,
    pub learned: String,
    /// Where it went (its kind until a page names it) and a link there;
    /// empty while not routed, or on the page of where it went.
    pub routed_to: String,
    pub routed_href: String,
}

impl KnowledgeRow {
    /// A learning on the page of what it is about: where it went goes
    /// without saying.
    pub fn about(k: &Knowledge, tz: Tz) -> Self {
        KnowledgeRow {
            routed_to: String::new(),
            routed_href: String::new(),
            ..KnowledgeRow::new(k, tz)
        }
    }

    pub fn new(k: &Knowledge, tz: Tz) -> Self {
        let kind = k.routed_to_type.clone().unwrap_or_default();
        let routed_href = match (kind.as_str(), k.routed_to_id) {
            ("person", Some(id)) => format!("/people/{id}"),
            ("client", Some(id)) => format!("/clients/{id}"),
            ("project", Some(id)) => format!("/tasks?project={id}"),
            ("playbook", Some(id)) => format!("/playbooks#playbook-{id}"),
            _ => String::new(),
        };
        KnowledgeRow {
            id: k.id.to_string(),
            content: k.content.clone(),
            category: k.category.to_string(),
            status: k.status.to_string().replace('_', " "),
            learned: day(k.learned_at, tz),
            routed_to: kind,
            routed_href,
        }
    }
}

/// The open ones of `tasks`, as rows.
pub fn open_task_rows<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Vec<TaskRow> {
    tasks
        .into_iter()
        .filter(|t| t.status.is_open())
        .map(|t| TaskRow::new(t, tz, now))
        .collect()
}

/// Learnings about someone, as rows.
pub fn knowledge_rows(knowledge: &[Knowledge], tz: Tz) -> Vec<KnowledgeRow> {
    knowledge
        .iter()
        .map(|k| KnowledgeRow::about(k, tz))
        .collect()
}
