//! `agent_checks`: what the last proactive check of each user saw (the
//! newest audited change then), and the audit log's newest change that was
//! not the agent's own bookkeeping, which the check compares it with.

use crate::{Change, Db, StoreError, Tx};
use chief_domain::TenantId;
use serde_json::json;
use uuid::Uuid;

/// Audit entity types that are the agent's own bookkeeping, not changes
/// in the workspace.
const BOOKKEEPING: &str = "'agent_run', 'agent_check', 'agent_approval'";

/// The sequence number of the tenant's newest audited change that was not
/// bookkeeping, or 0 when there is none.
pub async fn latest_change(db: &Db, tenant: TenantId) -> Result<i64, StoreError> {
    let row = db
        .fetch_optional(
            &format!(
                "SELECT seq FROM logs WHERE tenant_id = $1 AND entity_type NOT IN ({BOOKKEEPING}) \
                 ORDER BY seq DESC LIMIT 1"
            ),
            &[tenant.into()],
        )
        .await?;
    row.map_or(Ok(0), |r| r.int("seq"))
}

/// What the last check of `user` saw, if any.
pub async fn last_seen(db: &Db, tenant: TenantId, user: Uuid) -> Result<Option<i64>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT seen_seq FROM agent_checks WHERE tenant_id = $1 AND user_id = $2",
            &[tenant.into(), user.into()],
        )
        .await?;
    row.map(|r| r.int("seen_seq")).transpose()
}

/// Remembers, audited, that a check of `user` saw `seq`.
pub async fn mark_seen(tx: &mut Tx, user: Uuid, seq: i64) -> Result<(), StoreError> {
    let now = tx.now();
    let args = [tx.tenant().into(), user.into(), seq.into(), now.into()];
    let updated = tx
        .execute(
            "UPDATE agent_checks SET seen_seq = $3, checked_at = $4 WHERE tenant_id = $1 AND user_id = $2",
            &args,
        )
        .await?;
    if updated == 0 {
        tx.execute(
            "INSERT INTO agent_checks (tenant_id, user_id, seen_seq, checked_at) VALUES ($1, $2, $3, $4)",
            &args,
        )
        .await?;
    }
    tx.audit(Change {
        action: "agent_check.recorded".into(),
        entity_type: "agent_check",
        entity_id: user,
        details: json!({"seen_seq": seq}),
    })
    .await?;
    Ok(())
}
