//! The shapes in which callers ask for the work loop's writes: a task, and
//! the learnings and follow-ups of a completion. The HTTP API takes them as request bodies
//! and the agent's tools as arguments, so both accept exactly the same
//! fields (unknown ones are refused) and document them once.

use crate::knowledge_routing::Capture;
use chief_domain::task::{Assignee, NewTask};
use chief_domain::{DomainError, Priority};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// A task to create.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TaskCreate")]
pub struct TaskRequest {
    pub title: String,
    pub description: Option<String>,
    /// 1 (highest) to 5.
    pub priority: Option<i64>,
    /// `agent` or `user`.
    pub assignee: Option<String>,
    pub project_id: Option<Uuid>,
    pub due_date: Option<DateTime<Utc>>,
    /// Free-form JSON the task carries for whoever works on it.
    pub context: Option<serde_json::Value>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl TaskRequest {
    /// The task to create, recording where it came from (`api`, `agent`).
    pub fn into_new(self, source: &str) -> Result<NewTask, DomainError> {
        Ok(NewTask {
            title: self.title,
            description: self.description,
            priority: self.priority.map(Priority::try_from).transpose()?,
            assignee: self.assignee.as_deref().map(Assignee::parse).transpose()?,
            project_id: self.project_id,
            due_date: self.due_date,
            due_has_time: self.due_date.is_some(),
            context: self.context,
            source: Some(source.into()),
            tags: self.tags,
            ..Default::default()
        })
    }
}

/// A learning recorded at completion: plain text, or text with its
/// category (inferred when absent) and the phrase that prompted it. Each is
/// routed as a captured learning is.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Learning {
    Text(String),
    Detailed(LearningDetail),
}

/// A learning with its category and the phrase that prompted it.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LearningDetail {
    /// What was learned.
    pub content: String,
    /// playbook, person, client, project, setting or rule; inferred when
    /// absent.
    pub category: Option<String>,
    /// The phrase that prompted it, such as "going forward".
    pub trigger_phrase: Option<String>,
}

impl Learning {
    /// What was learned.
    pub fn content(&self) -> &str {
        match self {
            Learning::Text(c) | Learning::Detailed(LearningDetail { content: c, .. }) => c,
        }
    }

    /// Whether its category, if given, is one.
    pub fn check_category(&self) -> Result<(), DomainError> {
        if let Learning::Detailed(LearningDetail {
            category: Some(c), ..
        }) = self
        {
            c.parse::<chief_domain::knowledge::KnowledgeCategory>()?;
        }
        Ok(())
    }

    /// The capture of this learning, taught by `task`; a bad category is
    /// the domain's error, for the caller to place.
    pub fn into_capture(self, task: Uuid) -> Result<Capture, DomainError> {
        let (content, category, trigger_phrase) = match self {
            Learning::Text(c) => (c, None, None),
            Learning::Detailed(d) => (d.content, d.category, d.trigger_phrase),
        };
        Ok(Capture {
            content,
            category: category.as_deref().map(str::parse).transpose()?,
            source_task_id: Some(task),
            trigger_phrase,
            target: None,
        })
    }
}

/// A task to create when this one is done.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub title: String,
    pub description: Option<String>,
    /// 1 (highest) to 5.
    pub priority: Option<i64>,
    /// `agent` or `user`.
    pub assignee: Option<String>,
    pub due_date: Option<DateTime<Utc>>,
}

impl FollowUp {
    /// The task to create; completion puts it in the task's project.
    pub fn into_new(self) -> Result<NewTask, DomainError> {
        Ok(NewTask {
            title: self.title,
            description: self.description,
            priority: self.priority.map(Priority::try_from).transpose()?,
            assignee: self.assignee.as_deref().map(Assignee::parse).transpose()?,
            due_date: self.due_date,
            due_has_time: self.due_date.is_some(),
            ..Default::default()
        })
    }
}
