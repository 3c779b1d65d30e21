//! `agent_token_days`: one count per tenant and UTC day of the model
//! tokens its agent runs and chat turns used, which the daily budget is
//! checked against.

use crate::{Db, StoreError, Tx};
use chief_domain::TenantId;
use chrono::{DateTime, Utc};

/// The UTC day `now` falls on, as `agent_token_days` keys it.
fn day_of(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%d").to_string()
}

/// The tenant's model tokens (input plus output) on `now`'s UTC day: one
/// lookup of the count each model call's journal step adds to.
pub async fn tokens_on_day(
    db: &Db,
    tenant: TenantId,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT tokens FROM agent_token_days WHERE tenant_id = $1 AND day = $2",
            &[tenant.into(), day_of(now).into()],
        )
        .await?;
    let used = row.map_or(Ok(0), |r| r.int("tokens"))?;
    Ok(u64::try_from(used).unwrap_or(0))
}

/// Adds a model call's `tokens` to its workspace's count for `now`'s day,
/// in the transaction that journals the call.
pub async fn add(tx: &mut Tx, now: DateTime<Utc>, tokens: u64) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO agent_token_days (tenant_id, day, tokens) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, day) DO UPDATE SET tokens = agent_token_days.tokens + excluded.tokens",
        &[
            tenant.into(),
            day_of(now).into(),
            i64::try_from(tokens).unwrap_or(i64::MAX).into(),
        ],
    )
    .await?;
    Ok(())
}
