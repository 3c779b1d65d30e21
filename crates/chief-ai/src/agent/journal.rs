//! The agent's journal: `agent_runs` and `agent_steps`. A run is opened
//! before anything else happens and finished with its status; every model
//! call and tool call is a step. A write tool's step is written *before*
//! the write (status `pending`) and marked `applied` after it with the
//! audit sequence range the write produced, so a crash between the two
//! leaves a visible pending step and `chief agent undo` knows exactly which
//! audited changes belong to the run. A read tool's step is written once,
//! with its result. Journal writes do not wait for the
//! disk ([`chief_store::Db::write_relaxed`]): the tool's own write,
//! which does, makes the step before it durable too.

use crate::policy::Policy;
use chief_llm::Response;
use chief_store::{Change, Db, Scope, StoreError, Tx, Value};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

/// A step just written, and the sequence number of the audit row that
/// recorded it.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub id: Uuid,
    pub audit_seq: i64,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// Still going (or the process died mid-run).
    Running,
    /// The model completed the task.
    Completed,
    /// The model blocked the task on a question.
    Blocked,
    /// The run stopped (step limit, token budget) and the task went back to
    /// the queue.
    Requeued,
    /// The model could not be used; the task went back to the queue.
    Failed,
    /// `chief agent undo` reverted its writes.
    Undone,
}

impl RunStatus {
    /// The name stored in `agent_runs.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::Blocked => "blocked",
            RunStatus::Requeued => "requeued",
            RunStatus::Failed => "failed",
            RunStatus::Undone => "undone",
        }
    }
}

/// Where a run came from: its persona and how it was chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct Routing {
    pub persona: String,
    /// `keyword:<word>`, `requested` or `default`.
    pub decision: String,
    /// Percent, 0 to 100.
    pub confidence: u8,
}

/// The open journal of one run.
pub struct Journal {
    db: Db,
    scope: Scope,
    pub run_id: Uuid,
    next_seq: i64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_micro_usd: u64,
    /// Time spent waiting on the model, failed calls included.
    pub model_time: Duration,
    /// Steps that changed nothing (model calls, reads, decisions), held
    /// until the next journal write so they share its transaction.
    queued: Vec<Queued>,
}

/// A step held for the next journal transaction.
struct Queued {
    id: Uuid,
    seq: i64,
    at: DateTime<Utc>,
    cols: &'static str,
    values: Vec<Value>,
    day_tokens: u64,
}

/// A tool call's step status, result body and error flag.
fn outcome(result: &Result<serde_json::Value, String>) -> (&'static str, serde_json::Value, bool) {
    match result {
        Ok(v) => ("applied", v.clone(), false),
        Err(e) => ("failed", json!({"error": e}), true),
    }
}

fn int(n: u64) -> Value {
    Value::Int(Some(i64::try_from(n).unwrap_or(i64::MAX)))
}

impl Journal {
    /// Opens a run under `scope` (whose trace id is the run's), for
    /// `task_id` or, in chat, for no task.
    pub async fn open(
        db: &Db,
        scope: &Scope,
        routing: &Routing,
        task_id: Option<Uuid>,
        model: &str,
    ) -> Result<Journal, StoreError> {
        let run_id = chief_domain::new_id();
        let user = scope
            .actor
            .user_id
            .ok_or_else(|| StoreError::invalid("actor", "an agent run acts for a user"))?;
        let trace = scope.trace_id.clone().unwrap_or_default();
        let mut tx = db.write_relaxed(scope).await?;
        let now = tx.now();
        tx.execute(
            "INSERT INTO agent_runs (id, tenant_id, user_id, trace_id, persona, routing, routing_confidence, task_id, status, model, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                run_id.into(),
                scope.tenant.into(),
                user.into(),
                trace.into(),
                routing.persona.clone().into(),
                routing.decision.clone().into(),
                i64::from(routing.confidence).into(),
                task_id.into(),
                RunStatus::Running.as_str().into(),
                model.into(),
                now.into(),
            ],
        )
        .await?;
        tx.audit(Change {
            action: "agent_run.started".into(),
            entity_type: "agent_run",
            entity_id: run_id,
            details: json!({"task_id": task_id, "persona": routing.persona,
                "routing": routing.decision, "confidence": routing.confidence}),
        })
        .await?;
        tx.commit().await?;
        Ok(Journal {
            db: db.clone(),
            scope: scope.clone(),
            run_id,
            next_seq: 1,
            input_tokens: 0,
            output_tokens: 0,
            cost_micro_usd: 0,
            model_time: Duration::ZERO,
            queued: Vec::new(),
        })
    }

    /// Writes a step now, with any held before it, in one transaction.
    async fn insert_step(
        &mut self,
        cols: &'static str,
        values: Vec<Value>,
    ) -> Result<Step, StoreError> {
        let id = self.hold(cols, values, 0);
        let mut tx = self.db.write_relaxed(&self.scope).await?;
        let (last, audit_seq) = self.write_held(&mut tx).await?;
        tx.commit().await?;
        debug_assert_eq!(last, id, "the step is written last");
        Ok(Step { id, audit_seq })
    }

    /// Holds a step that changed nothing for the next journal transaction:
    /// a model call, a read or a decision. Its place in the run and its
    /// time are fixed now. A crash before that transaction loses it, and
    /// nothing else: no write follows a step without writing it first, and
    /// [`Journal::day_spent`] writes a model call's tokens before the day's
    /// count is read.
    fn hold(&mut self, cols: &'static str, values: Vec<Value>, day_tokens: u64) -> Uuid {
        let id = chief_domain::new_id();
        self.queued.push(Queued {
            id,
            seq: self.next_seq,
            at: chief_store::value::micros(self.scope.now.unwrap_or_else(Utc::now)),
            cols,
            values,
            day_tokens,
        });
        self.next_seq += 1;
        id
    }

    /// Writes the held steps in `tx`, each audited, and adds the model
    /// calls' tokens to the day's count. Returns the last step's id and the
    /// sequence number of its audit row.
    async fn write_held(&mut self, tx: &mut Tx) -> Result<(Uuid, i64), StoreError> {
        let mut last = (Uuid::nil(), 0);
        for q in std::mem::take(&mut self.queued) {
            let placeholders = (6..6 + q.values.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut args: Vec<Value> = vec![
                q.id.into(),
                self.scope.tenant.into(),
                self.run_id.into(),
                q.seq.into(),
                q.at.into(),
            ];
            args.extend(q.values);
            tx.execute(
                &format!(
                    "INSERT INTO agent_steps (id, tenant_id, run_id, seq, created_at, {cols}) VALUES ($1, $2, $3, $4, $5, {placeholders})",
                    cols = q.cols
                ),
                &args,
            )
            .await?;
            if q.day_tokens > 0 {
                crate::budget::add_to_day(tx, q.at, q.day_tokens).await?;
            }
            let audit_seq = tx
                .audit(Change {
                    action: "agent_run.step_recorded".into(),
                    entity_type: "agent_run",
                    entity_id: self.run_id,
                    details: json!({"step": q.id, "seq": q.seq}),
                })
                .await?;
            last = (q.id, audit_seq);
        }
        Ok(last)
    }

    /// Writes the held steps, if any.
    pub async fn flush(&mut self) -> Result<(), StoreError> {
        if self.queued.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.write_relaxed(&self.scope).await?;
        self.write_held(&mut tx).await?;
        tx.commit().await
    }

    /// The note that stops a run when the workspace's tokens for the day
    /// are spent, counting the model calls this run holds.
    pub async fn day_spent(&mut self, policy: &Policy) -> Result<Option<String>, StoreError> {
        self.flush().await?;
        let now = self.scope.now.unwrap_or_else(Utc::now);
        crate::budget::day_spent(&self.db, self.scope.tenant, policy, now).await
    }

    /// Records a model call that answered, and adds its tokens and cost to
    /// the run's totals.
    pub fn model_call(&mut self, resp: &Response) {
        let input = resp.usage.total_input();
        let output = resp.usage.output_tokens;
        let cost = resp.cost_micro_usd.unwrap_or(0);
        self.input_tokens += input;
        self.output_tokens += output;
        self.cost_micro_usd += cost;
        self.model_time += resp.latency;
        self.hold(
            "kind, status, input_tokens, output_tokens, latency_ms, cost_micro_usd, result",
            vec![
                "model_call".into(),
                "done".into(),
                int(input),
                int(output),
                int(resp.latency.as_millis() as u64),
                int(cost),
                Value::Json(Some(json!({
                    "model": resp.model,
                    "attempts": resp.attempts,
                    "tool_calls": resp.tool_calls().map(|(_, n, _)| n).collect::<Vec<_>>(),
                }))),
            ],
            input + output,
        );
    }

    /// Records a model call that failed (a cut-off stream that will be
    /// retried, or the error that ends the run).
    pub fn model_failure(&mut self, error: &str, latency: Duration) {
        self.model_time += latency;
        self.hold(
            "kind, status, is_error, latency_ms, result",
            vec![
                "model_call".into(),
                "failed".into(),
                true.into(),
                int(latency.as_millis() as u64),
                Value::Json(Some(json!({"error": error}))),
            ],
            0,
        );
    }

    /// Records a tool call about to run; its step stays `pending` until
    /// [`Journal::tool_result`] or [`Journal::tool_settled`].
    pub async fn tool_call(
        &mut self,
        tool: &str,
        class: &str,
        arguments: &serde_json::Value,
    ) -> Result<Step, StoreError> {
        self.insert_step(
            "kind, status, tool, tool_class, arguments",
            vec![
                "tool_call".into(),
                "pending".into(),
                tool.into(),
                class.into(),
                Value::Json(Some(arguments.clone())),
            ],
        )
        .await
    }

    /// Records a read tool's call with its result, once it has answered: a
    /// read changes nothing undo would revert.
    pub fn read_call(
        &mut self,
        tool: &str,
        arguments: &serde_json::Value,
        result: &Result<serde_json::Value, String>,
    ) {
        let (status, body, is_error) = outcome(result);
        self.hold(
            "kind, status, tool, tool_class, arguments, result, is_error",
            vec![
                "tool_call".into(),
                status.into(),
                tool.into(),
                "read".into(),
                Value::Json(Some(arguments.clone())),
                Value::Json(Some(body)),
                is_error.into(),
            ],
            0,
        );
    }

    /// Marks `step` done once its tool has run: `applied`, or `failed`
    /// (nothing was written) with the error. The audit range its write
    /// produced runs from the step's own audit row to the row settling it,
    /// both left out; undo takes the rows in it under the run's trace id.
    pub async fn tool_result(
        &mut self,
        step: Step,
        result: &Result<serde_json::Value, String>,
    ) -> Result<(), StoreError> {
        let (status, body, is_error) = outcome(result);
        self.settle(step, status, body, is_error, true).await
    }

    /// Marks `step` with a `status` other than applied (`refused`,
    /// `awaiting_approval`): nothing of the run's was written by it.
    pub async fn tool_settled(
        &mut self,
        step: Step,
        status: &str,
        body: &serde_json::Value,
        is_error: bool,
    ) -> Result<(), StoreError> {
        self.settle(step, status, body.clone(), is_error, false)
            .await
    }

    async fn settle(
        &mut self,
        step: Step,
        status: &str,
        body: serde_json::Value,
        is_error: bool,
        ran: bool,
    ) -> Result<(), StoreError> {
        let id = step.id;
        let mut tx = self.db.write_relaxed(&self.scope).await?;
        let own_seq = tx
            .audit(Change {
                action: "agent_run.step_recorded".into(),
                entity_type: "agent_run",
                entity_id: self.run_id,
                details: json!({"step": id, "status": status}),
            })
            .await?;
        let audit = ran.then_some((step.audit_seq, own_seq - 1));
        tx.execute(
            "UPDATE agent_steps SET status = $3, result = $4, is_error = $5, audit_from = $6, audit_to = $7 WHERE tenant_id = $1 AND id = $2",
            &[
                self.scope.tenant.into(),
                id.into(),
                status.into(),
                Value::Json(Some(body)),
                is_error.into(),
                audit.map(|a| a.0).into(),
                audit.map(|a| a.1).into(),
            ],
        )
        .await?;
        // Held steps go after the settling row, outside the write's range.
        self.write_held(&mut tx).await?;
        tx.commit().await
    }

    /// Records a decision the run made about a call or about itself (a
    /// person's approval used, the routing trail, a quiet check skipped).
    pub fn decision(&mut self, about: &str, details: &serde_json::Value) {
        self.hold(
            "kind, status, tool, result",
            vec![
                "decision".into(),
                "done".into(),
                about.into(),
                Value::Json(Some(details.clone())),
            ],
            0,
        );
    }

    /// Ends the run with `status`, its totals and an optional note.
    pub async fn finish(
        &mut self,
        status: RunStatus,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.write_relaxed(&self.scope).await?;
        self.write_held(&mut tx).await?;
        let now = tx.now();
        tx.execute(
            "UPDATE agent_runs SET status = $3, note = $4, input_tokens = $5, output_tokens = $6, cost_micro_usd = $7, finished_at = $8 WHERE tenant_id = $1 AND id = $2",
            &[
                self.scope.tenant.into(),
                self.run_id.into(),
                status.as_str().into(),
                note.map(str::to_string).into(),
                int(self.input_tokens),
                int(self.output_tokens),
                int(self.cost_micro_usd),
                now.into(),
            ],
        )
        .await?;
        tx.audit(Change {
            action: "agent_run.finished".into(),
            entity_type: "agent_run",
            entity_id: self.run_id,
            details: json!({"status": status.as_str(), "note": note,
                "input_tokens": self.input_tokens, "output_tokens": self.output_tokens}),
        })
        .await?;
        tx.commit().await
    }
}

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

fn run_from_row(r: &chief_store::value::Row) -> Result<RunSummary, StoreError> {
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
pub async fn recent(
    db: &Db,
    tenant: chief_domain::TenantId,
    limit: i64,
) -> Result<Vec<RunSummary>, StoreError> {
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

/// The tenant's runs under `trace`, oldest first, each with its steps.
pub async fn in_trace(
    db: &Db,
    tenant: chief_domain::TenantId,
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
        let steps = db
            .fetch_all(
                "SELECT seq, kind, tool, status, is_error, latency_ms FROM agent_steps \
                 WHERE tenant_id = $1 AND run_id = $2 ORDER BY seq",
                &[tenant.into(), run.id.into()],
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
            .collect::<Result<_, StoreError>>()?;
        out.push((run, steps));
    }
    Ok(out)
}
