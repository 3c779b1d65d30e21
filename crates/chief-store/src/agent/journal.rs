//! The agent journal's rows: `agent_runs` (one per run, opened first and
//! finished with its status and totals) and `agent_steps` (each model
//! call, tool call and decision), every write audited under the run. When
//! a step is written and how its transaction commits (the journal does not
//! wait for the disk, [`crate::Db::write_relaxed`]) is the agent's
//! business in `chief-ai`; this holds the statements.

use crate::value::Value;
use crate::{Change, StoreError, Tx};
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

fn int(n: u64) -> Value {
    Value::Int(Some(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// A run about to start.
#[derive(Clone, Debug)]
pub struct NewRun<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub trace_id: String,
    pub persona: &'a str,
    /// How the persona was chosen: `keyword:<word>`, `requested`, …
    pub routing: &'a str,
    /// Percent, 0 to 100.
    pub confidence: u8,
    pub task_id: Option<Uuid>,
    pub status: &'a str,
    pub model: &'a str,
}

/// Opens a run, audited as `agent_run.started`.
pub async fn open_run(tx: &mut Tx, run: &NewRun<'_>) -> Result<(), StoreError> {
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO agent_runs (id, tenant_id, user_id, trace_id, persona, routing, routing_confidence, task_id, status, model, started_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            run.id.into(),
            tenant.into(),
            run.user_id.into(),
            run.trace_id.clone().into(),
            run.persona.into(),
            run.routing.into(),
            i64::from(run.confidence).into(),
            run.task_id.into(),
            run.status.into(),
            run.model.into(),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: "agent_run.started".into(),
        entity_type: "agent_run",
        entity_id: run.id,
        details: json!({"task_id": run.task_id, "persona": run.persona,
            "routing": run.routing, "confidence": run.confidence}),
    })
    .await?;
    Ok(())
}

/// What a step records, by its kind.
#[derive(Clone, Debug, PartialEq)]
pub enum StepRecord {
    /// A model call that answered.
    ModelCall {
        input_tokens: u64,
        output_tokens: u64,
        latency_ms: u64,
        cost_micro_usd: u64,
        result: serde_json::Value,
    },
    /// A model call that failed.
    ModelFailure {
        latency_ms: u64,
        result: serde_json::Value,
    },
    /// A tool call about to run, `pending` until settled.
    ToolCall {
        tool: String,
        tool_class: String,
        arguments: serde_json::Value,
    },
    /// A read tool's call, with its result.
    ReadCall {
        status: &'static str,
        tool: String,
        arguments: serde_json::Value,
        result: serde_json::Value,
        is_error: bool,
    },
    /// A decision the run made, `about` what.
    Decision {
        about: String,
        details: serde_json::Value,
    },
}

impl StepRecord {
    /// The step's columns beyond its place in the run, and their values.
    fn columns(self) -> (&'static str, Vec<Value>) {
        match self {
            StepRecord::ModelCall {
                input_tokens,
                output_tokens,
                latency_ms,
                cost_micro_usd,
                result,
            } => (
                "kind, status, input_tokens, output_tokens, latency_ms, cost_micro_usd, result",
                vec![
                    "model_call".into(),
                    "done".into(),
                    int(input_tokens),
                    int(output_tokens),
                    int(latency_ms),
                    int(cost_micro_usd),
                    Value::Json(Some(result)),
                ],
            ),
            StepRecord::ModelFailure { latency_ms, result } => (
                "kind, status, is_error, latency_ms, result",
                vec![
                    "model_call".into(),
                    "failed".into(),
                    true.into(),
                    int(latency_ms),
                    Value::Json(Some(result)),
                ],
            ),
            StepRecord::ToolCall {
                tool,
                tool_class,
                arguments,
            } => (
                "kind, status, tool, tool_class, arguments",
                vec![
                    "tool_call".into(),
                    "pending".into(),
                    tool.into(),
                    tool_class.into(),
                    Value::Json(Some(arguments)),
                ],
            ),
            StepRecord::ReadCall {
                status,
                tool,
                arguments,
                result,
                is_error,
            } => (
                "kind, status, tool, tool_class, arguments, result, is_error",
                vec![
                    "tool_call".into(),
                    status.into(),
                    tool.into(),
                    "read".into(),
                    Value::Json(Some(arguments)),
                    Value::Json(Some(result)),
                    is_error.into(),
                ],
            ),
            StepRecord::Decision { about, details } => (
                "kind, status, tool, result",
                vec![
                    "decision".into(),
                    "done".into(),
                    about.into(),
                    Value::Json(Some(details)),
                ],
            ),
        }
    }
}

/// A step with its place in the run and its time, ready to write.
#[derive(Clone, Debug, PartialEq)]
pub struct NewStep {
    pub id: Uuid,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub record: StepRecord,
    /// Model tokens to add to the day's count with it.
    pub day_tokens: u64,
}

/// Writes step `step` of run `run_id`, adds its tokens to the day's count,
/// and audits it. Returns the audit row's sequence number.
pub async fn record_step(tx: &mut Tx, run_id: Uuid, step: NewStep) -> Result<i64, StoreError> {
    let (cols, values) = step.record.columns();
    let placeholders = (6..6 + values.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut args: Vec<Value> = vec![
        step.id.into(),
        tx.tenant().into(),
        run_id.into(),
        step.seq.into(),
        step.at.into(),
    ];
    args.extend(values);
    tx.execute(
        &format!(
            "INSERT INTO agent_steps (id, tenant_id, run_id, seq, created_at, {cols}) VALUES ($1, $2, $3, $4, $5, {placeholders})"
        ),
        &args,
    )
    .await?;
    if step.day_tokens > 0 {
        super::token_day::add(tx, step.at, step.day_tokens).await?;
    }
    tx.audit(Change {
        action: "agent_run.step_recorded".into(),
        entity_type: "agent_run",
        entity_id: run_id,
        details: json!({"step": step.id, "seq": step.seq}),
    })
    .await
}

/// How a tool call's step ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Settled<'a> {
    pub status: &'a str,
    pub result: serde_json::Value,
    pub is_error: bool,
    /// For a call that ran, the sequence number of the step's own audit
    /// row: its write's range runs from there to the row settling it.
    pub ran_after: Option<i64>,
}

/// Settles step `step_id` of run `run_id`: audits it, then records its
/// status, result and, for a call that ran, the audit range its write
/// produced (both ends left out).
pub async fn settle_step(
    tx: &mut Tx,
    run_id: Uuid,
    step_id: Uuid,
    settled: Settled<'_>,
) -> Result<(), StoreError> {
    let own_seq = tx
        .audit(Change {
            action: "agent_run.step_recorded".into(),
            entity_type: "agent_run",
            entity_id: run_id,
            details: json!({"step": step_id, "status": settled.status}),
        })
        .await?;
    let audit = settled.ran_after.map(|from| (from, own_seq - 1));
    let tenant = tx.tenant();
    tx.execute(
        "UPDATE agent_steps SET status = $3, result = $4, is_error = $5, audit_from = $6, audit_to = $7 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            step_id.into(),
            settled.status.into(),
            Value::Json(Some(settled.result)),
            settled.is_error.into(),
            audit.map(|a| a.0).into(),
            audit.map(|a| a.1).into(),
        ],
    )
    .await?;
    Ok(())
}

/// A run's end: its status, note and totals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Finished<'a> {
    pub status: &'a str,
    pub note: Option<&'a str>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_micro_usd: u64,
}

/// Ends run `run_id`, audited as `agent_run.finished`.
pub async fn finish_run(tx: &mut Tx, run_id: Uuid, end: Finished<'_>) -> Result<(), StoreError> {
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "UPDATE agent_runs SET status = $3, note = $4, input_tokens = $5, output_tokens = $6, cost_micro_usd = $7, finished_at = $8 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            run_id.into(),
            end.status.into(),
            end.note.map(str::to_string).into(),
            int(end.input_tokens),
            int(end.output_tokens),
            int(end.cost_micro_usd),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: "agent_run.finished".into(),
        entity_type: "agent_run",
        entity_id: run_id,
        details: json!({"status": end.status, "note": end.note,
            "input_tokens": end.input_tokens, "output_tokens": end.output_tokens}),
    })
    .await?;
    Ok(())
}
