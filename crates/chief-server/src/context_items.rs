//! What a task's assembled context is made of, as the API sends it: the
//! project with its newest tasks, related people with their relationship
//! notes, related tasks with reasons, learnings, playbooks in brief, and the
//! budget's account (`token_budget`, `tokens_used`, `omitted`). Built by
//! [`crate::task_context::assemble`].

use chief_brain::context_budget::Omitted;
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
#[derive(Clone, Serialize, JsonSchema)]
pub(crate) struct TaskBrief {
    pub(crate) id: Uuid,
    pub(crate) title: String,
    pub(crate) status: TaskStatus,
    pub(crate) priority: chief_domain::Priority,
    pub(crate) due_date: Option<DateTime<Utc>>,
    pub(crate) project_id: Option<Uuid>,
    pub(crate) created_at: DateTime<Utc>,
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
pub(crate) struct ContextProject {
    #[serde(flatten)]
    pub(crate) project: Project,
    pub(crate) recent_tasks: Vec<TaskBrief>,
}

/// How a person relates to a task and to the user.
#[derive(Serialize, JsonSchema)]
pub(crate) struct RelationshipContext {
    /// Their role on the task, when they are linked to it.
    pub(crate) role: Option<TaskPersonRole>,
    /// `linked` (a task_people row) or `mentioned` (named in the task's text).
    pub(crate) source: &'static str,
    pub(crate) relationship: Option<String>,
    pub(crate) relationship_to_user: Option<String>,
    pub(crate) political_context: Option<String>,
    pub(crate) communication_notes: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct RelatedPerson {
    pub(crate) person: Person,
    pub(crate) relationship_context: RelationshipContext,
    pub(crate) relevance: f64,
}

/// Another task, why it is related and how much.
#[derive(Serialize, JsonSchema)]
pub(crate) struct RelatedTask {
    #[serde(flatten)]
    pub(crate) task: TaskBrief,
    pub(crate) relevance: f64,
    /// `same project`, `shares Dana`, `similar: renewal, proposal`.
    pub(crate) reasons: Vec<String>,
}

/// A learning that bears on the task.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ContextKnowledge {
    pub(crate) id: Uuid,
    pub(crate) content: String,
    pub(crate) category: chief_domain::knowledge::KnowledgeCategory,
    pub(crate) routed_to_type: Option<String>,
    pub(crate) routed_to_id: Option<Uuid>,
    pub(crate) learned_at: DateTime<Utc>,
    pub(crate) relevance: f64,
    /// `routed to Patrick Smith` or `similar: renewal`.
    pub(crate) reason: String,
}

/// A playbook the task calls for; fetch it for the content.
#[derive(Serialize, JsonSchema)]
pub(crate) struct ContextPlaybook {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) must_consult: bool,
    pub(crate) match_reason: String,
}

/// A task's assembled context.
#[derive(Serialize, JsonSchema)]
pub(crate) struct AssembledContext {
    pub(crate) project: Option<ContextProject>,
    /// Most relevant first.
    pub(crate) related_people: Vec<RelatedPerson>,
    /// Most relevant first.
    pub(crate) related_tasks: Vec<RelatedTask>,
    /// The task's audit log entries, newest first.
    pub(crate) history: Vec<LogEntry>,
    /// Most relevant first.
    pub(crate) knowledge: Vec<ContextKnowledge>,
    /// The must-consult ones (never dropped), then the triggered ones.
    pub(crate) relevant_playbooks: Vec<ContextPlaybook>,
    /// The budget applied, in estimated tokens (`ceil(chars / 4)` of each
    /// item's compact JSON).
    pub(crate) token_budget: usize,
    /// The task, the must-consult playbooks and the items kept.
    pub(crate) tokens_used: usize,
    /// True when the task and its must-consult playbooks alone exceed the
    /// budget: they are kept anyway, and nothing else is.
    pub(crate) core_over_budget: bool,
    /// How many items of each kind did not fit.
    pub(crate) omitted: Omitted,
}

pub(crate) fn playbook_brief(p: &Playbook, match_reason: String) -> ContextPlaybook {
    ContextPlaybook {
        id: p.id,
        name: p.name.clone(),
        description: p.description.clone(),
        must_consult: p.must_consult,
        match_reason,
    }
}
