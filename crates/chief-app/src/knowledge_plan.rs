//! What capturing a learning will do, decided before anything is written:
//! its category, the record it goes to (and which field), or why it waits
//! for review and whom it could be about. [`plan`] only reads, so
//! `chief learn --dry-run` shows the very decision that
//! [`crate::knowledge_routing::capture`] then applies.
//!
//! The workspace's people, clients and projects (with the aliases kept in
//! their `metadata.aliases`) are read once and handed, with the learning,
//! to [`chief_brain::knowledge_route::decide`], which decides everything in
//! one call: the trigger phrase, the category, the entity the learning
//! names (by [`chief_brain::entity_resolve`]), the person's field and the
//! name of a proposed playbook.

use crate::knowledge_routing::{Capture, RULES_PLAYBOOK, SETTINGS_KEY, Target};
use chief_brain::entity_resolve::{self, Entity, EntityKind};
use chief_brain::knowledge_route::{self, Destination, PersonField};
use chief_domain::TenantId;
use chief_domain::knowledge::{KnowledgeCategory, KnowledgeStatus};
use chief_domain::playbook::PlaybookStatus;
use chief_store::conn::Conn;
use chief_store::{StoreError, client, known_entities, person, playbook, project};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A person, client or project a learning could be about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Candidate {
    /// person, client or project.
    #[serde(rename = "type")]
    pub entity_type: String,
    pub id: Uuid,
    pub name: String,
    /// How the text names it: exact, alias, first_name, partial, fuzzy or
    /// possessive.
    pub how: String,
    /// How sure the match is, 0 to 1.
    pub score: f64,
}

/// The record a learning is (or would be) written to.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlannedTarget {
    /// person, client, project, playbook or user_settings.
    #[serde(rename = "type")]
    pub target_type: String,
    /// `null` for a playbook that does not exist yet.
    pub id: Option<Uuid>,
    /// The record's name: "Patrick Fields", "rules", "custom".
    pub name: String,
    /// The field written; `null` for a new proposed playbook.
    pub field_updated: Option<String>,
}

/// What capturing a learning will do.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Plan {
    pub category: KnowledgeCategory,
    /// The phrase that prompted it, given or found in the text.
    pub trigger_phrase: Option<String>,
    /// routed or pending_review.
    pub status: KnowledgeStatus,
    /// Where it goes; `null` while it waits for review.
    pub target: Option<PlannedTarget>,
    /// The entity the text names, and how, when routing found one.
    pub matched: Option<Candidate>,
    /// Why it waits for review.
    pub review_reason: Option<String>,
    /// Whom it could be about, when several fit equally well.
    pub candidates: Vec<Candidate>,
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) step: Step,
    /// Which of a person's notes it goes in, if it goes to a person.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) person_field: PersonField,
    /// The name of the playbook it proposes, if it proposes one.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) playbook_name: String,
}

/// What applying the plan writes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step {
    Write(Target),
    Propose,
    Review,
}

/// Decides what capturing `capture` for `user_id` will do, reading only.
pub async fn plan(
    mut conn: Conn<'_>,
    tenant: TenantId,
    user_id: Uuid,
    capture: &Capture,
) -> Result<Plan, StoreError> {
    let content = capture.content.as_str();
    let known = match capture.target {
        Some(_) => Vec::new(),
        None => known(&mut conn, tenant, capture.category).await?,
    };
    let entities: Vec<Entity> = known.iter().map(|(_, e)| e.clone()).collect();
    let decided = knowledge_route::decide(
        content,
        capture.trigger_phrase.as_deref(),
        capture.category,
        capture.target.map(Target::category),
        &entities,
    );
    let mut out = Plan {
        category: decided.category,
        trigger_phrase: decided.trigger_phrase,
        status: KnowledgeStatus::Routed,
        target: None,
        matched: None,
        review_reason: None,
        candidates: Vec::new(),
        step: Step::Review,
        person_field: decided.person_field,
        playbook_name: decided.playbook_name,
    };
    let Some(destination) = decided.destination else {
        let target = capture
            .target
            .expect("no destination only for a named target");
        out.target = Some(describe(&mut conn, tenant, user_id, out.person_field, target).await?);
        out.step = Step::Write(target);
        return Ok(out);
    };
    let candidate = |c: &entity_resolve::Candidate| Candidate {
        entity_type: known[c.index].1.kind.as_str().to_string(),
        id: known[c.index].0,
        name: known[c.index].1.name.clone(),
        how: c.how.as_str().to_string(),
        score: c.score,
    };
    let target = match destination {
        Destination::Entity(found) => {
            let (id, entity) = &known[found.index];
            out.matched = Some(candidate(&found));
            Some(match entity.kind {
                EntityKind::Person => Target::Person(*id),
                EntityKind::Client => Target::Client(*id),
                EntityKind::Project => Target::Project(*id),
            })
        }
        Destination::Rules => Some(Target::Rules),
        Destination::Setting => Some(Target::Setting),
        Destination::ProposePlaybook => {
            out.step = Step::Propose;
            out.target = Some(PlannedTarget {
                target_type: "playbook".into(),
                id: None,
                name: out.playbook_name.clone(),
                field_updated: None,
            });
            None
        }
        Destination::Review { why, candidates } => {
            out.status = KnowledgeStatus::PendingReview;
            out.review_reason = Some(why);
            out.candidates = candidates.iter().map(candidate).collect();
            None
        }
    };
    if let Some(target) = target {
        out.target = Some(describe(&mut conn, tenant, user_id, out.person_field, target).await?);
        out.step = Step::Write(target);
    }
    Ok(out)
}

/// The people, clients and projects a learning of `category` may name:
/// all of them when the category is to be inferred.
async fn known(
    conn: &mut Conn<'_>,
    tenant: TenantId,
    category: Option<KnowledgeCategory>,
) -> Result<Vec<(Uuid, Entity)>, StoreError> {
    let kinds: Vec<EntityKind> = [EntityKind::Person, EntityKind::Client, EntityKind::Project]
        .into_iter()
        .filter(|&k| category.is_none() || category == Some(knowledge_route::category_of(k)))
        .collect();
    known_entities::known(conn.reborrow(), tenant, &kinds).await
}

/// The record `target` names, with the field a learning goes into. A
/// person, client, project or playbook of another workspace is not found.
async fn describe(
    conn: &mut Conn<'_>,
    tenant: TenantId,
    user_id: Uuid,
    person_field: PersonField,
    target: Target,
) -> Result<PlannedTarget, StoreError> {
    let to = |kind: &str, id: Option<Uuid>, name: String, field: &str| PlannedTarget {
        target_type: kind.into(),
        id,
        name,
        field_updated: Some(field.into()),
    };
    Ok(match target {
        Target::Person(id) => {
            let found = person::get(conn.reborrow(), tenant, id).await?;
            to("person", Some(id), found.name, person_field.as_str())
        }
        Target::Client(id) => {
            let found = client::get(conn.reborrow(), tenant, id).await?;
            to("client", Some(id), found.name, "notes")
        }
        Target::Project(id) => {
            let found = project::get(conn.reborrow(), tenant, id).await?;
            to("project", Some(id), found.name, "description")
        }
        Target::Playbook(id) => {
            let found = playbook::get(conn.reborrow(), tenant, id).await?;
            to("playbook", Some(id), found.name, "content")
        }
        Target::Rules => {
            let rules = playbook::find_by_name(
                conn.reborrow(),
                tenant,
                RULES_PLAYBOOK,
                PlaybookStatus::Active,
            )
            .await?;
            to(
                "playbook",
                rules.map(|r| r.id),
                RULES_PLAYBOOK.into(),
                "content",
            )
        }
        Target::Setting => to(
            "user_settings",
            Some(user_id),
            SETTINGS_KEY.into(),
            SETTINGS_KEY,
        ),
    })
}
