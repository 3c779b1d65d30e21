//! The per-day token budget: every model call of a tenant's agent runs and
//! chat turns since the start of the UTC day counts against the policy's
//! `daily_token_budget`. Callers check before each model call and stop hard
//! once it is spent.

use crate::policy::Policy;
use chief_domain::TenantId;
use chief_store::{Db, StoreError};
use chrono::{DateTime, Utc};

/// The tenant's model tokens (input plus output) since `now`'s UTC midnight.
pub async fn tokens_today(
    db: &Db,
    tenant: TenantId,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let midnight = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let row = db
        .fetch_optional(
            "SELECT CAST(COALESCE(SUM(input_tokens + output_tokens), 0) AS BIGINT) AS used \
             FROM agent_steps WHERE tenant_id = $1 AND kind = 'model_call' AND created_at >= $2",
            &[tenant.into(), midnight.into()],
        )
        .await?;
    let used = row.map_or(Ok(0), |r| r.int("used"))?;
    Ok(u64::try_from(used).unwrap_or(0))
}

/// Why no model call may be made now, if the day's budget is spent.
pub async fn day_spent(
    db: &Db,
    tenant: TenantId,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let used = tokens_today(db, tenant, now).await?;
    Ok((used >= policy.daily_token_budget).then(|| {
        format!(
            "stopped: the workspace's agents used {used} tokens today, at or over the daily budget of {} (`chief agent policy set daily_token_budget N` raises it)",
            policy.daily_token_budget
        )
    }))
}
