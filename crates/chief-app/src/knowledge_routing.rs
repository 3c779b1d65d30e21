//! Capturing a learning and routing it where it belongs, in one transaction
//! (seed 003's knowledge routing). [`crate::knowledge_plan::plan`] decides
//! from the text and the workspace's people, clients and projects; this
//! module applies the decision:
//!
//! - person: a dated paragraph in their communication or context notes;
//! - client: in its notes; project: in its description;
//! - playbook: a new playbook, proposed for a person to approve;
//! - rule: a paragraph in the workspace's `rules` playbook, made on first use;
//! - setting: an entry in the user's `custom` setting.
//!
//! When it cannot tell (nobody is named, or several are), the learning waits
//! in `pending_review` until a person routes it with [`route`]; the
//! candidates it could be about are kept in its metadata and returned.
//! Nothing is created on a guess: an unknown person is not added.
//!
//! The API's capture endpoint and task completion both come here, so a
//! learning is routed the same way whichever door it came in by.

use crate::knowledge_plan::{self, Candidate, Step};
use chief_brain::knowledge_route::{self, PersonField};
use chief_domain::client::ClientPatch;
use chief_domain::knowledge::{
    Knowledge, KnowledgeCategory, KnowledgeSource, KnowledgeStatus, NewKnowledge,
};
use chief_domain::person::PersonPatch;
use chief_domain::playbook::{NewPlaybook, PlaybookPatch, PlaybookStatus};
use chief_domain::project::ProjectPatch;
use chief_store::{StoreError, Tx, client, knowledge, person, playbook, project, setting};
use serde::Serialize;
use uuid::Uuid;

/// The name of the playbook that collects a workspace's rules.
pub const RULES_PLAYBOOK: &str = "rules";

/// The setting that collects a user's learned preferences.
pub const SETTINGS_KEY: &str = "custom";

const RULES_DESCRIPTION: &str = "Company rules and terminology, learned while working. Consult before writing for or about the company.";

/// Where a learning is routed to by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Person(Uuid),
    Client(Uuid),
    Project(Uuid),
    /// Appended to this playbook's content.
    Playbook(Uuid),
    /// The routing user's settings.
    Setting,
    /// The workspace's rules playbook.
    Rules,
}

impl Target {
    /// The target a capture names, if any: `target_type` with its
    /// `target_id` (see [`Target::parse`]); an id alone is refused.
    pub fn from_parts(
        target_type: Option<&str>,
        target_id: Option<Uuid>,
    ) -> Result<Option<Target>, StoreError> {
        match (target_type, target_id) {
            (Some(kind), id) => Target::parse(kind, id).map(Some),
            (None, Some(_)) => Err(StoreError::invalid(
                "target_type",
                "is required with target_id",
            )),
            (None, None) => Ok(None),
        }
    }

    /// The target a `target_type` (person, client, project, playbook,
    /// setting or rule) and `target_id` name. The first four need the id;
    /// a setting or a rule takes none.
    pub fn parse(target_type: &str, target_id: Option<Uuid>) -> Result<Target, StoreError> {
        let kind = target_type.trim().to_ascii_lowercase();
        let with_id = |to: fn(Uuid) -> Target| {
            target_id.map(to).ok_or_else(|| {
                StoreError::invalid("target_id", format!("is required to route to a {kind}"))
            })
        };
        let without_id = |target: Target| match target_id {
            Some(_) => Err(StoreError::invalid(
                "target_id",
                format!("must be left out: a {kind} target has no id"),
            )),
            None => Ok(target),
        };
        match kind.as_str() {
            "person" => with_id(Target::Person),
            "client" => with_id(Target::Client),
            "project" => with_id(Target::Project),
            "playbook" => with_id(Target::Playbook),
            "setting" => without_id(Target::Setting),
            "rule" => without_id(Target::Rules),
            _ => Err(StoreError::invalid(
                "target_type",
                format!(
                    "{target_type:?} is not one of person, client, project, playbook, setting, rule"
                ),
            )),
        }
    }

    /// The category a learning routed here is about.
    pub fn category(self) -> KnowledgeCategory {
        match self {
            Target::Person(_) => KnowledgeCategory::Person,
            Target::Client(_) => KnowledgeCategory::Client,
            Target::Project(_) => KnowledgeCategory::Project,
            Target::Playbook(_) => KnowledgeCategory::Playbook,
            Target::Setting => KnowledgeCategory::Setting,
            Target::Rules => KnowledgeCategory::Rule,
        }
    }
}

/// A learning to capture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Capture {
    pub content: String,
    /// What it is about; inferred from the content when `None`.
    pub category: Option<KnowledgeCategory>,
    /// The task that taught it.
    pub source_task_id: Option<Uuid>,
    /// The phrase that prompted it; looked for in the content when `None`.
    pub trigger_phrase: Option<String>,
    /// Where it goes; decided from the category when `None`.
    pub target: Option<Target>,
}

/// The record a learning was written to.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RoutedTo {
    /// person, client, project, playbook or user_settings.
    #[serde(rename = "type")]
    pub target_type: String,
    /// The record's id; the user's for user_settings.
    pub id: Uuid,
    /// The record's name: "Patrick Fields", "rules", "custom".
    pub name: String,
    /// The field written to an existing record; `null` for a new playbook.
    pub field_updated: Option<String>,
}

/// What capturing or routing a learning did.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Routed {
    pub knowledge: Knowledge,
    /// `null` while the learning waits for review.
    pub routed_to: Option<RoutedTo>,
    /// What happened, in words: "Updated Patrick Fields's
    /// communication_notes".
    pub action_taken: String,
    /// The entity the text named, and how, when routing found one.
    pub matched: Option<Candidate>,
    /// Whom a learning held for review could be about, when several fit.
    pub candidates: Vec<Candidate>,
}

/// Captures a learning for `user_id` and routes it, all in `tx`, as
/// [`knowledge_plan::plan`] decides.
pub async fn capture(tx: &mut Tx, user_id: Uuid, capture: Capture) -> Result<Routed, StoreError> {
    tx.lock_tenant().await?;
    let tenant = tx.tenant();
    let plan = knowledge_plan::plan((&mut *tx).into(), tenant, user_id, &capture).await?;
    let source_type = match (capture.source_task_id, &plan.trigger_phrase) {
        (Some(_), _) => KnowledgeSource::Task,
        (None, Some(_)) => KnowledgeSource::TriggerPhrase,
        (None, None) => KnowledgeSource::Manual,
    };
    let learning = knowledge::capture(
        tx,
        user_id,
        NewKnowledge {
            content: capture.content,
            category: plan.category,
            source_type,
            source_task_id: capture.source_task_id,
            trigger_phrase: plan.trigger_phrase.clone(),
            learned_at: None,
        },
    )
    .await?;
    let mut routed = match plan.step {
        Step::Write(target) => {
            write_and_mark(tx, user_id, &learning, target, plan.person_field).await?
        }
        Step::Propose => propose(tx, user_id, &learning, &plan.playbook_name).await?,
        Step::Review => {
            let why = plan.review_reason.clone().unwrap_or_default();
            let review = serde_json::json!({"review_reason": why, "candidates": plan.candidates});
            Routed {
                knowledge: knowledge::hold_for_review(tx, learning.id, review).await?,
                routed_to: None,
                action_taken: format!("Held for review: {why}"),
                matched: None,
                candidates: Vec::new(),
            }
        }
    };
    routed.matched = plan.matched;
    routed.candidates = plan.candidates;
    Ok(routed)
}

/// Routes a captured or pending learning to `target` by hand. A routed or
/// dismissed learning is a transition error naming its status.
pub async fn route(
    tx: &mut Tx,
    user_id: Uuid,
    id: Uuid,
    target: Target,
) -> Result<Routed, StoreError> {
    tx.lock_tenant().await?;
    let tenant = tx.tenant();
    let learning = knowledge::get(&mut *tx, tenant, id).await?;
    learning.status.move_to(KnowledgeStatus::Routed, "route")?;
    let field = knowledge_route::person_field(&learning.content);
    write_and_mark(tx, user_id, &learning, target, field).await
}

/// Proposes a playbook made from the learning, for a person to approve.
async fn propose(
    tx: &mut Tx,
    user_id: Uuid,
    learning: &Knowledge,
    name: &str,
) -> Result<Routed, StoreError> {
    let learned_from = match learning.source_task_id {
        Some(task) => format!("Task {task}"),
        None => format!("Knowledge {}", learning.id),
    };
    let new = NewPlaybook {
        name: name.to_string(),
        description: learning.content.clone(),
        content: learning.content.clone(),
        ..Default::default()
    };
    let proposed = playbook::propose(
        tx,
        user_id,
        new,
        Some(&learned_from),
        learning.source_task_id,
    )
    .await?;
    let knowledge = knowledge::mark_routed(tx, learning.id, "playbook", proposed.id).await?;
    Ok(Routed {
        knowledge,
        routed_to: Some(RoutedTo {
            target_type: "playbook".into(),
            id: proposed.id,
            name: proposed.name.clone(),
            field_updated: None,
        }),
        action_taken: format!("Proposed the playbook \"{}\" for review", proposed.name),
        matched: None,
        candidates: Vec::new(),
    })
}

/// Writes the learning into `target` and marks it routed there.
async fn write_and_mark(
    tx: &mut Tx,
    user_id: Uuid,
    learning: &Knowledge,
    target: Target,
    field: PersonField,
) -> Result<Routed, StoreError> {
    let (routed_to, action_taken) = write(tx, user_id, learning, target, field).await?;
    let knowledge =
        knowledge::mark_routed(tx, learning.id, &routed_to.target_type, routed_to.id).await?;
    Ok(Routed {
        knowledge,
        routed_to: Some(routed_to),
        action_taken,
        matched: None,
        candidates: Vec::new(),
    })
}

/// Appends the learning, dated, to the target's notes.
async fn write(
    tx: &mut Tx,
    user_id: Uuid,
    learning: &Knowledge,
    target: Target,
    field: PersonField,
) -> Result<(RoutedTo, String), StoreError> {
    let tenant = tx.tenant();
    let on = learning.learned_at.date_naive();
    let content = learning.content.as_str();
    let note = |existing: Option<&str>| knowledge_route::dated_note(existing, on, content);
    let to = |target_type: &str, id: Uuid, name: &str, field: &str| RoutedTo {
        target_type: target_type.into(),
        id,
        name: name.into(),
        field_updated: Some(field.into()),
    };
    Ok(match target {
        Target::Person(id) => {
            let found = person::get(&mut *tx, tenant, id).await?;
            let mut patch = PersonPatch::default();
            match field {
                PersonField::CommunicationNotes => {
                    patch.communication_notes =
                        Some(Some(note(found.communication_notes.as_deref())));
                }
                PersonField::ContextNotes => {
                    patch.context_notes = Some(Some(note(found.context_notes.as_deref())));
                }
            }
            person::update(tx, id, patch).await?;
            (
                to("person", id, &found.name, field.as_str()),
                format!("Updated {}'s {}", found.name, field.as_str()),
            )
        }
        Target::Client(id) => {
            let found = client::get(&mut *tx, tenant, id).await?;
            let patch = ClientPatch {
                notes: Some(Some(note(found.notes.as_deref()))),
                ..Default::default()
            };
            client::update(tx, id, patch).await?;
            (
                to("client", id, &found.name, "notes"),
                format!("Updated {}'s notes", found.name),
            )
        }
        Target::Project(id) => {
            let found = project::get(&mut *tx, tenant, id).await?;
            let patch = ProjectPatch {
                description: Some(Some(note(found.description.as_deref()))),
                ..Default::default()
            };
            project::update(tx, id, patch).await?;
            (
                to("project", id, &found.name, "description"),
                format!("Updated {}'s description", found.name),
            )
        }
        Target::Playbook(id) => {
            let found = playbook::get(&mut *tx, tenant, id).await?;
            let patch = PlaybookPatch {
                content: Some(note(Some(&found.content))),
                ..Default::default()
            };
            playbook::update(tx, id, patch).await?;
            (
                to("playbook", id, &found.name, "content"),
                format!("Added to the playbook \"{}\"", found.name),
            )
        }
        Target::Rules => {
            let existing =
                playbook::find_by_name(&mut *tx, tenant, RULES_PLAYBOOK, PlaybookStatus::Active)
                    .await?;
            match existing {
                Some(rules) => {
                    let patch = PlaybookPatch {
                        content: Some(note(Some(&rules.content))),
                        ..Default::default()
                    };
                    playbook::update(tx, rules.id, patch).await?;
                    (
                        to("playbook", rules.id, RULES_PLAYBOOK, "content"),
                        "Added to the rules playbook".to_string(),
                    )
                }
                None => {
                    let new = NewPlaybook {
                        name: RULES_PLAYBOOK.into(),
                        description: RULES_DESCRIPTION.into(),
                        category: Some("rules".into()),
                        content: format!("# Rules\n\n{}", note(None)),
                        ..Default::default()
                    };
                    let rules = playbook::create(tx, user_id, new).await?;
                    (
                        to("playbook", rules.id, RULES_PLAYBOOK, "content"),
                        "Started the rules playbook with it".to_string(),
                    )
                }
            }
        }
        Target::Setting => {
            let mut entries = match setting::get(&mut *tx, tenant, Some(user_id), SETTINGS_KEY)
                .await?
                .filter(|s| s.user_id == Some(user_id))
                .map(|s| s.value)
            {
                Some(serde_json::Value::Array(items)) => items,
                Some(other) => vec![other],
                None => Vec::new(),
            };
            entries.push(serde_json::json!({
                "note": content,
                "learned_at": learning.learned_at,
                "knowledge_id": learning.id,
            }));
            setting::set(
                tx,
                Some(user_id),
                SETTINGS_KEY,
                serde_json::Value::Array(entries),
            )
            .await?;
            (
                to("user_settings", user_id, SETTINGS_KEY, SETTINGS_KEY),
                format!("Saved in your settings under \"{SETTINGS_KEY}\""),
            )
        }
    })
}
