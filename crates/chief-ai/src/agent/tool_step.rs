//! The one way the agent and chat run a tool: journaled as a step before it
//! runs, then marked with its result and the audit range its write
//! produced. A call the model asked for is first checked — a tool this run
//! was not given, or arguments that are not a JSON object, are refused and
//! the reason goes back to the model.

use super::journal::Journal;
use crate::registry::{Caller, Registry, ToolClass};
use chief_store::{StoreError, audit};
use serde_json::Value;

/// A tool call's outcome: the result, or the error text for the model.
pub type ToolOutcome = Result<Value, String>;

/// Runs a tool call the model asked for, if `allowed` lets this run use
/// the tool and the arguments are an object.
pub async fn requested(
    journal: &mut Journal,
    registry: &Registry,
    caller: &Caller,
    allowed: &(dyn Fn(&str) -> bool + Sync),
    name: &str,
    input: Value,
) -> Result<ToolOutcome, StoreError> {
    let refusal = if !allowed(name) || registry.get(name).is_none() {
        Some((
            "unknown",
            format!("there is no tool {name:?} for this run; use the tools you were given"),
        ))
    } else if !input.is_object() {
        Some((
            "invalid",
            format!("invalid arguments for {name}: they must be a JSON object, got {input}"),
        ))
    } else {
        None
    };
    if let Some((class, reason)) = refusal {
        let step = journal.tool_call(name, class, &input).await?;
        let err = Err(reason);
        journal.tool_result(step, &err, (0, 0)).await?;
        return Ok(err);
    }
    run(journal, registry, caller, name, input).await
}

/// Runs registry tool `name` with `args`, journaled.
pub async fn run(
    journal: &mut Journal,
    registry: &Registry,
    caller: &Caller,
    name: &str,
    args: Value,
) -> Result<ToolOutcome, StoreError> {
    let class = registry.get(name).map_or(ToolClass::Admin, |t| t.class);
    let step = journal.tool_call(name, class.as_str(), &args).await?;
    let tenant = caller.scope.tenant;
    let before = audit::head_seq(&caller.db, tenant).await?;
    let result = registry
        .call(caller, name, args)
        .await
        .map_err(|e| e.to_string());
    let after = audit::head_seq(&caller.db, tenant).await?;
    journal.tool_result(step, &result, (before, after)).await?;
    Ok(result)
}
