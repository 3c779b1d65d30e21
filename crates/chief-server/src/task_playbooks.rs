//! The playbooks a task calls for, as the task endpoints show them:
//! `/tasks/next` lists the matched ones with a content preview and the
//! must-consult warnings; `/tasks/{id}/start` returns the playbooks to read
//! first. The active playbooks are loaded with one query and matched in
//! memory by `chief_brain::playbook_match`, so `/tasks/next` stays fast.

use crate::ApiError;
use chief_brain::playbook_match::{PlaybookMatch, match_playbooks};
use chief_domain::TenantId;
use chief_domain::playbook::{Playbook, PlaybookStatus};
use chief_domain::task::Task;
use chief_store::Db;
use chief_store::playbook::{self, PlaybookFilter};
use schemars::JsonSchema;
use serde::Serialize;
use uuid::Uuid;

/// The tenant's active playbooks, the ones matching considers: one query.
pub(crate) async fn active(db: &Db, tenant: TenantId) -> Result<Vec<Playbook>, ApiError> {
    let filter = PlaybookFilter {
        status: Some(PlaybookStatus::Active),
        ..Default::default()
    };
    Ok(playbook::list(db, tenant, &filter).await?)
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
pub(crate) struct TaskPlaybook {
    id: Uuid,
    name: String,
    match_reason: String,
    relevance_score: f64,
    must_consult: bool,
    /// The start of the content; get the playbook for all of it.
    content_preview: String,
}

/// A must-consult playbook that the next task must not skip (or, on
/// completion, that it skipped).
#[derive(Serialize, JsonSchema)]
pub(crate) struct MustConsultWarning {
    playbook_id: Uuid,
    playbook_name: String,
    warning: String,
    /// Why it is relevant to the task.
    match_reason: String,
}

fn preview(content: &str) -> String {
    match content.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", content[..cut].trim_end()),
        None => content.to_string(),
    }
}

fn matched_for<'p>(task: &Task, playbooks: &'p [Playbook]) -> PlaybookMatch<'p> {
    match_playbooks(&task_text(task), playbooks)
}

/// The playbooks `task` calls for and the must-consult warnings, as
/// `/tasks/next` shows them.
pub(crate) fn for_task(
    task: &Task,
    playbooks: &[Playbook],
) -> (Vec<TaskPlaybook>, Vec<MustConsultWarning>) {
    let found = matched_for(task, playbooks);
    let matched = found
        .matched
        .into_iter()
        .map(|m| TaskPlaybook {
            id: m.playbook.id,
            name: m.playbook.name.clone(),
            match_reason: m.match_reason,
            relevance_score: m.relevance_score,
            must_consult: m.playbook.must_consult,
            content_preview: preview(&m.playbook.content),
        })
        .collect();
    let warnings = found
        .must_consult
        .into_iter()
        .map(|c| MustConsultWarning {
            playbook_id: c.playbook.id,
            playbook_name: c.playbook.name.clone(),
            warning: c.warning,
            match_reason: c.match_reason,
        })
        .collect();
    (matched, warnings)
}

/// The playbooks to read before working on `task`: the matched ones, best
/// first, then the relevant must-consult ones not matched.
pub(crate) fn to_read(task: &Task, playbooks: &[Playbook]) -> Vec<Playbook> {
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
/// was created, if it never started).
pub(crate) fn skipped(task: &Task, playbooks: &[Playbook]) -> Vec<MustConsultWarning> {
    let since = task.started_at.unwrap_or(task.created_at);
    let (_, warnings) = for_task(task, playbooks);
    warnings
        .into_iter()
        .filter(|w| {
            playbooks
                .iter()
                .find(|p| p.id == w.playbook_id)
                .is_none_or(|p| p.last_used.is_none_or(|used| used < since))
        })
        .collect()
}

/// Records that `task`'s completion skipped `warning`'s playbook, in the
/// completion's transaction: the audit log keeps `playbook.skipped`.
pub(crate) async fn record_skip(
    tx: &mut chief_store::Tx,
    task: &Task,
    warning: &MustConsultWarning,
) -> Result<(), ApiError> {
    tx.audit(chief_store::Change {
        action: chief_domain::event::action("playbook", "skipped"),
        entity_type: "playbook",
        entity_id: warning.playbook_id,
        details: serde_json::json!({"task_id": task.id, "warning": warning.warning}),
    })
    .await?;
    Ok(())
}

/// Completes a task in `tx`, recording each `active` must-consult playbook
/// its work skipped. Skipping does not refuse the completion; the API and
/// the dashboard both complete through here.
pub(crate) async fn complete(
    tx: &mut chief_store::Tx,
    id: uuid::Uuid,
    output: Option<String>,
    active: &[Playbook],
) -> Result<(Task, Vec<MustConsultWarning>), ApiError> {
    let task =
        chief_store::task::transition(tx, id, chief_domain::task::TaskOp::Complete, output).await?;
    let warnings = skipped(&task, active);
    for warning in &warnings {
        record_skip(tx, &task, warning).await?;
    }
    Ok((task, warnings))
}
