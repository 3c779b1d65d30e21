//! What the trigger dispatcher keeps: the firings of each trigger, the
//! leases and cursors of event triggers, what caused an event, and the
//! marks that make a time-based event fire once.
//!
//! Exactly once: an event trigger is leased to one instance at a time
//! ([`claim_event_triggers`], `FOR UPDATE SKIP LOCKED` on PostgreSQL), and
//! the `idx_trigger_firings_once` unique index refuses a second firing of
//! one trigger on one event whatever happens to the leases. A firing is
//! recorded in the same transaction as what its action wrote.
//!
//! Causation: every firing's writes are audited under the firing's own
//! trace id, so the firing behind an event is found from the event's trace,
//! from the trace that created the event's entity (a task a trigger made
//! that later falls overdue), or from `caused_by_firing` in its payload (a
//! webhook that one of our deliveries sent back to us).

use crate::conn::{Conn, claim_leases};
use crate::value::Row;
use crate::{Backend, Db, Listing, Page, StoreError, Tx, Value, conn::page_of};
use chief_domain::TenantId;
use chief_domain::event::DomainEvent;
use chief_domain::trigger::{Firing, FiringStatus, Trigger, TriggerEvent};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

const COLUMNS: &str = "id, tenant_id, trigger_id, cause, event_seq, event_type, status, output, error, chain, trace_id, created_at";

/// The longest output or error kept.
const MAX_OUTPUT: usize = 8 * 1024;

fn from_row(r: &Row) -> Result<Firing, StoreError> {
    Ok(Firing {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        trigger_id: r.uuid("trigger_id")?,
        cause: r.text("cause")?,
        event_seq: r.opt_int("event_seq")?,
        event_type: r.opt_text("event_type")?,
        status: r.parse("status")?,
        output: r.opt_text("output")?,
        error: r.opt_text("error")?,
        chain: r.json_as("chain")?,
        trace_id: r.text("trace_id")?,
        created_at: r.ts("created_at")?,
    })
}

/// Leases enabled event triggers that have events after their cursor, at
/// most `limit`, across tenants.
pub async fn claim_event_triggers(
    db: &Db,
    instance: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Trigger>, StoreError> {
    let enabled = match db.backend() {
        Backend::Postgres => "enabled",
        Backend::Sqlite => "enabled = 1",
    };
    let filter = format!(
        "{enabled} AND event IS NOT NULL AND cursor < COALESCE((SELECT MAX(e.seq) FROM events e WHERE e.tenant_id = triggers.tenant_id), 0)"
    );
    claim_leases(
        db,
        "triggers",
        crate::trigger::COLUMNS,
        "created_at",
        &filter,
        instance,
        now,
        lease,
        limit,
        crate::trigger::from_row,
    )
    .await
}

/// Gives back an event trigger's lease, its cursor moved to `cursor` (never
/// backwards).
pub async fn release(db: &Db, t: &Trigger, instance: &str, cursor: i64) -> Result<(), StoreError> {
    let mut tx = db.bookkeeping().await?;
    tx.execute(
        "UPDATE triggers SET cursor = CASE WHEN cursor > $4 THEN cursor ELSE $4 END, lease_owner = NULL, lease_expires_at = NULL \
         WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3",
        &[t.tenant_id.into(), t.id.into(), instance.into(), cursor.into()],
    )
    .await?;
    tx.commit().await
}

/// The events after `after` (up to `head`) that `t` waits for, oldest
/// first: its own webhook's only, for a `webhook.received` trigger.
pub async fn pending_events(
    db: &Db,
    t: &Trigger,
    after: i64,
    head: i64,
    limit: i64,
) -> Result<Vec<DomainEvent>, StoreError> {
    let Some(event) = t.event else {
        return Ok(Vec::new());
    };
    let mut args: Vec<Value> = vec![
        t.tenant_id.into(),
        after.into(),
        head.into(),
        event.as_str().into(),
        limit.into(),
    ];
    let own = if event == TriggerEvent::WebhookReceived {
        args.push(t.id.into());
        " AND entity_id = $6"
    } else {
        ""
    };
    db.fetch_all(
        &format!(
            "SELECT seq, event_type, entity_type, entity_id, payload, created_at FROM events \
             WHERE tenant_id = $1 AND seq > $2 AND seq <= $3 AND event_type = $4{own} ORDER BY seq LIMIT $5"
        ),
        &args,
    )
    .await?
    .iter()
    .map(crate::events::from_row)
    .collect()
}

/// A firing about to be recorded.
#[derive(Clone, Debug)]
pub struct NewFiring<'a> {
    pub id: Uuid,
    pub trigger: &'a Trigger,
    pub cause: &'a str,
    pub event: Option<&'a DomainEvent>,
    pub status: FiringStatus,
    pub output: Option<String>,
    pub error: Option<String>,
    pub chain: &'a [Uuid],
}

/// Records a firing in `tx` under its trace id, counts it on the trigger
/// and moves an event trigger's cursor past its event. `None` when this
/// trigger already fired on this event: the caller must then write
/// nothing.
pub async fn record(tx: &mut Tx, f: NewFiring<'_>) -> Result<Option<Firing>, StoreError> {
    let (tenant, now) = (tx.tenant(), tx.now());
    let trace = tx
        .trace_id()
        .ok_or_else(|| StoreError::invalid("trace_id", "a firing needs a trace"))?
        .to_string();
    let on_conflict = match tx.backend() {
        Backend::Postgres => {
            " ON CONFLICT (trigger_id, event_seq) WHERE event_seq IS NOT NULL DO NOTHING"
        }
        Backend::Sqlite => " ON CONFLICT DO NOTHING",
    };
    let inserted = tx
        .execute(
            &format!("INSERT INTO trigger_firings ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12){on_conflict}"),
            &[
                f.id.into(),
                tenant.into(),
                f.trigger.id.into(),
                f.cause.into(),
                f.event.map(|e| e.seq).into(),
                f.event.map(|e| e.event_type.clone()).into(),
                f.status.as_str().into(),
                f.output.map(|o| crate::fields::clip(&o, MAX_OUTPUT)).into(),
                f.error.map(|e| crate::fields::clip(&e, MAX_OUTPUT)).into(),
                Value::json(&f.chain),
                trace.into(),
                now.into(),
            ],
        )
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    let fired = f.status == FiringStatus::Fired;
    tx.execute(
        "UPDATE triggers SET fire_count = fire_count + $3, last_fired_at = CASE WHEN $3 = 1 THEN $4 ELSE last_fired_at END, \
         cursor = CASE WHEN cursor > $5 THEN cursor ELSE $5 END WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            f.trigger.id.into(),
            i64::from(fired).into(),
            now.into(),
            f.event.map_or(0, |e| e.seq).into(),
        ],
    )
    .await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM trigger_firings WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), f.id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("firing", f.id))?;
    from_row(&row).map(Some)
}

/// A trigger's firings, newest first.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    trigger_id: Uuid,
    page: Page,
) -> Result<Listing<Firing>, StoreError> {
    page_of(
        db,
        "trigger_firings",
        COLUMNS,
        "tenant_id = $1 AND trigger_id = $2",
        vec![tenant.into(), trigger_id.into()],
        "created_at DESC, id DESC",
        page,
        from_row,
    )
    .await
}

/// How many times `trigger_id` fired since `since`.
pub async fn fired_since(
    db: &Db,
    tenant: TenantId,
    trigger_id: Uuid,
    since: DateTime<Utc>,
) -> Result<i64, StoreError> {
    db.fetch_optional(
        "SELECT COUNT(*) AS n FROM trigger_firings WHERE tenant_id = $1 AND trigger_id = $2 AND created_at >= $3 AND status = 'fired'",
        &[tenant.into(), trigger_id.into(), since.into()],
    )
    .await?
    .map_or(Ok(0), |r| r.int("n"))
}

/// The tenant's firings recorded under `trace`, oldest first.
pub async fn in_trace(db: &Db, tenant: TenantId, trace: &str) -> Result<Vec<Firing>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM trigger_firings WHERE tenant_id = $1 AND trace_id = $2 ORDER BY created_at, id"
        ),
        &[tenant.into(), trace.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

async fn by_trace(
    mut conn: Conn<'_>,
    tenant: TenantId,
    trace: &str,
) -> Result<Option<Firing>, StoreError> {
    conn.fetch_optional(
        &format!(
            "SELECT {COLUMNS} FROM trigger_firings WHERE tenant_id = $1 AND trace_id = $2 LIMIT 1"
        ),
        &[tenant.into(), trace.into()],
    )
    .await?
    .map(|r| from_row(&r))
    .transpose()
}

/// The firing whose delivery `delivery_id` is, if a trigger sent it: how a
/// webhook we receive is traced back to one we sent.
pub async fn of_delivery(
    db: &Db,
    tenant: TenantId,
    delivery_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT dedupe_key FROM deliveries WHERE tenant_id = $1 AND id = $2",
            &[tenant.into(), delivery_id.into()],
        )
        .await?;
    Ok(row
        .and_then(|r| r.opt_text("dedupe_key").ok().flatten())
        .and_then(|k| k.strip_prefix(DEDUPE_PREFIX).and_then(|id| id.parse().ok())))
}

/// The dedupe key a firing's notices carry: `trigger:{firing id}`.
pub const DEDUPE_PREFIX: &str = "trigger:";

/// The firing that caused `event`, if one did: by the event's trace, by
/// `caused_by_firing` in its payload, or by the trace that created its
/// entity.
pub async fn cause_of(
    db: &Db,
    tenant: TenantId,
    event: &DomainEvent,
) -> Result<Option<Firing>, StoreError> {
    if let Some(trace) = event.payload["trace_id"].as_str()
        && let Some(f) = by_trace(db.into(), tenant, trace).await?
    {
        return Ok(Some(f));
    }
    if let Some(id) = event.payload["changes"]["caused_by_firing"]
        .as_str()
        .and_then(|s| s.parse::<Uuid>().ok())
    {
        let row = db
            .fetch_optional(
                &format!("SELECT {COLUMNS} FROM trigger_firings WHERE tenant_id = $1 AND id = $2"),
                &[tenant.into(), id.into()],
            )
            .await?;
        if let Some(r) = row {
            return from_row(&r).map(Some);
        }
    }
    let (Some(kind), Some(id)) = (&event.entity_type, event.entity_id) else {
        return Ok(None);
    };
    let created = db
        .fetch_optional(
            "SELECT trace_id FROM logs WHERE tenant_id = $1 AND entity_type = $2 AND entity_id = $3 ORDER BY seq LIMIT 1",
            &[tenant.into(), kind.as_str().into(), id.into()],
        )
        .await?;
    match created.and_then(|r| r.opt_text("trace_id").ok().flatten()) {
        Some(trace) => by_trace(db.into(), tenant, &trace).await,
        None => Ok(None),
    }
}

/// Marks `mark` as seen in `tx`'s tenant; whether it was new. What makes
/// `task.overdue` and `waiting.overdue` happen once per item and date.
pub async fn mark_once(tx: &mut Tx, mark: &str) -> Result<bool, StoreError> {
    let inserted = tx
        .execute(
            "INSERT INTO event_marks (tenant_id, mark, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[tx.tenant().into(), mark.into(), tx.now().into()],
        )
        .await?;
    Ok(inserted == 1)
}
