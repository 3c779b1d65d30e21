//! Reading the agent journal back: the recent runs `chief agent runs`
//! lists, the runs of one trace with their steps (the activity page), and
//! a run's routing and decisions as tests and benches check them.

use crate::value::Row;
use crate::{Db, StoreError};
use chief_domain::TenantId;
use uuid::Uuid;

/// One run as `chief agent runs` lists it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RunSummary {
    pub id: Uuid,
    pub trace_id: String,
    pub task_id: Option<Uuid>,
    pub persona: String,
    pub routing: String,
    pub status: String,
    pub note: Option<String>,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cost_micro_usd: i64,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

const RUN_COLUMNS: &str = "id, trace_id, task_id, persona, routing, status, note, input_tokens, \
     output_tokens, cost_micro_usd, started_at, finished_at";

fn run_from_row(r: &Row) -> Result<RunSummary, StoreError> {
    Ok(RunSummary {
        id: r.uuid("id")?,
        trace_id: r.text("trace_id")?,
        task_id: r.opt_uuid("task_id")?,
        persona: r.text("persona")?,
        routing: r.text("routing")?,
        status: r.text("status")?,
        note: r.opt_text("note")?,
        input_tokens: r.int("input_tokens")?,
        output_tokens: r.int("output_tokens")?,
        cost_micro_usd: r.int("cost_micro_usd")?,
        started_at: r.ts("started_at")?,
        finished_at: r.opt_ts("finished_at")?,
    })
}

/// The tenant's `limit` most recent runs, newest first.
pub async fn recent(db: &Db, tenant: TenantId, limit: i64) -> Result<Vec<RunSummary>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {RUN_COLUMNS} FROM agent_runs WHERE tenant_id = $1 \
             ORDER BY started_at DESC, id DESC LIMIT $2"
        ),
        &[tenant.into(), limit.into()],
    )
    .await?
    .iter()
    .map(run_from_row)
    .collect()
}

/// One step of a run, as a trace shows it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StepSummary {
    pub seq: i64,
    /// `model` or `tool`.
    pub kind: String,
    pub tool: Option<String>,
    pub status: String,
    pub is_error: bool,
    pub latency_ms: i64,
}

/// The steps of run `run_id`, in order.
pub async fn steps_of(
    db: &Db,
    tenant: TenantId,
    run_id: Uuid,
) -> Result<Vec<StepSummary>, StoreError> {
    db.fetch_all(
        "SELECT seq, kind, tool, status, is_error, latency_ms FROM agent_steps \
         WHERE tenant_id = $1 AND run_id = $2 ORDER BY seq",
        &[tenant.into(), run_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(StepSummary {
            seq: r.int("seq")?,
            kind: r.text("kind")?,
            tool: r.opt_text("tool")?,
            status: r.text("status")?,
            is_error: r.bool("is_error")?,
            latency_ms: r.int("latency_ms")?,
        })
    })
    .collect()
}

/// The tenant's runs under `trace`, oldest first, each with its steps.
pub async fn in_trace(
    db: &Db,
    tenant: TenantId,
    trace: &str,
) -> Result<Vec<(RunSummary, Vec<StepSummary>)>, StoreError> {
    let runs: Vec<RunSummary> = db
        .fetch_all(
            &format!(
                "SELECT {RUN_COLUMNS} FROM agent_runs WHERE tenant_id = $1 AND trace_id = $2 \
                 ORDER BY started_at, id"
            ),
            &[tenant.into(), trace.into()],
        )
        .await?
        .iter()
        .map(run_from_row)
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(runs.len());
    for run in runs {
        let steps = steps_of(db, tenant, run.id).await?;
        out.push((run, steps));
    }
    Ok(out)
}

/// How run `run_id` was routed: its routing decision and confidence.
pub async fn routing_of(
    db: &Db,
    tenant: TenantId,
    run_id: Uuid,
) -> Result<(String, i64), StoreError> {
    let row = db
        .fetch_optional(
            "SELECT routing, routing_confidence FROM agent_runs WHERE tenant_id = $1 AND id = $2",
            &[tenant.into(), run_id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("agent run", run_id))?;
    Ok((row.text("routing")?, row.int("routing_confidence")?))
}

/// The details of run `run_id`'s decision step `about`, if it made one.
pub async fn decision_of(
    db: &Db,
    tenant: TenantId,
    run_id: Uuid,
    about: &str,
) -> Result<Option<serde_json::Value>, StoreError> {
    db.fetch_optional(
        "SELECT result FROM agent_steps WHERE tenant_id = $1 AND run_id = $2 AND kind = 'decision' AND tool = $3",
        &[tenant.into(), run_id.into(), about.into()],
    )
    .await?
    .map(|r| r.json("result"))
    .transpose()
}
