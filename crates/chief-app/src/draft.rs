//! Drafts: creating one for review, editing it while pending, approving,
//! rejecting and revising it, for the API, the web page and the agent's
//! tools alike. Nothing is sent from here: sending is `send_draft`'s.

use crate::write::in_tx;
use chief_domain::DomainError;
use chief_domain::draft::{Draft, DraftPatch, NewDraft};
use chief_store::{Db, Scope, StoreError, draft};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

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
    fn into_new(self) -> Result<NewDraft, StoreError> {
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

/// Why a draft is rejected; the body may be left out.
#[derive(Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DraftReject")]
pub struct Rejection {
    /// What to change; it guides the revision.
    pub feedback: Option<String>,
}

/// A revised version of a draft.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "DraftRevise")]
pub struct Revision {
    pub body: String,
    /// The new subject; the original's when absent.
    pub subject: Option<String>,
}

/// Creates a pending draft; the recipient's relationship context is
/// captured with it.
pub async fn create(db: &Db, scope: &Scope, req: DraftRequest) -> Result<Draft, StoreError> {
    let new = req.into_new()?;
    in_tx(db, scope, async |tx, user| {
        draft::create(tx, user, new).await
    })
    .await
}

/// Edits pending draft `id` in place.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    patch: DraftPatch,
) -> Result<Draft, StoreError> {
    in_tx(db, scope, async |tx, _| draft::update(tx, id, patch).await).await
}

/// Approves draft `id`; nothing is sent.
pub async fn approve(db: &Db, scope: &Scope, id: Uuid) -> Result<Draft, StoreError> {
    in_tx(db, scope, async |tx, _| draft::approve(tx, id).await).await
}

/// Rejects draft `id`, keeping the feedback for a revision.
pub async fn reject(db: &Db, scope: &Scope, id: Uuid, r: Rejection) -> Result<Draft, StoreError> {
    in_tx(db, scope, async |tx, _| {
        draft::reject(tx, id, r.feedback.as_deref()).await
    })
    .await
}

/// Replaces draft `id` with a new pending revision; returns the new draft.
pub async fn revise(db: &Db, scope: &Scope, id: Uuid, r: Revision) -> Result<Draft, StoreError> {
    in_tx(db, scope, async |tx, _| {
        draft::revise(tx, id, &r.body, r.subject).await
    })
    .await
}
