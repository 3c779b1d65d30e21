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
use chief_store::agent::journal::{self as rows, Finished, NewRun, NewStep, Settled, StepRecord};
use chief_store::{Db, Scope, StoreError, Tx};
use chrono::Utc;
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
    queued: Vec<NewStep>,
}

/// A tool call's step status, result body and error flag.
fn outcome(result: &Result<serde_json::Value, String>) -> (&'static str, serde_json::Value, bool) {
    match result {
        Ok(v) => ("applied", v.clone(), false),
        Err(e) => ("failed", json!({"error": e}), true),
    }
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
        let run_id = chief_store::new_id();
        let user = scope
            .actor
            .user_id
            .ok_or_else(|| StoreError::invalid("actor", "an agent run acts for a user"))?;
        let trace = scope.trace_id.clone().unwrap_or_default();
        let mut tx = db.write_relaxed(scope).await?;
        rows::open_run(
            &mut tx,
            &NewRun {
                id: run_id,
                user_id: user,
                trace_id: trace,
                persona: &routing.persona,
                routing: &routing.decision,
                confidence: routing.confidence,
                task_id,
                status: RunStatus::Running.as_str(),
                model,
            },
        )
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
    async fn insert_step(&mut self, record: StepRecord) -> Result<Step, StoreError> {
        let id = self.hold(record, 0);
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
    fn hold(&mut self, record: StepRecord, day_tokens: u64) -> Uuid {
        let id = chief_store::new_id();
        self.queued.push(NewStep {
            id,
            seq: self.next_seq,
            at: chief_store::value::micros(self.scope.now.unwrap_or_else(Utc::now)),
            record,
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
        for step in std::mem::take(&mut self.queued) {
            let id = step.id;
            let audit_seq = rows::record_step(tx, self.run_id, step).await?;
            last = (id, audit_seq);
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
            StepRecord::ModelCall {
                input_tokens: input,
                output_tokens: output,
                latency_ms: resp.latency.as_millis() as u64,
                cost_micro_usd: cost,
                result: json!({
                    "model": resp.model,
                    "attempts": resp.attempts,
                    "tool_calls": resp.tool_calls().map(|(_, n, _)| n).collect::<Vec<_>>(),
                }),
            },
            input + output,
        );
    }

    /// Records a model call that failed (a cut-off stream that will be
    /// retried, or the error that ends the run).
    pub fn model_failure(&mut self, error: &str, latency: Duration) {
        self.model_time += latency;
        self.hold(
            StepRecord::ModelFailure {
                latency_ms: latency.as_millis() as u64,
                result: json!({"error": error}),
            },
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
        self.insert_step(StepRecord::ToolCall {
            tool: tool.into(),
            tool_class: class.into(),
            arguments: arguments.clone(),
        })
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
            StepRecord::ReadCall {
                status,
                tool: tool.into(),
                arguments: arguments.clone(),
                result: body,
                is_error,
            },
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
        let mut tx = self.db.write_relaxed(&self.scope).await?;
        rows::settle_step(
            &mut tx,
            self.run_id,
            step.id,
            Settled {
                status,
                result: body,
                is_error,
                ran_after: ran.then_some(step.audit_seq),
            },
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
            StepRecord::Decision {
                about: about.into(),
                details: details.clone(),
            },
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
        rows::finish_run(
            &mut tx,
            self.run_id,
            Finished {
                status: status.as_str(),
                note,
                input_tokens: self.input_tokens,
                output_tokens: self.output_tokens,
                cost_micro_usd: self.cost_micro_usd,
            },
        )
        .await?;
        tx.commit().await
    }
}

pub use chief_store::agent::journal_reads::{RunSummary, StepSummary, in_trace, recent};
