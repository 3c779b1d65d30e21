//! The playbooks a task calls for, as the task endpoints show them:
//! `/tasks/next` lists the matched ones with a content preview and the
//! must-consult warnings; `/tasks/{id}/start` returns the playbooks to read
//! first. The active playbooks are loaded with one query and matched in
//! memory by `chief_brain::playbook_match`, so `/tasks/next` stays fast.

use crate::Db;
use crate::StoreError;
use crate::playbook::{self, PlaybookFilter};
use crate::tenant_cache::TenantCache;
use chief_brain::playbook_match::{PlaybookMatch, match_playbooks};
use chief_domain::TenantId;
use chief_domain::playbook::{Playbook, PlaybookStatus};
use chief_domain::task::Task;
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::Arc;
use uuid::Uuid;

/// The tenant's active playbooks, the ones matching considers, kept in
/// memory until they change ([`TenantCache`]). Their `use_count` and
/// `last_used` may be older than the store's: a use is not a change
/// matching sees.
pub async fn active(db: &Db, tenant: TenantId) -> Result<Arc<Vec<Playbook>>, StoreError> {
    static ACTIVE: TenantCache<Vec<Playbook>> = TenantCache::new("playbooks");
    ACTIVE
        .get(db, tenant, async || {
            let filter = PlaybookFilter {
                status: Some(PlaybookStatus::Active),
                ..Default::default()
            };
            playbook::list(db, tenant, &filter).await
        })
        .await
}

/// The text a task is matched on: its title and description.
fn task_text(task: &Task) -> String {
    match &task.description {
        Some(d) => format!("{}\n{d}", task.title),
        None => task.title.clone(),
    }
}

/// How much of a playbook's content `/tasks/next` shows, in characters.
const PREVIEW_CHARS: usize = 200;

/// A playbook the next task calls for, as `/tasks/next` lists it.
#[derive(Serialize, JsonSchema)]
pub struct TaskPlaybook {
    pub id: Uuid,
    pub name: String,
    pub match_reason: String,
    pub relevance_score: f64,
    pub must_consult: bool,
    /// The start of the content; get the playbook for all of it.
    pub content_preview: String,
}

/// A must-consult playbook that the next task must not skip (or, on
/// completion, that it skipped).
#[derive(Serialize, JsonSchema)]
pub struct MustConsultWarning {
    pub playbook_id: Uuid,
    pub playbook_name: String,
    pub warning: String,
    /// Why it is relevant to the task.
    pub match_reason: String,
}

fn preview(content: &str) -> String {
    match content.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", content[..cut].trim_end()),
        None => content.to_string(),
    }
}

/// The active playbooks `task` calls for: matched on its title and
/// description, as every task endpoint and its context match it.
pub fn matched_for<'p>(task: &Task, playbooks: &'p [Playbook]) -> PlaybookMatch<'p> {
    match_playbooks(&task_text(task), playbooks)
}

/// The playbooks `task` calls for and the must-consult warnings, as
/// `/tasks/next` shows them.
pub fn for_task(
    task: &Task,
    playbooks: &[Playbook],
) -> (Vec<TaskPlaybook>, Vec<MustConsultWarning>) {
    shown(&matched_for(task, playbooks))
}

/// The playbooks a description of work calls for and the must-consult
/// warnings, in the shape `/tasks/next` shows them.
pub fn for_text(
    text: &str,
    playbooks: &[Playbook],
) -> (Vec<TaskPlaybook>, Vec<MustConsultWarning>) {
    shown(&match_playbooks(text, playbooks))
}

/// A match in the shape `/tasks/next` shows it.
pub fn shown(found: &PlaybookMatch) -> (Vec<TaskPlaybook>, Vec<MustConsultWarning>) {
    let matched = found
        .matched
        .iter()
        .map(|m| TaskPlaybook {
            id: m.playbook.id,
            name: m.playbook.name.clone(),
            match_reason: m.match_reason.clone(),
            relevance_score: m.relevance_score,
            must_consult: m.playbook.must_consult,
            content_preview: preview(&m.playbook.content),
        })
        .collect();
    let warnings = found
        .must_consult
        .iter()
        .map(|c| MustConsultWarning {
            playbook_id: c.playbook.id,
            playbook_name: c.playbook.name.clone(),
            warning: c.warning.clone(),
            match_reason: c.match_reason.clone(),
        })
        .collect();
    (matched, warnings)
}

/// The playbooks to read before working on `task`: the matched ones, best
/// first, then the relevant must-consult ones not matched.
pub fn to_read(task: &Task, playbooks: &[Playbook]) -> Vec<Playbook> {
    let found = matched_for(task, playbooks);
    let mut out: Vec<Playbook> = found.matched.iter().map(|m| m.playbook.clone()).collect();
    for c in found.must_consult {
        if !out.iter().any(|p| p.id == c.playbook.id) {
            out.push(c.playbook.clone());
        }
    }
    out
}

/// The relevant must-consult playbooks nobody read while `task` was worked
/// on: not returned by its start nor fetched since it started (or since it
/// was created, if it never started). When each was last read is read
/// afresh in `tx`: the active list may hold older uses.
pub async fn skipped(
    tx: &mut crate::Tx,
    task: &Task,
    playbooks: &[Playbook],
) -> Result<Vec<MustConsultWarning>, StoreError> {
    let since = task.started_at.unwrap_or(task.created_at);
    let (_, warnings) = for_task(task, playbooks);
    let mut out = Vec::new();
    for w in warnings {
        let tenant = tx.tenant();
        let last_used = tx
            .fetch_optional(
                "SELECT last_used FROM playbooks WHERE tenant_id = $1 AND id = $2",
                &[tenant.into(), w.playbook_id.into()],
            )
            .await?
            .map(|r| r.opt_ts("last_used"))
            .transpose()?
            .flatten();
        if last_used.is_none_or(|used| used < since) {
            out.push(w);
        }
    }
    Ok(out)
}

/// Records that `task`'s completion skipped `warning`'s playbook, in the
/// completion's transaction: the audit log keeps `playbook.skipped`.
pub async fn record_skip(
    tx: &mut crate::Tx,
    task: &Task,
    warning: &MustConsultWarning,
) -> Result<(), StoreError> {
    tx.audit(crate::Change {
        action: chief_domain::event::action("playbook", "skipped"),
        entity_type: "playbook",
        entity_id: warning.playbook_id,
        details: serde_json::json!({"task_id": task.id, "warning": warning.warning}),
    })
    .await?;
    Ok(())
}
