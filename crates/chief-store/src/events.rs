//! Reading the outbox: the domain events written with every audited change,
//! in the tenant's sequence order, so a stream can resume after the last id
//! it saw.

use crate::{Db, StoreError};
use chief_domain::TenantId;
use chief_domain::event::DomainEvent;

/// Events after `after_seq`, oldest first.
pub async fn since(
    db: &Db,
    tenant: TenantId,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<DomainEvent>, StoreError> {
    db.fetch_all(
        "SELECT seq, event_type, entity_type, entity_id, payload, created_at FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        &[tenant.into(), after_seq.into(), limit.clamp(1, 10_000).into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(DomainEvent {
            seq: r.int("seq")?,
            event_type: r.text("event_type")?,
            entity_type: r.opt_text("entity_type")?,
            entity_id: r.opt_uuid("entity_id")?,
            payload: r.json("payload")?,
            created_at: r.ts("created_at")?,
        })
    })
    .collect()
}
