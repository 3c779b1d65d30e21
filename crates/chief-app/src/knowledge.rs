//! The learning loop's writes: capturing a learning (routed at once, or
//! held for review), routing one by hand and dismissing one, for the API,
//! the web page, the CLI and the agent's tools alike. The routing itself is
//! `knowledge_routing`'s.

use crate::knowledge_routing::{self, Capture, Routed, Target};
use crate::write::in_tx;
use chief_domain::DomainError;
use chief_domain::knowledge::Knowledge;
use chief_store::{Db, Scope, StoreError, knowledge};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

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
    fn into_capture(self) -> Result<Capture, StoreError> {
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

/// Where to route a learning by hand (`POST /api/knowledge/{id}/route`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "KnowledgeRoute")]
pub struct RouteRequest {
    /// person, client, project, playbook, setting or rule.
    pub target_type: String,
    /// The person, client, project or playbook; left out for a setting or
    /// a rule.
    pub target_id: Option<Uuid>,
}

/// Why a learning is dismissed (`POST /api/knowledge/{id}/dismiss`); the
/// body may be left out.
#[derive(Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "KnowledgeDismiss")]
pub struct Dismissal {
    /// Why it is not worth keeping: "Already known".
    pub reason: Option<String>,
}

/// Captures a learning and routes it in the same transaction.
pub async fn capture(db: &Db, scope: &Scope, req: CaptureRequest) -> Result<Routed, StoreError> {
    let capture = req.into_capture()?;
    capture_learning(db, scope, capture).await
}

/// Captures `capture` (built by the caller, as the CLI does) and routes it.
pub async fn capture_learning(
    db: &Db,
    scope: &Scope,
    capture: Capture,
) -> Result<Routed, StoreError> {
    in_tx(db, scope, async |tx, user| {
        knowledge_routing::capture(tx, user, capture).await
    })
    .await
}

/// Routes learning `id` where the request names.
pub async fn route(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    req: RouteRequest,
) -> Result<Routed, StoreError> {
    let target = Target::parse(&req.target_type, req.target_id)?;
    route_to(db, scope, id, target).await
}

/// Routes learning `id` to `target` (the web page finds it by name).
pub async fn route_to(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    target: Target,
) -> Result<Routed, StoreError> {
    in_tx(db, scope, async |tx, user| {
        knowledge_routing::route(tx, user, id, target).await
    })
    .await
}

/// Dismisses learning `id`; the reason is kept in the audit log.
pub async fn dismiss(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    d: Dismissal,
) -> Result<Knowledge, StoreError> {
    in_tx(db, scope, async |tx, _| {
        knowledge::dismiss(tx, id, d.reason.as_deref()).await
    })
    .await
}
