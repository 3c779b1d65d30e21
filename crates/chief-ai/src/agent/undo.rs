//! `chief agent undo RUN`: reverts a run's applied writes from its journal.
//!
//! Each applied write step names the audit range its write produced; the
//! audit rows in that range under the run's trace id say exactly what
//! changed, with every changed field's value before. Undo walks them
//! newest first: an entity the run created is removed (its dependants
//! cascade), and a field the run changed on an existing entity gets its
//! earlier value back. It plans everything before touching anything, and
//! refuses a change it cannot revert, so an undo is whole or not at all;
//! it runs in one transaction, audited as `<entity>.reverted`.

use crate::registry::ToolClass;
use chief_app::write::in_scope;
use chief_store::agent::undo as rows;
use chief_store::{Change, Db, Scope, StoreError, Value};
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;

/// What an undo reverted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Undone {
    /// Entities the run created, now removed: (entity type, id).
    pub removed: Vec<(String, Uuid)>,
    /// Entities the run changed, now restored: (entity type, id).
    pub restored: Vec<(String, Uuid)>,
}

/// One planned reversal.
enum Step {
    Remove {
        entity: String,
        id: Uuid,
    },
    Restore {
        entity: String,
        id: Uuid,
        fields: Vec<(String, Value)>,
    },
}

/// Reverts run `run_id`'s applied writes, as `scope`'s actor. A run of
/// another tenant is not found; a run already undone is refused.
pub async fn undo(db: &Db, scope: &Scope, run_id: Uuid) -> Result<Undone, StoreError> {
    in_scope(db, scope, async |tx| {
        tx.lock_tenant().await?;
        let (trace, status) = rows::run_trace_and_status(tx, run_id).await?;
        if status == "undone" {
            return Err(StoreError::invalid("run", "this run was already undone"));
        }
        let ranges = rows::applied_write_ranges(tx, run_id, ToolClass::Read.as_str()).await?;
        let mut changes = Vec::new();
        for range in ranges {
            changes.extend(rows::changes_in(tx, &trace, range).await?);
        }
        let plan = plan(&changes)?;
        let mut done = Undone::default();
        for step in plan {
            match step {
                Step::Remove { entity, id } => {
                    rows::remove(tx, &entity, id).await?;
                    audit_revert(tx, &entity, id, json!({"removed": true, "run": run_id})).await?;
                    done.removed.push((entity, id));
                }
                Step::Restore { entity, id, fields } => {
                    let names: Vec<String> = fields.iter().map(|(c, _)| c.clone()).collect();
                    rows::restore(tx, &entity, id, fields).await?;
                    audit_revert(tx, &entity, id, json!({"fields": names, "run": run_id})).await?;
                    done.restored.push((entity, id));
                }
            }
        }
        rows::mark_run_undone(tx, run_id).await?;
        tx.audit(Change {
            action: "agent_run.undone".into(),
            entity_type: "agent_run",
            entity_id: run_id,
            details: json!({"removed": done.removed.len(), "restored": done.restored.len()}),
        })
        .await?;
        Ok(done)
    })
    .await
}

/// Whether an audited action brought its entity into being.
fn creates(action: &str) -> bool {
    [".created", ".proposed", ".captured"]
        .iter()
        .any(|suffix| action.ends_with(suffix))
}

/// Turns the run's audited changes (newest first) into reversals, or
/// refuses when one cannot be reverted.
fn plan(changes: &[(String, String, Uuid, serde_json::Value)]) -> Result<Vec<Step>, StoreError> {
    let created: HashSet<(&str, Uuid)> = changes
        .iter()
        .filter(|(action, ..)| creates(action))
        .map(|(_, e, id, _)| (e.as_str(), *id))
        .collect();
    let mut steps = Vec::new();
    for (action, entity, id, details) in changes {
        let Some(fields) = rows::revertible_fields(entity) else {
            return Err(StoreError::invalid(
                "run",
                format!("cannot undo {action} on a {entity}"),
            ));
        };
        if created.contains(&(entity.as_str(), *id)) {
            // Removing it undoes every later change to it as well.
            if creates(action) {
                steps.push(Step::Remove {
                    entity: entity.clone(),
                    id: *id,
                });
            }
            continue;
        }
        let mut restore = Vec::new();
        for (field, change) in details.as_object().into_iter().flatten() {
            let Some(before) = change.get("before") else {
                continue; // `from`/`to` summaries, not field changes
            };
            if !fields.contains(&field.as_str()) {
                return Err(StoreError::invalid(
                    "run",
                    format!("cannot undo {action}: {entity} field {field} is not revertible"),
                ));
            }
            restore.push((field.clone(), rows::typed(field, before)?));
        }
        if !restore.is_empty() {
            steps.push(Step::Restore {
                entity: entity.clone(),
                id: *id,
                fields: restore,
            });
        }
    }
    Ok(steps)
}

async fn audit_revert(
    tx: &mut chief_store::Tx,
    entity: &str,
    id: Uuid,
    details: serde_json::Value,
) -> Result<i64, StoreError> {
    tx.audit(Change {
        action: format!("{entity}.reverted"),
        entity_type: entity_static(entity),
        entity_id: id,
        details,
    })
    .await
}

/// `Change::entity_type` is `&str` tied to the change; entity names are
/// from the fixed set [`rows::revertible_fields`] knows.
fn entity_static(entity: &str) -> &'static str {
    match entity {
        "task" => "task",
        "person" => "person",
        "playbook" => "playbook",
        "question" => "question",
        "draft" => "draft",
        "knowledge" => "knowledge",
        _ => "waiting_item",
    }
}
