//! The built-in agent's loop over one task (seed 003): take the next agent
//! task, read its must-consult playbooks, start it, then let the model
//! work with the registry's tools until it completes or blocks the task.
//!
//! Writes only ever happen through tool calls the model asked for in a
//! *complete* answer, so a model call that is retried (a 429, a dropped
//! stream) cannot write twice. Anything that stops the run early — the
//! step limit, the run's or the day's token budget, a model that cannot be
//! used — puts the task back in the queue so it is never left `working`.
//! A task that carries untrusted outside content runs untrusted from the
//! start (see [`crate::policy`]).

use super::approval;
use super::journal::{Journal, Routing, RunStatus};
use super::persona_store;
use super::prompt;
use super::routing::{self, Classifier, EmbeddingModel};
use super::session::{Session, Stop, now};
use super::tool_step::{AWAITING_APPROVAL, ToolOutcome};
use crate::budget;
use crate::policy::{self, Policy};
use crate::registry::{Caller, Registry};
use chief_app::write::in_scope;
use chief_domain::task::TaskOp;
use chief_llm::{Block, Message, Provider, Request, ToolDefinition};
use chief_store::{StoreError, new_trace_id, recurring, task};
use serde_json::{Value, json};
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
    /// Use the persona of this name (built in or the workspace's) instead
    /// of routing.
    pub persona: Option<String>,
    /// Ask the model which persona fits when no keyword does.
    pub route_by_model: bool,
    /// The (cheaper) model to ask, instead of the run's.
    pub routing_model: Option<String>,
    /// The local embedding model that matches a task to a persona when no
    /// keyword does, before the model is asked.
    pub embedding: EmbeddingModel,
}

impl Default for AgentOptions {
    fn default() -> Self {
        AgentOptions {
            max_turns: 20,
            token_budget: 200_000,
            max_tokens: 4096,
            cut_off_retries: 2,
            persona: None,
            route_by_model: false,
            routing_model: None,
            embedding: EmbeddingModel::Absent,
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
    /// The workspace's tokens for the day are spent: nothing more runs
    /// until tomorrow (or a bigger budget).
    pub day_budget_spent: bool,
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
    /// A call waits for a person's approval (the tool's name).
    AwaitingApproval(String),
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
        let tenant = caller.scope.tenant;
        let policy = Policy::load(&caller.db, tenant).await?;
        let personas = persona_store::all(&caller.db, tenant).await?;
        if let Some(name) = &self.options.persona
            && super::persona::by_name(&personas, name).is_none()
        {
            let names: Vec<&str> = personas.iter().map(|p| p.name.as_str()).collect();
            return Err(AgentError::Tool(crate::ToolError::Refused(format!(
                "no persona {name:?}; the personas are {}",
                names.join(", ")
            ))));
        }
        // The day's budget is checked before routing, which may ask the
        // model too.
        if let Some(note) = budget::day_spent(&caller.db, tenant, &policy, now(&caller)).await? {
            let unrouted = Routing {
                persona: "none".into(),
                decision: "not routed: the day's token budget is spent".into(),
                confidence: 0,
            };
            let mut journal = Journal::open(
                &caller.db,
                &caller.scope,
                &unrouted,
                Some(task_id),
                self.provider.model(),
            )
            .await?;
            journal.finish(RunStatus::Requeued, Some(&note)).await?;
            return Ok(Outcome::Ran(RunReport {
                run_id: journal.run_id,
                trace_id: caller.scope.trace_id.clone().unwrap_or_default(),
                task_id,
                persona: unrouted.persona,
                status: RunStatus::Requeued,
                note: Some(note),
                input_tokens: 0,
                output_tokens: 0,
                model_time: std::time::Duration::ZERO,
                day_budget_spent: true,
            }));
        }
        let about = format!(
            "{} {}",
            next["task"]["title"].as_str().unwrap_or_default(),
            next["task"]["description"].as_str().unwrap_or_default()
        );
        let classifier = self.options.route_by_model.then(|| Classifier {
            provider: &self.provider,
            model: self.options.routing_model.clone(),
        });
        let routed = routing::route(
            &personas,
            self.options.persona.as_deref(),
            &about,
            &self.options.embedding,
            classifier,
        )
        .await;
        let mut journal = Journal::open(
            &caller.db,
            &caller.scope,
            &routed.routing,
            Some(task_id),
            self.provider.model(),
        )
        .await?;
        if let Some(resp) = &routed.classified_by {
            journal.model_call(resp);
        }
        journal.decision("routing", &Value::from(routed.trail.clone()));
        let mut work = Work {
            session: Session {
                agent: self,
                caller: &caller,
                journal,
                policy,
                persona: routed.persona,
                untrusted: policy::carries_untrusted(&next.to_string()),
                task_id: Some(task_id),
                only_tools: None,
            },
            task_id,
        };
        // A store failure mid-run still ends the run and frees the task,
        // if the store lets us.
        let (status, note, day_budget_spent) = match work.run(&mut next).await {
            Ok(Ended {
                status,
                note,
                day_budget_spent,
            }) => (status, note, day_budget_spent),
            Err(e) => (RunStatus::Failed, Some(e.to_string()), false),
        };
        if matches!(status, RunStatus::Requeued | RunStatus::Failed) {
            requeue(&caller, task_id).await?;
        }
        let journal = &mut work.session.journal;
        journal.finish(status, note.as_deref()).await?;
        Ok(Outcome::Ran(RunReport {
            run_id: journal.run_id,
            trace_id: caller.scope.trace_id.clone().unwrap_or_default(),
            task_id,
            persona: routed.routing.persona,
            status,
            note,
            input_tokens: journal.input_tokens,
            output_tokens: journal.output_tokens,
            model_time: journal.model_time,
            day_budget_spent,
        }))
    }

    /// Creates the tasks of due recurring tasks; returns how many.
    async fn create_due_recurring(&self, caller: &Caller) -> Result<usize, StoreError> {
        let due = recurring::due(&caller.db, caller.scope.tenant, now(caller)).await?;
        for r in &due {
            chief_app::recurring::run(&caller.db, &caller.scope, r.id).await?;
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
    in_scope(&caller.db, &caller.scope, async |tx| {
        task::transition(tx, task_id, TaskOp::Pause, None).await?;
        Ok(())
    })
    .await
}

/// How a run ended.
struct Ended {
    status: RunStatus,
    note: Option<String>,
    day_budget_spent: bool,
}

impl Ended {
    fn with(status: RunStatus, note: Option<String>) -> Ended {
        Ended {
            status,
            note,
            day_budget_spent: false,
        }
    }
}

/// One run of a task in progress.
struct Work<'a> {
    session: Session<'a>,
    task_id: Uuid,
}

impl Work<'_> {
    async fn run(&mut self, next: &mut Value) -> Result<Ended, AgentError> {
        let s = &mut self.session;
        // The loop took the task itself; the step records which.
        let taken = Ok(json!({"task_id": self.task_id}));
        s.journal.read_call("get_next_task", &json!({}), &taken);
        // Must-consult playbooks are read before anything else, through the
        // tool, so the consultation is recorded as the rules require.
        let mut playbooks = Vec::new();
        let warnings = next["must_consult_warnings"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for w in warnings {
            let args = json!({"name": w["playbook_id"]});
            if let Ok(p) = s.tool("get_playbook", args).await? {
                playbooks.push(p);
            }
        }
        let started = s
            .tool("start_task", json!({"task_id": self.task_id}))
            .await?;
        if let Err(e) = started {
            return Ok(Ended::with(
                RunStatus::Failed,
                Some(format!("could not start the task: {e}")),
            ));
        }
        s.persona
            .knowledge_scope
            .filter_context(&mut next["context"]);
        let mut first = prompt::task_message(next, &playbooks);
        let held = approval::for_task(s.caller, self.task_id).await?;
        if let Some(approvals) = approval::briefing(&held) {
            first.push_str(&format!("\n{approvals}"));
        }
        let tools: Vec<ToolDefinition> = s
            .agent
            .registry
            .tools()
            .iter()
            .filter(|t| s.persona.allows(t.name))
            .map(|t| ToolDefinition {
                name: t.name.to_string(),
                description: t.description.to_string(),
                input_schema: Value::Object(t.input_schema.clone()),
            })
            .collect();
        let mut req = Request {
            system: prompt::system(&s.persona, now(s.caller)),
            messages: vec![Message::user(first)],
            tools,
            max_tokens: s.agent.options.max_tokens,
            cache_conversation: true,
            ..Request::default()
        };
        let agent: &Agent = s.agent;
        let opts = &agent.options;
        for _ in 0..opts.max_turns {
            let resp = match self.session.model_call(&req).await? {
                Ok(resp) => resp,
                Err(Stop::Model(e)) => {
                    return Ok(Ended::with(RunStatus::Failed, Some(e.to_string())));
                }
                Err(Stop::DayBudget(note)) => {
                    return Ok(Ended {
                        status: RunStatus::Requeued,
                        note: Some(format!("{note}; the task is back in the queue")),
                        day_budget_spent: true,
                    });
                }
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
                    if matches!(finished, Some(Finish::AwaitingApproval(_))) {
                        break;
                    }
                }
                req.messages.push(Message::tool_results(results));
                match finished {
                    Some(Finish::Completed) => return Ok(Ended::with(RunStatus::Completed, None)),
                    Some(Finish::Blocked) => return Ok(Ended::with(RunStatus::Blocked, None)),
                    Some(Finish::AwaitingApproval(tool)) => {
                        return Ok(Ended::with(
                            RunStatus::Blocked,
                            Some(format!(
                                "waiting for a person to approve {tool}; the task is blocked on the question"
                            )),
                        ));
                    }
                    None => {}
                }
            }
            let s = &self.session;
            let used = s.journal.input_tokens + s.journal.output_tokens;
            if used >= opts.token_budget {
                let note = format!(
                    "stopped: the run used {used} tokens, over its budget of {}; the task is back in the queue",
                    opts.token_budget
                );
                return Ok(Ended::with(RunStatus::Requeued, Some(note)));
            }
        }
        Ok(Ended::with(
            RunStatus::Requeued,
            Some(format!(
                "stopped after {} model turns without completing or blocking the task; it is back in the queue",
                opts.max_turns
            )),
        ))
    }

    /// A tool call the model asked for (see [`Session::requested`]); says
    /// whether it completed or blocked the run's task.
    async fn model_tool(
        &mut self,
        name: &str,
        input: Value,
    ) -> Result<(ToolOutcome, Option<Finish>), AgentError> {
        let about_this_task = input["task_id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s.trim()).ok())
            == Some(self.task_id);
        let result = self.session.requested(name, input).await?;
        let held = matches!(&result, Ok(v) if v[AWAITING_APPROVAL] == json!(true));
        let finish = match (name, &result, about_this_task) {
            _ if held => Some(Finish::AwaitingApproval(name.to_string())),
            ("complete_task", Ok(_), true) => Some(Finish::Completed),
            ("block_task", Ok(_), true) => Some(Finish::Blocked),
            _ => None,
        };
        Ok((result, finish))
    }
}
