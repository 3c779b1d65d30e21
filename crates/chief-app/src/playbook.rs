//! Playbooks: creating, proposing, changing, consulting and moving one
//! through its workflow (approve, reject, archive, restore), for the API,
//! the web page and the agent's tools alike. The request types are the
//! domain's `NewPlaybook` and `PlaybookPatch`, and the proposal below.

use crate::write::in_tx;
use chief_domain::playbook::{NewPlaybook, Playbook, PlaybookOp, PlaybookPatch};
use chief_store::{Db, Scope, StoreError, playbook};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

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

/// Proposes a playbook: `proposed`, unused by matching, until a person
/// approves or rejects it.
pub async fn propose(
    db: &Db,
    scope: &Scope,
    req: PlaybookProposal,
) -> Result<Playbook, StoreError> {
    in_tx(db, scope, async |tx, user| {
        let new = NewPlaybook {
            name: req.name,
            description: req.description,
            category: req.category,
            triggers: req.triggers,
            must_consult: req.must_consult,
            content: req.content,
            ..Default::default()
        };
        playbook::propose(
            tx,
            user,
            new,
            req.learned_from.as_deref(),
            req.source_task_id,
        )
        .await
    })
    .await
}

/// Creates an active playbook.
pub async fn create(db: &Db, scope: &Scope, new: NewPlaybook) -> Result<Playbook, StoreError> {
    in_tx(db, scope, async |tx, user| {
        playbook::create(tx, user, new).await
    })
    .await
}

/// Changes playbook `id`.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    patch: PlaybookPatch,
) -> Result<Playbook, StoreError> {
    in_tx(db, scope, async |tx, _| {
        playbook::update(tx, id, patch).await
    })
    .await
}

/// Moves playbook `id` one step through its workflow.
pub async fn step(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    op: PlaybookOp,
) -> Result<Playbook, StoreError> {
    in_tx(db, scope, async |tx, _| match op {
        PlaybookOp::Approve => playbook::approve(tx, id).await,
        PlaybookOp::Reject => playbook::reject(tx, id).await,
        PlaybookOp::Archive => playbook::archive(tx, id).await,
        PlaybookOp::Restore => playbook::restore(tx, id).await,
    })
    .await
}

/// Reads playbook `id` as consulting it: the use is recorded, and task
/// completion checks must-consult playbooks against it.
pub async fn consult(db: &Db, scope: &Scope, id: Uuid) -> Result<Playbook, StoreError> {
    in_tx(db, scope, async |tx, _| playbook::record_use(tx, id).await).await
}
