//! The shapes in which callers ask for the work loop's writes: a task, a
//! learning to capture, a draft, a playbook proposal, and the learnings and
//! follow-ups of a completion. The HTTP API takes them as request bodies
//! and the agent's tools as arguments, so both accept exactly the same
//! fields (unknown ones are refused) and document them once.

use crate::knowledge_routing::{Capture, Target};
use chief_domain::draft::NewDraft;
use chief_domain::playbook::{NewPlaybook, Playbook};
use chief_domain::task::{Assignee, NewTask};
use chief_domain::{DomainError, Priority};
use chief_store::{StoreError, Tx, playbook};
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

/// A learning to capture and route.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "KnowledgeCapture")]
pub struct CaptureRequest {
    /// What was learned: "Patrick prefers brief, direct emails".
    pub content: String,
    /// playbook, person, client, project, setting or rule; inferred when
    /// absent.
    pub category: Option<String>,
    /// The task that taught it.
    pub source_task_id: Option<Uuid>,
    /// The phrase that prompted the capture, such as "remember that".
    pub trigger_phrase: Option<String>,
    /// person, client, project, playbook, setting or rule: route here
    /// instead of deciding.
    pub target_type: Option<String>,
    /// The person, client, project or playbook to route to.
    pub target_id: Option<Uuid>,
}

impl CaptureRequest {
    /// The capture this request asks for.
    pub fn into_capture(self) -> Result<Capture, StoreError> {
        let target = Target::from_parts(self.target_type.as_deref(), self.target_id)?;
        Ok(Capture {
            content: self.content,
            category: self
                .category
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e: DomainError| StoreError::invalid("category", e.to_string()))?,
            source_task_id: self.source_task_id,
            trigger_phrase: self.trigger_phrase,
            target,
        })
    }
}

/// A draft to create for review.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DraftCreate")]
pub struct DraftRequest {
    /// email, slack, document, note or message.
    #[serde(rename = "type")]
    pub draft_type: String,
    /// "Patrick Fields <patrick@liberty.example>", a channel, a name.
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub body: String,
    /// The task it was drafted for.
    pub task_id: Option<Uuid>,
}

impl DraftRequest {
    /// The draft this request asks for; the relationship context is looked
    /// up from the recipient when the draft is created.
    pub fn into_new(self) -> Result<NewDraft, StoreError> {
        Ok(NewDraft {
            task_id: self.task_id,
            draft_type: self
                .draft_type
                .parse()
                .map_err(|e: DomainError| StoreError::invalid("type", e.to_string()))?,
            recipient: self.recipient,
            subject: self.subject,
            body: self.body,
            relationship_context: None,
        })
    }
}

/// A playbook proposed from what was learned.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PlaybookPropose")]
pub struct PlaybookProposal {
    /// Short and unique, such as `scheduling-guide`.
    pub name: String,
    /// What it is for; matching reads it.
    #[serde(default)]
    pub description: String,
    /// The procedure, in Markdown.
    pub content: String,
    /// Where it was learned: "David taught this on 2026-01-21".
    pub learned_from: Option<String>,
    /// The task it was learned in.
    pub source_task_id: Option<Uuid>,
    /// scheduling, communication, sales, technical, …
    pub category: Option<String>,
    /// Phrases that bring it up: "email to", "reply to".
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Whether it must be read before the work it is about.
    #[serde(default)]
    pub must_consult: bool,
}

impl PlaybookProposal {
    /// Proposes it for `user_id`: `proposed` until a person approves it.
    pub async fn propose(self, tx: &mut Tx, user_id: Uuid) -> Result<Playbook, StoreError> {
        let new = NewPlaybook {
            name: self.name,
            description: self.description,
            category: self.category,
            triggers: self.triggers,
            must_consult: self.must_consult,
            content: self.content,
            ..Default::default()
        };
        playbook::propose(
            tx,
            user_id,
            new,
            self.learned_from.as_deref(),
            self.source_task_id,
        )
        .await
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
