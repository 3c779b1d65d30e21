//! The per-day token budget: every model call of a tenant's agent runs and
//! chat turns since the start of the UTC day counts against the policy's
//! `daily_token_budget`, kept as one count per day (`agent_token_days`).
//! Callers check before each model call and stop hard once it is spent.

use crate::policy::Policy;
use chief_domain::TenantId;
use chief_store::agent::token_day;
use chief_store::{Db, StoreError};
use chrono::{DateTime, Utc};

/// Why no model call may be made now, if the day's budget is spent.
pub async fn day_spent(
    db: &Db,
    tenant: TenantId,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let used = token_day::tokens_on_day(db, tenant, now).await?;
    Ok((used >= policy.daily_token_budget).then(|| {
        format!(
            "stopped: the workspace's agents used {used} tokens today, at or over the daily budget of {} (`chief agent policy set daily_token_budget N` raises it)",
            policy.daily_token_budget
        )
    }))
}
