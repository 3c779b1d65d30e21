//! An inbound webhook, received for a `webhook.received` trigger: its body
//! is kept, as untrusted data, in a `webhook.received` event that the
//! trigger dispatcher fires the trigger on. Finding the trigger by its
//! token and reading the body are the HTTP edge's.

use chief_domain::log::Actor;
use chief_domain::trigger::Trigger;
use chief_store::{Change, Db, Scope, StoreError, new_trace_id, trigger_firing};
use serde_json::{Value, json};
use uuid::Uuid;

/// Records `payload` for trigger `t` as the system, under a new trace id;
/// a `webhook_id` of one of our own deliveries traces it to the firing
/// that sent it, so a trigger that calls its own URL is caught as a loop.
/// Returns the event's sequence number.
pub async fn receive(
    db: &Db,
    t: &Trigger,
    payload: Value,
    content_type: &str,
    webhook_id: Option<Uuid>,
) -> Result<i64, StoreError> {
    let caused_by = match webhook_id {
        Some(delivery) => trigger_firing::of_delivery(db, t.tenant_id, delivery).await?,
        None => None,
    };
    let scope = Scope {
        tenant: t.tenant_id,
        actor: Actor::system(),
        trace_id: Some(new_trace_id()),
        now: None,
    };
    let mut tx = db.write(&scope).await?;
    let seq = tx
        .audit(Change {
            action: "webhook.received".into(),
            entity_type: "trigger",
            entity_id: t.id,
            details: json!({
                "payload": payload,
                "content_type": content_type,
                "untrusted": true,
                "caused_by_firing": caused_by,
            }),
        })
        .await?;
    tx.commit().await?;
    Ok(seq)
}
