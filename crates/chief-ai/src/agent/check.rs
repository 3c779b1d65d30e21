//! The proactive check (`chief agent check`, and `chief agent run` when its
//! queue is empty): the model reviews the person's dashboard and creates
//! tasks for what needs doing. It is quiet — no model call, no tokens, no
//! run — when nothing has changed in the workspace since the last check:
//! the newest audited change (leaving out the agent's own bookkeeping) is
//! compared with the one the last check saw, kept in `agent_checks`.
//!
//! The mark is what the check saw *before* asking the model, so a change
//! made during the check (by anyone, the check itself included) is looked
//! at by the next one.

use super::journal::{Journal, Routing, RunStatus};
use super::persona;
use super::prompt;
use super::run::{Agent, AgentError};
use super::session::{Session, Stop, now};
use crate::policy::Policy;
use crate::registry::Caller;
use chief_app::write::in_scope;
use chief_llm::{Block, Message, Request, ToolDefinition};
use chief_store::agent::check as agent_check;
use chief_store::{StoreError, new_trace_id};
use serde_json::{Value, json};
use uuid::Uuid;

/// The tools a check may use: look around, and note what needs doing.
const CHECK_TOOLS: &[&str] = &[
    "get_dashboard",
    "search",
    "get_task_context",
    "create_task",
    "add_waiting_item",
];

/// What a check did.
#[derive(Clone, Debug, PartialEq)]
pub enum Checked {
    /// Nothing changed since the last check; the model was not asked.
    Quiet { seen_seq: i64 },
    /// The model reviewed the dashboard.
    Reviewed {
        run_id: Uuid,
        status: RunStatus,
        /// What the model said, or why the check stopped.
        note: Option<String>,
        input_tokens: u64,
        output_tokens: u64,
    },
}

/// Remembers that a check saw `seq`.
async fn mark_seen(caller: &Caller, user: Uuid, seq: i64) -> Result<(), StoreError> {
    in_scope(&caller.db, &caller.scope, async |tx| {
        agent_check::mark_seen(tx, user, seq).await
    })
    .await
}

/// How the model is asked to review.
const REVIEW: &str = "\
## Proactive check

Review the person's dashboard (in the first message). If something needs
doing that no task covers yet — a question waiting too long, an overdue item,
a follow-up nobody owns — create a task for it (for the agent or the person)
or note a waiting item. Never duplicate an existing task. When you are done,
answer in one or two sentences with what you did, or that nothing needs
doing, without calling a tool.
";

impl Agent {
    /// Runs a proactive check for `caller`, or stays quiet when nothing
    /// changed since the last one.
    pub async fn check(&self, caller: &Caller) -> Result<Checked, AgentError> {
        let mut caller = caller.clone();
        caller.scope.trace_id = Some(new_trace_id());
        let user = caller.user()?;
        let tenant = caller.scope.tenant;
        let seen = agent_check::latest_change(&caller.db, tenant).await?;
        if agent_check::last_seen(&caller.db, tenant, user).await? == Some(seen) {
            return Ok(Checked::Quiet { seen_seq: seen });
        }
        let policy = Policy::load(&caller.db, caller.scope.tenant).await?;
        let general = persona::general();
        let routing = Routing {
            persona: general.name.clone(),
            decision: "check".into(),
            confidence: 100,
        };
        let journal = Journal::open(
            &caller.db,
            &caller.scope,
            &routing,
            None,
            self.provider.model(),
        )
        .await?;
        let mut session = Session {
            agent: self,
            caller: &caller,
            journal,
            policy,
            persona: general,
            untrusted: false,
            task_id: None,
            only_tools: Some(CHECK_TOOLS),
        };
        let ended = review(&mut session, seen).await;
        let (status, note) = match ended {
            Ok(ended) => ended,
            Err(e) => (RunStatus::Failed, Some(e.to_string())),
        };
        // Only a check that reached its end counts as having seen `seen`.
        if status == RunStatus::Completed {
            mark_seen(&caller, user, seen).await?;
        }
        let journal = &mut session.journal;
        journal.finish(status, note.as_deref()).await?;
        Ok(Checked::Reviewed {
            run_id: journal.run_id,
            status,
            note,
            input_tokens: journal.input_tokens,
            output_tokens: journal.output_tokens,
        })
    }
}

async fn review(s: &mut Session<'_>, seen: i64) -> Result<(RunStatus, Option<String>), AgentError> {
    s.journal.decision(
        "check",
        &json!({"changed_since_last_check": true, "latest_change": seen}),
    );
    let dashboard = match s.tool("get_dashboard", json!({})).await? {
        Ok(d) => d,
        Err(e) => return Ok((RunStatus::Failed, Some(e))),
    };
    let tools: Vec<ToolDefinition> = s
        .agent
        .registry
        .tools()
        .iter()
        .filter(|t| CHECK_TOOLS.contains(&t.name))
        .map(|t| ToolDefinition {
            name: t.name.to_string(),
            description: t.description.to_string(),
            input_schema: Value::Object(t.input_schema.clone()),
        })
        .collect();
    let mut system = prompt::system(&s.persona, now(s.caller));
    system.stable.push_str(REVIEW);
    let mut req = Request {
        system,
        messages: vec![Message::user(format!("## Dashboard\n{dashboard}\n"))],
        tools,
        max_tokens: s.agent.options.max_tokens,
        cache_conversation: true,
        ..Request::default()
    };
    let agent: &Agent = s.agent;
    for _ in 0..agent.options.max_turns {
        let resp = match s.model_call(&req).await? {
            Ok(resp) => resp,
            Err(Stop::Model(e)) => return Ok((RunStatus::Failed, Some(e.to_string()))),
            Err(Stop::DayBudget(note)) => return Ok((RunStatus::Requeued, Some(note))),
        };
        req.messages.push(Message::assistant(resp.content.clone()));
        let calls: Vec<(String, String, Value)> = resp
            .tool_calls()
            .map(|(id, name, input)| (id.to_string(), name.to_string(), input.clone()))
            .collect();
        if calls.is_empty() {
            return Ok((RunStatus::Completed, Some(resp.text())));
        }
        let mut results = Vec::new();
        for (id, name, input) in calls {
            let result = s.requested(&name, input).await?;
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
        let used = s.journal.input_tokens + s.journal.output_tokens;
        if used >= agent.options.token_budget {
            return Ok((
                RunStatus::Requeued,
                Some(format!(
                    "stopped: the check used {used} tokens, over its budget"
                )),
            ));
        }
    }
    Ok((
        RunStatus::Requeued,
        Some(format!(
            "stopped after {} model turns without finishing the check",
            agent.options.max_turns
        )),
    ))
}
