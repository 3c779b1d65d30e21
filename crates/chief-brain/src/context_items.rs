//! What a task's assembled context is made of, as the API sends it: the
//! project with its newest tasks, related people with their relationship
//! notes, related tasks with reasons, learnings, playbooks in brief, and the
//! budget's account (`token_budget`, `tokens_used`, `omitted`). Built by
//! [`crate::context_assembly::assemble`].

use crate::context_budget::Omitted;
use chief_domain::log::LogEntry;
use chief_domain::person::{Person, TaskPersonRole};
use chief_domain::playbook::Playbook;
use chief_domain::project::Project;
use chief_domain::task::{Task, TaskStatus};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;
use uuid::Uuid;

/// A task in brief, as context shows other tasks.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TaskBrief {
    pub id: Uuid,
    pub title: String,
    pub status: TaskStatus,
    pub priority: chief_domain::Priority,
    pub due_date: Option<DateTime<Utc>>,
    pub project_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<&Task> for TaskBrief {
    fn from(t: &Task) -> Self {
        TaskBrief {
            id: t.id,
            title: t.title.clone(),
            status: t.status,
            priority: t.priority,
            due_date: t.due_date,
            project_id: t.project_id,
            created_at: t.created_at,
        }
    }
}

/// The task's project, with its newest other tasks.
#[derive(Serialize, JsonSchema)]
pub struct ContextProject {
    #[serde(flatten)]
    pub project: Project,
    pub recent_tasks: Vec<TaskBrief>,
}

/// How a person relates to a task and to the user.
#[derive(Serialize, JsonSchema)]
pub struct RelationshipContext {
    /// Their role on the task, when they are linked to it.
    pub role: Option<TaskPersonRole>,
    /// `linked` (a task_people row) or `mentioned` (named in the task's text).
    pub source: &'static str,
    pub relationship: Option<String>,
    pub relationship_to_user: Option<String>,
    pub political_context: Option<String>,
    pub communication_notes: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct RelatedPerson {
    pub person: Person,
    pub relationship_context: RelationshipContext,
    pub relevance: f64,
}

/// Another task, why it is related and how much.
#[derive(Serialize, JsonSchema)]
pub struct RelatedTask {
    #[serde(flatten)]
    pub task: TaskBrief,
    pub relevance: f64,
    /// `same project`, `shares Dana`, `similar: renewal, proposal`.
    pub reasons: Vec<String>,
}

/// A learning that bears on the task.
#[derive(Serialize, JsonSchema)]
pub struct ContextKnowledge {
    pub id: Uuid,
    pub content: String,
    pub category: chief_domain::knowledge::KnowledgeCategory,
    pub routed_to_type: Option<String>,
    pub routed_to_id: Option<Uuid>,
    pub learned_at: DateTime<Utc>,
    pub relevance: f64,
    /// `routed to Patrick Smith` or `similar: renewal`.
    pub reason: String,
}

/// A playbook the task calls for; fetch it for the content.
#[derive(Serialize, JsonSchema)]
pub struct ContextPlaybook {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub must_consult: bool,
    pub match_reason: String,
}

/// A task's assembled context.
#[derive(Serialize, JsonSchema)]
pub struct AssembledContext {
    pub project: Option<ContextProject>,
    /// Most relevant first.
    pub related_people: Vec<RelatedPerson>,
    /// Most relevant first.
    pub related_tasks: Vec<RelatedTask>,
    /// The task's audit log entries, newest first.
    pub history: Vec<LogEntry>,
    /// Most relevant first.
    pub knowledge: Vec<ContextKnowledge>,
    /// The must-consult ones (never dropped), then the triggered ones.
    pub relevant_playbooks: Vec<ContextPlaybook>,
    /// The budget applied, in estimated tokens (`ceil(chars / 4)` of each
    /// item's compact JSON).
    pub token_budget: usize,
    /// The task, the must-consult playbooks and the items kept.
    pub tokens_used: usize,
    /// True when the task and its must-consult playbooks alone exceed the
    /// budget: they are kept anyway, and nothing else is.
    pub core_over_budget: bool,
    /// How many items of each kind did not fit.
    pub omitted: Omitted,
}

pub fn playbook_brief(p: &Playbook, match_reason: String) -> ContextPlaybook {
    ContextPlaybook {
        id: p.id,
        name: p.name.clone(),
        description: p.description.clone(),
        must_consult: p.must_consult,
        match_reason,
    }
}
