//! Context assembly: what an agent should know before working on a task,
//! packed into a token budget. One definition serves `GET
//! /api/context/task/{id}` and the `context` of `GET /api/tasks/next`.
//!
//! The store gathers the candidates with bounded reads
//! (`chief_store::context_inputs`); the brain scores and packs them
//! (`chief_brain::context_assembly`). The budget is `?budget=`, else the
//! person's setting `context.token_budget`, else 4,000.

use chief_brain::context_assembly;
use chief_brain::context_budget::{DEFAULT_TOKEN_BUDGET, MAX_TOKEN_BUDGET};
use chief_brain::context_items::AssembledContext;
use chief_brain::playbook_match::PlaybookMatch;
use chief_domain::TenantId;
use chief_domain::task::Task;
use chief_store::{Db, StoreError, context_inputs, setting};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The setting holding a person's default budget.
pub const BUDGET_KEY: &str = "context.token_budget";

/// Refuses a requested budget outside 1 to 200,000.
pub fn check_budget(requested: Option<i64>) -> Result<(), StoreError> {
    match requested {
        Some(b) if !(1..=MAX_TOKEN_BUDGET as i64).contains(&b) => Err(StoreError::invalid(
            "budget",
            format!("must be 1 to {MAX_TOKEN_BUDGET} tokens, not {b}"),
        )),
        _ => Ok(()),
    }
}

/// The budget for this request: `requested`, else the person's setting,
/// else the default. A requested budget outside 1 to 200,000 is refused; a
/// setting outside it is ignored.
pub async fn budget(
    db: &Db,
    tenant: TenantId,
    user: Uuid,
    requested: Option<i64>,
) -> Result<usize, StoreError> {
    let range = 1..=MAX_TOKEN_BUDGET as i64;
    if let Some(b) = requested {
        check_budget(requested)?;
        return Ok(b as usize);
    }
    let set = setting::get(db, tenant, Some(user), BUDGET_KEY).await?;
    Ok(set
        .and_then(|s| s.value.as_i64())
        .filter(|b| range.contains(b))
        .map_or(DEFAULT_TOKEN_BUDGET, |b| b as usize))
}

/// Assembles `task`'s context within `budget` tokens, with the playbooks
/// it calls for (`found`, from `task_playbooks::matched_for`).
pub async fn assemble(
    db: &Db,
    tenant: TenantId,
    task: &Task,
    found: &PlaybookMatch<'_>,
    budget: usize,
    now: DateTime<Utc>,
) -> Result<AssembledContext, StoreError> {
    let inputs = context_inputs::gather(db, tenant, task).await?;
    Ok(context_assembly::assemble(task, inputs, found, budget, now))
}
