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
use chief_store::{Change, Db, Scope, StoreError, Value};
use chrono::{DateTime, Utc};
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

/// The table of each entity type undo can revert, and the fields it may
/// restore on an entity that existed before the run.
fn table(entity: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match entity {
        "task" => (
            "tasks",
            &[
                "status",
                "started_at",
                "completed_at",
                "blocking_question_id",
                "output",
                "title",
                "description",
                "priority",
                "assignee",
                "due_date",
                "due_has_time",
                "tags",
                "project_id",
            ],
        ),
        "person" => (
            "people",
            &[
                "communication_notes",
                "context_notes",
                "email",
                "phone",
                "title",
                "company",
                "relationship",
                "relationship_to_user",
                "political_context",
            ],
        ),
        "playbook" => ("playbooks", &["use_count", "last_used", "status"]),
        "question" => ("questions", &[]),
        "draft" => ("drafts", &["recipient", "subject", "body"]),
        "knowledge" => ("knowledge", &[]),
        "waiting_item" => ("waiting_items", &[]),
        _ => return None,
    })
}

/// A field's earlier value, typed for its column.
fn typed(column: &str, v: &serde_json::Value) -> Result<Value, StoreError> {
    if column.ends_with("_at") || column == "last_used" || column == "due_date" {
        let ts = match v.as_str() {
            Some(s) => Some(
                DateTime::parse_from_rfc3339(s)
                    .map_err(|e| StoreError::invalid("run", format!("{column}: {e}")))?
                    .with_timezone(&Utc),
            ),
            None => None,
        };
        return Ok(Value::Ts(ts));
    }
    if column.ends_with("_id") {
        return Ok(Value::Uuid(
            v.as_str().and_then(|s| Uuid::parse_str(s).ok()),
        ));
    }
    Ok(match v {
        serde_json::Value::Number(n) => Value::Int(n.as_i64()),
        serde_json::Value::Bool(b) => Value::Bool(Some(*b)),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => Value::Json(Some(v.clone())),
        other => Value::Text(other.as_str().map(str::to_string)),
    })
}

/// One planned reversal.
enum Step {
    Remove {
        entity: String,
        table: &'static str,
        id: Uuid,
    },
    Restore {
        entity: String,
        table: &'static str,
        id: Uuid,
        fields: Vec<(String, Value)>,
    },
}

/// Reverts run `run_id`'s applied writes, as `scope`'s actor. A run of
/// another tenant is not found; a run already undone is refused.
pub async fn undo(db: &Db, scope: &Scope, run_id: Uuid) -> Result<Undone, StoreError> {
    let tenant = scope.tenant;
    let mut tx = db.write(scope).await?;
    tx.lock_tenant().await?;
    let run = tx
        .fetch_optional(
            "SELECT trace_id, status FROM agent_runs WHERE tenant_id = $1 AND id = $2",
            &[tenant.into(), run_id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("agent run", run_id))?;
    if run.text("status")? == "undone" {
        return Err(StoreError::invalid("run", "this run was already undone"));
    }
    let trace = run.text("trace_id")?;
    let steps = tx
        .fetch_all(
            "SELECT audit_from, audit_to FROM agent_steps WHERE tenant_id = $1 AND run_id = $2 \
             AND kind = 'tool_call' AND status = 'applied' AND tool_class <> $3 ORDER BY seq DESC",
            &[
                tenant.into(),
                run_id.into(),
                ToolClass::Read.as_str().into(),
            ],
        )
        .await?;
    let mut changes = Vec::new();
    for s in &steps {
        let rows = tx
            .fetch_all(
                "SELECT action, entity_type, entity_id, details FROM logs WHERE tenant_id = $1 \
                 AND trace_id = $2 AND seq > $3 AND seq <= $4 ORDER BY seq DESC",
                &[
                    tenant.into(),
                    trace.clone().into(),
                    s.int("audit_from")?.into(),
                    s.int("audit_to")?.into(),
                ],
            )
            .await?;
        for r in rows {
            changes.push((
                r.text("action")?,
                r.text("entity_type")?,
                r.uuid("entity_id")?,
                r.json("details")?,
            ));
        }
    }
    let plan = plan(&changes)?;
    let mut done = Undone::default();
    for step in plan {
        match step {
            Step::Remove { entity, table, id } => {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE tenant_id = $1 AND id = $2"),
                    &[tenant.into(), id.into()],
                )
                .await?;
                audit_revert(
                    &mut tx,
                    &entity,
                    id,
                    json!({"removed": true, "run": run_id}),
                )
                .await?;
                done.removed.push((entity, id));
            }
            Step::Restore {
                entity,
                table,
                id,
                fields,
            } => {
                let sets = fields
                    .iter()
                    .enumerate()
                    .map(|(i, (c, _))| format!("{c} = ${}", i + 3))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut args: Vec<Value> = vec![tenant.into(), id.into()];
                let names: Vec<String> = fields.iter().map(|(c, _)| c.clone()).collect();
                args.extend(fields.into_iter().map(|(_, v)| v));
                tx.execute(
                    &format!("UPDATE {table} SET {sets} WHERE tenant_id = $1 AND id = $2"),
                    &args,
                )
                .await?;
                audit_revert(
                    &mut tx,
                    &entity,
                    id,
                    json!({"fields": names, "run": run_id}),
                )
                .await?;
                done.restored.push((entity, id));
            }
        }
    }
    tx.execute(
        "UPDATE agent_runs SET status = 'undone', undone_at = $3 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), run_id.into(), tx.now().into()],
    )
    .await?;
    tx.audit(Change {
        action: "agent_run.undone".into(),
        entity_type: "agent_run",
        entity_id: run_id,
        details: json!({"removed": done.removed.len(), "restored": done.restored.len()}),
    })
    .await?;
    tx.commit().await?;
    Ok(done)
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
        let Some((table, fields)) = table(entity) else {
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
                    table,
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
            restore.push((field.clone(), typed(field, before)?));
        }
        if !restore.is_empty() {
            steps.push(Step::Restore {
                entity: entity.clone(),
                table,
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
/// from the fixed set in [`table`].
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
