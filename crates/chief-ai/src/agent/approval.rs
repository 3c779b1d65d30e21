//! Approvals: when the policy says a tool class needs a person, the call
//! is not applied; the run's task blocks on a question that says exactly
//! which tool with which arguments, and `agent_approvals` remembers that
//! call. Once the person answers, the next run of the task may apply
//! exactly that call (same tool, same canonical arguments) once if the
//! answer approves it; any other answer (or a dismissal) rejects it, and
//! the model is told.

use crate::policy::canonical;
use crate::registry::{Caller, ToolError};
use chief_app::write::in_scope;
use chief_domain::Priority;
use chief_domain::question::NewQuestion;
use chief_store::agent::approval as rows;
use chief_store::{StoreError, task};
use serde_json::Value;
use uuid::Uuid;

/// What the person decided about a held call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Not answered yet.
    Pending,
    /// Approved and not yet used: the call may run once.
    Approved { approval_id: Uuid },
    /// Approved and already run.
    Used,
    /// Rejected, with the person's answer (none when dismissed).
    Rejected { answer: Option<String> },
}

/// Whether an answer approves: it starts with yes, approve, ok, sure or go
/// ahead.
pub fn approves(answer: &str) -> bool {
    let a = answer.trim().to_lowercase();
    let first = a
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    matches!(
        first,
        "yes" | "y" | "approve" | "approved" | "ok" | "okay" | "sure"
    ) || a.starts_with("go ahead")
}

/// Blocks `task_id` on a question asking to run `tool` with `args`, and
/// records the held call, in one transaction. Returns the question's id.
pub async fn hold(
    caller: &Caller,
    task_id: Uuid,
    tool: &str,
    class: &str,
    args: &Value,
) -> Result<Uuid, ToolError> {
    let args_text = canonical(args);
    let question = NewQuestion {
        text: format!(
            "May I run {tool} with {args_text}? Answer yes to approve exactly this call; anything else rejects it."
        ),
        context: None,
        why_asking: Some(format!(
            "The workspace's approval policy says {class} tools need a person's approval before the agent runs them."
        )),
        what_agent_will_do: Some(format!(
            "If you approve, run exactly {tool} with those arguments on the task's next run; otherwise carry on without it."
        )),
        priority: Some(Priority::try_from(2).expect("2 is a priority")),
        priority_reason: None,
    };
    let tool = tool.to_string();
    caller
        .write(async |tx, _| {
            let (_, q) = task::block(tx, task_id, question).await?;
            rows::hold(tx, task_id, q.id, &tool, &args_text).await?;
            Ok(q.id)
        })
        .await
}

/// One held call of a task and its decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    pub tool: String,
    /// The canonical arguments.
    pub arguments: String,
    pub decision: Decision,
}

/// Every call held for `task_id`, oldest first, with its decision.
pub async fn for_task(caller: &Caller, task_id: Uuid) -> Result<Vec<Held>, StoreError> {
    Ok(rows::for_task(&caller.db, caller.scope.tenant, task_id)
        .await?
        .into_iter()
        .map(|r| {
            let decision = match (r.question_status.as_str(), r.answer) {
                ("unanswered", _) => Decision::Pending,
                (_, Some(a)) if approves(&a) => match r.used_at {
                    Some(_) => Decision::Used,
                    None => Decision::Approved { approval_id: r.id },
                },
                (_, answer) => Decision::Rejected { answer },
            };
            Held {
                tool: r.tool,
                arguments: r.arguments,
                decision,
            }
        })
        .collect())
}

/// The latest decision about exactly `tool` with `args` on `task_id`.
pub async fn decision(
    caller: &Caller,
    task_id: Uuid,
    tool: &str,
    args: &Value,
) -> Result<Option<Decision>, StoreError> {
    let args = canonical(args);
    Ok(for_task(caller, task_id)
        .await?
        .into_iter()
        .rev()
        .find(|h| h.tool == tool && h.arguments == args)
        .map(|h| h.decision))
}

/// Marks an approved call as run, so the approval is used once.
pub async fn mark_used(caller: &Caller, approval_id: Uuid) -> Result<(), StoreError> {
    in_scope(&caller.db, &caller.scope, async |tx| {
        rows::mark_used(tx, approval_id).await
    })
    .await
}

/// What the model is told at the start of a task's run about its held
/// calls, or `None` when there are none decided.
pub fn briefing(held: &[Held]) -> Option<String> {
    let lines: Vec<String> = held
        .iter()
        .filter_map(|h| match &h.decision {
            Decision::Approved { .. } => Some(format!(
                "- APPROVED: you may now call {} with exactly {} (once).",
                h.tool, h.arguments
            )),
            Decision::Rejected { answer } => Some(format!(
                "- REJECTED: the person did not approve {} with {}{}. Do not call it again; carry on without it.",
                h.tool,
                h.arguments,
                answer
                    .as_deref()
                    .map(|a| format!(" (they answered: {a:?})"))
                    .unwrap_or_default()
            )),
            Decision::Pending | Decision::Used => None,
        })
        .collect();
    (!lines.is_empty()).then(|| format!("## Approvals\n{}\n", lines.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::approves;

    #[test]
    fn only_a_clear_yes_approves() {
        for yes in ["yes", "Yes, go", "approve", "OK.", "go ahead please", "y"] {
            assert!(approves(yes), "{yes}");
        }
        for no in ["no", "not now", "yesterday was better", "nope", ""] {
            assert!(!approves(no), "{no}");
        }
    }
}
