//! The one way the agent and chat run a tool: journaled as a step before it
//! runs, then marked with its result and the audit range its write
//! produced. A call the model asked for is first checked against the
//! run's [`StepRules`]:
//! - a tool this run was not given, or arguments that are not a JSON
//!   object, are refused;
//! - [`crate::policy::decide`]: a turn carrying untrusted content may not
//!   cancel, delete or change settings; the approval policy may deny the
//!   class, or hold the call for a person (the run's task blocks on a
//!   question, see [`super::approval`]).
//!
//! A refusal is journaled as a `refused` step and its reason goes back to
//! the model.

use super::approval::{self, Decision};
use super::journal::Journal;
use crate::policy::{self, Policy, Verdict};
use crate::registry::{Caller, Registry, ToolClass};
use chief_store::StoreError;
use serde_json::{Value, json};
use uuid::Uuid;

/// A tool call's outcome: the result, or the error text for the model.
pub type ToolOutcome = Result<Value, String>;

/// What a run lets the model do.
pub struct StepRules<'a> {
    /// Whether the run was given this tool (its persona's subset).
    pub allowed: &'a (dyn Fn(&str) -> bool + Sync),
    /// The workspace's approval policy.
    pub policy: &'a Policy,
    /// The turn carries untrusted outside content.
    pub untrusted: bool,
    /// The task the run works; a call held for approval blocks it. Chat has
    /// none, so a held call is refused there.
    pub task_id: Option<Uuid>,
}

/// The key of the result of a call held for approval; the loop ends the
/// run as blocked when it sees it.
pub const AWAITING_APPROVAL: &str = "awaiting_approval";

/// Runs a tool call the model asked for, if `rules` let it.
pub async fn requested(
    journal: &mut Journal,
    registry: &Registry,
    caller: &Caller,
    rules: &StepRules<'_>,
    name: &str,
    input: Value,
) -> Result<ToolOutcome, StoreError> {
    let tool = registry.get(name).filter(|_| (rules.allowed)(name));
    let Some(tool) = tool else {
        let reason =
            format!("there is no tool {name:?} for this run; use the tools you were given");
        return refuse(journal, name, "unknown", &input, reason, "failed").await;
    };
    if !input.is_object() {
        let reason =
            format!("invalid arguments for {name}: they must be a JSON object, got {input}");
        return refuse(journal, name, "invalid", &input, reason, "failed").await;
    }
    let class = tool.class.as_str();
    match policy::decide(rules.policy, name, tool.class, &input, rules.untrusted) {
        Verdict::Run => run(journal, registry, caller, name, input).await,
        Verdict::Refuse(reason) => refuse(journal, name, class, &input, reason, "refused").await,
        Verdict::Ask => {
            let Some(task_id) = rules.task_id else {
                let reason = format!(
                    "refused: the workspace's policy needs a person's approval for {class} tools ({name}), which cannot be asked here; tell the person what you would do instead"
                );
                return refuse(journal, name, class, &input, reason, "refused").await;
            };
            match approval::decision(caller, task_id, name, &input).await? {
                Some(Decision::Approved { approval_id }) => {
                    let decided = json!({"approval": approval_id, "decision": "approved"});
                    journal.decision(name, &decided);
                    let result = run(journal, registry, caller, name, input).await?;
                    if result.is_ok() {
                        approval::mark_used(caller, approval_id).await?;
                    }
                    Ok(result)
                }
                Some(Decision::Rejected { answer }) => {
                    let reason = format!(
                        "refused: the person rejected {name} with these arguments{}; do not ask again, carry on without it",
                        answer
                            .map(|a| format!(" (they answered {a:?})"))
                            .unwrap_or_default()
                    );
                    refuse(journal, name, class, &input, reason, "refused").await
                }
                // Not asked yet, still unanswered, or approved once and
                // used: ask (again).
                Some(Decision::Pending | Decision::Used) | None => {
                    hold(journal, caller, task_id, name, class, input).await
                }
            }
        }
    }
}

/// Journals a call that does not run, and tells the model `reason`.
async fn refuse(
    journal: &mut Journal,
    name: &str,
    class: &str,
    input: &Value,
    reason: String,
    status: &str,
) -> Result<ToolOutcome, StoreError> {
    let step = journal.tool_call(name, class, input).await?;
    journal
        .tool_settled(step, status, &json!({"error": reason}), true)
        .await?;
    Ok(Err(reason))
}

/// Holds a call for approval: the task blocks on a question.
async fn hold(
    journal: &mut Journal,
    caller: &Caller,
    task_id: Uuid,
    name: &str,
    class: &str,
    input: Value,
) -> Result<ToolOutcome, StoreError> {
    let step = journal.tool_call(name, class, &input).await?;
    match approval::hold(caller, task_id, name, class, &input).await {
        Ok(question_id) => {
            let held = json!({AWAITING_APPROVAL: true, "question_id": question_id,
                "note": "the call was not applied: it waits for the person's approval, and the task is blocked on the question"});
            journal
                .tool_settled(step, AWAITING_APPROVAL, &held, false)
                .await?;
            Ok(Ok(held))
        }
        Err(e) => {
            let reason = format!("{name} needs a person's approval, but asking failed: {e}");
            journal
                .tool_settled(step, "failed", &json!({"error": reason}), true)
                .await?;
            Ok(Err(reason))
        }
    }
}

/// Runs registry tool `name` with `args`, journaled: a write's step before
/// it runs, a read's once it has answered.
pub async fn run(
    journal: &mut Journal,
    registry: &Registry,
    caller: &Caller,
    name: &str,
    args: Value,
) -> Result<ToolOutcome, StoreError> {
    let class = registry.get(name).map_or(ToolClass::Admin, |t| t.class);
    if class == ToolClass::Read {
        // Nothing to revert or to find half-done after a crash: one step,
        // written with its result.
        let result = registry
            .call(caller, name, args.clone())
            .await
            .map_err(|e| e.to_string());
        journal.read_call(name, &args, &result);
        return Ok(result);
    }
    let step = journal.tool_call(name, class.as_str(), &args).await?;
    let result = registry
        .call(caller, name, args)
        .await
        .map_err(|e| e.to_string());
    journal.tool_result(step, &result).await?;
    Ok(result)
}
