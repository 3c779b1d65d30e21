//! The built-in agent's loop over one task (seed 003): take the next agent
//! task, read its must-consult playbooks, start it, then let the model
//! work with the registry's tools until it completes or blocks the task.
//!
//! Writes only ever happen through tool calls the model asked for in a
//! *complete* answer, so a model call that is retried (a 429, a dropped
//! stream) cannot write twice. Anything that stops the run early — the
//! step limit, the token budget, a model that cannot be used — puts the
//! task back in the queue so it is never left `working`.

use super::journal::{Journal, RunStatus};
use super::persona::{self, Persona};
use super::prompt;
use super::tool_step::{self, ToolOutcome};
use crate::registry::{Caller, Registry, ToolClass};
use chief_domain::task::TaskOp;
use chief_llm::{Block, LlmError, Message, Provider, Request, Response, ToolDefinition};
use chief_store::{StoreError, new_trace_id, recurring, task};
use chrono::Utc;
use serde_json::{Value, json};
use std::time::Instant;
use uuid::Uuid;

/// Limits and choices for a run.
#[derive(Clone, Debug)]
pub struct AgentOptions {
    /// Model calls per task before the run stops and requeues the task.
    pub max_turns: u32,
    /// Input plus output tokens per run; the run stops once it is reached.
    pub token_budget: u64,
    /// Room for each answer.
    pub max_tokens: u32,
    /// Extra attempts at a model call whose stream was cut off.
    pub cut_off_retries: u32,
    /// Use this persona instead of routing.
    pub persona: Option<&'static Persona>,
}

impl Default for AgentOptions {
    fn default() -> Self {
        AgentOptions {
            max_turns: 20,
            token_budget: 200_000,
            max_tokens: 4096,
            cut_off_retries: 2,
            persona: None,
        }
    }
}

/// What one run did.
#[derive(Clone, Debug, PartialEq)]
pub struct RunReport {
    pub run_id: Uuid,
    pub trace_id: String,
    pub task_id: Uuid,
    pub persona: String,
    pub status: RunStatus,
    /// Why it stopped, when it did not complete or block.
    pub note: Option<String>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Time spent waiting on the model; the rest of the run's time is ours.
    pub model_time: std::time::Duration,
}

/// What [`Agent::run_once`] found to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The agent queue was empty (after due recurring tasks were created).
    Idle,
    Ran(RunReport),
}

/// Why the loop could not run at all (the store failed).
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Tool(#[from] crate::ToolError),
}

/// The agent: a model, the tools and the limits.
pub struct Agent {
    pub registry: Registry,
    pub provider: Provider,
    pub options: AgentOptions,
}

/// How a finished model turn left the task.
enum Finish {
    Completed,
    Blocked,
}

impl Agent {
    /// Works the next agent task for `caller` (an agent acting for a
    /// user), or creates due recurring tasks and reports [`Outcome::Idle`]
    /// when there is none.
    pub async fn run_once(&self, caller: &Caller) -> Result<Outcome, AgentError> {
        let mut caller = caller.clone();
        caller.scope.trace_id = Some(new_trace_id());
        let mut next = self
            .registry
            .call(&caller, "get_next_task", json!({}))
            .await?;
        if next["task"].is_null() && self.create_due_recurring(&caller).await? > 0 {
            next = self
                .registry
                .call(&caller, "get_next_task", json!({}))
                .await?;
        }
        let Some(task_id) = next["task"]["id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
        else {
            return Ok(Outcome::Idle);
        };
        let about = format!(
            "{} {}",
            next["task"]["title"].as_str().unwrap_or_default(),
            next["task"]["description"].as_str().unwrap_or_default()
        );
        let (persona, routing) = persona::route(self.options.persona, &about);
        let mut journal = Journal::open(
            &caller.db,
            &caller.scope,
            &routing,
            Some(task_id),
            self.provider.model(),
        )
        .await?;
        let mut work = Work {
            agent: self,
            caller: &caller,
            journal: &mut journal,
            persona,
            task_id,
        };
        // A store failure mid-run still ends the run and frees the task,
        // if the store lets us.
        let (status, note) = match work.run(&next).await {
            Ok(ended) => ended,
            Err(e) => (RunStatus::Failed, Some(e.to_string())),
        };
        if matches!(status, RunStatus::Requeued | RunStatus::Failed) {
            requeue(&caller, task_id).await?;
        }
        journal.finish(status, note.as_deref()).await?;
        Ok(Outcome::Ran(RunReport {
            run_id: journal.run_id,
            trace_id: caller.scope.trace_id.clone().unwrap_or_default(),
            task_id,
            persona: routing.persona,
            status,
            note,
            input_tokens: journal.input_tokens,
            output_tokens: journal.output_tokens,
            model_time: journal.model_time,
        }))
    }

    /// Creates the tasks of due recurring tasks; returns how many.
    async fn create_due_recurring(&self, caller: &Caller) -> Result<usize, StoreError> {
        let due = recurring::due(&caller.db, caller.scope.tenant, now(caller)).await?;
        for r in &due {
            let mut tx = caller.db.write(&caller.scope).await?;
            recurring::run(&mut tx, r.id).await?;
            tx.commit().await?;
        }
        Ok(due.len())
    }
}

/// Puts a task left `working` back in the queue.
async fn requeue(caller: &Caller, task_id: Uuid) -> Result<(), StoreError> {
    let current = task::get(&caller.db, caller.scope.tenant, task_id).await?;
    if current.status.as_str() != "working" {
        return Ok(());
    }
    let mut tx = caller.db.write(&caller.scope).await?;
    task::transition(&mut tx, task_id, TaskOp::Pause, None).await?;
    tx.commit().await
}

/// One run in progress.
struct Work<'a> {
    agent: &'a Agent,
    caller: &'a Caller,
    journal: &'a mut Journal,
    persona: &'static Persona,
    task_id: Uuid,
}

impl Work<'_> {
    async fn run(&mut self, next: &Value) -> Result<(RunStatus, Option<String>), AgentError> {
        // The loop took the task itself; the step records which.
        let step = self
            .journal
            .tool_call("get_next_task", ToolClass::Read.as_str(), &json!({}))
            .await?;
        let taken = Ok(json!({"task_id": self.task_id}));
        self.journal.tool_result(step, &taken, (0, 0)).await?;
        // Must-consult playbooks are read before anything else, through the
        // tool, so the consultation is recorded as the rules require.
        let mut playbooks = Vec::new();
        for w in next["must_consult_warnings"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let args = json!({"name": w["playbook_id"]});
            let result = self.tool("get_playbook", args).await?;
            if let Ok(p) = result {
                playbooks.push(p);
            }
        }
        let started = self
            .tool("start_task", json!({"task_id": self.task_id}))
            .await?;
        if let Err(e) = started {
            return Ok((
                RunStatus::Failed,
                Some(format!("could not start the task: {e}")),
            ));
        }
        let tools: Vec<ToolDefinition> = self
            .agent
            .registry
            .tools()
            .iter()
            .filter(|t| self.persona.allows(t.name))
            .map(|t| ToolDefinition {
                name: t.name.to_string(),
                description: t.description.to_string(),
                input_schema: Value::Object(t.input_schema.clone()),
            })
            .collect();
        let mut req = Request {
            system: prompt::system(self.persona, now(self.caller)),
            messages: vec![Message::user(prompt::task_message(next, &playbooks))],
            tools,
            max_tokens: self.agent.options.max_tokens,
            cache_conversation: true,
            ..Request::default()
        };
        let opts = &self.agent.options;
        for _ in 0..opts.max_turns {
            let resp = match self.model_call(&req).await? {
                Ok(resp) => resp,
                Err(e) => return Ok((RunStatus::Failed, Some(e.to_string()))),
            };
            req.messages.push(Message::assistant(resp.content.clone()));
            let calls: Vec<(String, String, Value)> = resp
                .tool_calls()
                .map(|(id, name, input)| (id.to_string(), name.to_string(), input.clone()))
                .collect();
            if calls.is_empty() {
                req.messages.push(Message::user(prompt::NUDGE));
            } else {
                let mut results = Vec::new();
                let mut finished = None;
                for (id, name, input) in calls {
                    let (result, finish) = self.model_tool(&name, input).await?;
                    finished = finished.or(finish);
                    results.push(match result {
                        Ok(v) => Block::tool_result(id, v.to_string()),
                        Err(e) => Block::ToolResult {
                            tool_use_id: id,
                            content: e,
                            is_error: true,
                        },
                    });
                }
                req.messages.push(Message::tool_results(results));
                match finished {
                    Some(Finish::Completed) => return Ok((RunStatus::Completed, None)),
                    Some(Finish::Blocked) => return Ok((RunStatus::Blocked, None)),
                    None => {}
                }
            }
            let used = self.journal.input_tokens + self.journal.output_tokens;
            if used >= opts.token_budget {
                let note = format!(
                    "stopped: the run used {used} tokens, over its budget of {}; the task is back in the queue",
                    opts.token_budget
                );
                return Ok((RunStatus::Requeued, Some(note)));
            }
        }
        Ok((
            RunStatus::Requeued,
            Some(format!(
                "stopped after {} model turns without completing or blocking the task; it is back in the queue",
                opts.max_turns
            )),
        ))
    }

    /// One model call, journaled; a cut-off stream is asked again (nothing
    /// was written from it), other failures end the run.
    async fn model_call(
        &mut self,
        req: &Request,
    ) -> Result<Result<Response, LlmError>, StoreError> {
        let mut tries = 0;
        loop {
            let started = Instant::now();
            match self.agent.provider.stream(req, &mut |_| {}).await {
                Ok(resp) => {
                    self.journal.model_call(&resp).await?;
                    return Ok(Ok(resp));
                }
                Err(e) => {
                    self.journal
                        .model_failure(&e.to_string(), started.elapsed())
                        .await?;
                    let cut_off = matches!(e.root(), LlmError::CutOff { .. });
                    if !cut_off || tries >= self.agent.options.cut_off_retries {
                        return Ok(Err(e));
                    }
                    tries += 1;
                }
            }
        }
    }

    /// A tool call the model asked for (see [`tool_step::requested`]);
    /// says whether it completed or blocked the run's task.
    async fn model_tool(
        &mut self,
        name: &str,
        input: Value,
    ) -> Result<(ToolOutcome, Option<Finish>), AgentError> {
        let about_this_task = input["task_id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s.trim()).ok())
            == Some(self.task_id);
        let persona = self.persona;
        let result = tool_step::requested(
            self.journal,
            &self.agent.registry,
            self.caller,
            &|tool| persona.allows(tool),
            name,
            input,
        )
        .await?;
        let finish = match (name, &result, about_this_task) {
            ("complete_task", Ok(_), true) => Some(Finish::Completed),
            ("block_task", Ok(_), true) => Some(Finish::Blocked),
            _ => None,
        };
        Ok((result, finish))
    }

    /// Runs a registry tool the loop itself calls, journaled.
    async fn tool(&mut self, name: &str, args: Value) -> Result<ToolOutcome, AgentError> {
        let caller = self.caller;
        Ok(tool_step::run(self.journal, &self.agent.registry, caller, name, args).await?)
    }
}

/// The caller's clock: the scope's when a test or script pins it.
fn now(caller: &Caller) -> chrono::DateTime<Utc> {
    caller.scope.now.unwrap_or_else(Utc::now)
}
