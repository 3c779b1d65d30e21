//! The rows `chief agent undo` reads and writes: a run's trace and status,
//! the audit ranges of its applied writes and the changes in them, and the
//! reversals themselves (removing an entity the run created, restoring
//! fields it changed). Which entity types and fields may be reverted is
//! the schema's knowledge, so it sits here too; the plan (what to revert,
//! and refusing what cannot be) is the agent's.

use crate::value::Value;
use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

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

/// The fields undo may restore on an existing `entity`, or `None` when
/// it cannot revert that entity type at all.
pub fn revertible_fields(entity: &str) -> Option<&'static [&'static str]> {
    table(entity).map(|(_, fields)| fields)
}

/// A field's earlier value (as the audit log recorded it), typed for its
/// column.
pub fn typed(column: &str, v: &serde_json::Value) -> Result<Value, StoreError> {
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

fn table_of(entity: &str) -> Result<&'static str, StoreError> {
    table(entity)
        .map(|(t, _)| t)
        .ok_or_else(|| StoreError::invalid("run", format!("cannot undo a {entity}")))
}

/// One audited change: (action, entity type, entity id, details).
pub type AuditedChange = (String, String, Uuid, serde_json::Value);

/// Run `run_id`'s trace id and status.
pub async fn run_trace_and_status(
    tx: &mut Tx,
    run_id: Uuid,
) -> Result<(String, String), StoreError> {
    let tenant = tx.tenant();
    let run = tx
        .fetch_optional(
            "SELECT trace_id, status FROM agent_runs WHERE tenant_id = $1 AND id = $2",
            &[tenant.into(), run_id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("agent run", run_id))?;
    Ok((run.text("trace_id")?, run.text("status")?))
}

/// The audit ranges (from, to] of run `run_id`'s applied tool calls other
/// than those of class `read_class`, newest first.
pub async fn applied_write_ranges(
    tx: &mut Tx,
    run_id: Uuid,
    read_class: &str,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let tenant = tx.tenant();
    tx.fetch_all(
        "SELECT audit_from, audit_to FROM agent_steps WHERE tenant_id = $1 AND run_id = $2 \
         AND kind = 'tool_call' AND status = 'applied' AND tool_class <> $3 ORDER BY seq DESC",
        &[tenant.into(), run_id.into(), read_class.into()],
    )
    .await?
    .iter()
    .map(|s| Ok((s.int("audit_from")?, s.int("audit_to")?)))
    .collect()
}

/// The changes audited under `trace` in the range (from, to], newest first.
pub async fn changes_in(
    tx: &mut Tx,
    trace: &str,
    (from, to): (i64, i64),
) -> Result<Vec<AuditedChange>, StoreError> {
    let tenant = tx.tenant();
    tx.fetch_all(
        "SELECT action, entity_type, entity_id, details FROM logs WHERE tenant_id = $1 \
         AND trace_id = $2 AND seq > $3 AND seq <= $4 ORDER BY seq DESC",
        &[tenant.into(), trace.into(), from.into(), to.into()],
    )
    .await?
    .into_iter()
    .map(|r| {
        Ok((
            r.text("action")?,
            r.text("entity_type")?,
            r.uuid("entity_id")?,
            r.json("details")?,
        ))
    })
    .collect()
}

/// Removes `entity` `id` (its dependants cascade). Not audited: the
/// caller records the reversal.
pub async fn remove(tx: &mut Tx, entity: &str, id: Uuid) -> Result<(), StoreError> {
    let table = table_of(entity)?;
    let tenant = tx.tenant();
    tx.execute(
        &format!("DELETE FROM {table} WHERE tenant_id = $1 AND id = $2"),
        &[tenant.into(), id.into()],
    )
    .await?;
    Ok(())
}

/// Sets `fields` of `entity` `id` back to their earlier values; only the
/// fields [`revertible_fields`] names are accepted. Not audited: the
/// caller records the reversal.
pub async fn restore(
    tx: &mut Tx,
    entity: &str,
    id: Uuid,
    fields: Vec<(String, Value)>,
) -> Result<(), StoreError> {
    let table = table_of(entity)?;
    let allowed = revertible_fields(entity).unwrap_or_default();
    if let Some((bad, _)) = fields.iter().find(|(c, _)| !allowed.contains(&c.as_str())) {
        return Err(StoreError::invalid(
            "run",
            format!("{entity} field {bad} is not revertible"),
        ));
    }
    let sets = fields
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{c} = ${}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let tenant = tx.tenant();
    let mut args: Vec<Value> = vec![tenant.into(), id.into()];
    args.extend(fields.into_iter().map(|(_, v)| v));
    tx.execute(
        &format!("UPDATE {table} SET {sets} WHERE tenant_id = $1 AND id = $2"),
        &args,
    )
    .await?;
    Ok(())
}

/// Marks run `run_id` undone (the caller audits it).
pub async fn mark_run_undone(tx: &mut Tx, run_id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let now = tx.now();
    tx.execute(
        "UPDATE agent_runs SET status = 'undone', undone_at = $3 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), run_id.into(), now.into()],
    )
    .await?;
    Ok(())
}
