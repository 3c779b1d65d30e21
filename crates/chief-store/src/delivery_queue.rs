//! The delivery worker's side of the outbox: leasing due deliveries,
//! recording each attempt with its outcome, and putting a delivery back in
//! the queue by hand.
//!
//! Like the scheduler's, the worker's bookkeeping (leases, attempts, the
//! next try) is its own history and is not audited; a person's re-delivery
//! is (`delivery.redelivered`).
//!
//! Never twice: [`claim_due`] leases due deliveries to one instance (on
//! PostgreSQL with `FOR UPDATE SKIP LOCKED`, so instances never take the
//! same row), and [`finish_attempt`] writes an outcome only while that
//! instance still holds the lease.

use crate::conn::claim_leases;
use crate::delivery::{COLUMNS, from_row, get};
use crate::fields::clip;
use crate::new_id;
use crate::{Change, Db, StoreError, Tx};
use chief_domain::TenantId;
use chief_domain::delivery::{Delivery, DeliveryAttempt, DeliveryStatus};
use chief_domain::event::{action, verb};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

const ATTEMPT_COLUMNS: &str =
    "id, tenant_id, delivery_id, attempt, started_at, duration_ms, status_code, error";

/// The longest error text kept.
const MAX_ERROR: usize = 2000;

/// What a delivery's queue looks like after an attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The target took it.
    Delivered,
    /// Try again at `at`.
    Retry { at: DateTime<Utc>, error: String },
    /// Give up: no more attempts.
    Failed { error: String },
}

/// One attempt, as the sender saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
}

/// Leases up to `limit` pending channel deliveries due at `now`, whose lease
/// is free or expired, to `instance` until `now + lease`; soonest due
/// first. Like the scheduler's claim, this reads across tenants: it hands
/// out leases, and each delivery is then handled in its own tenant.
pub async fn claim_due(
    db: &Db,
    instance: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Delivery>, StoreError> {
    claim_leases(
        db,
        "deliveries",
        COLUMNS,
        "next_attempt_at",
        "status = 'pending' AND channel_id IS NOT NULL",
        instance,
        now,
        lease,
        limit,
        from_row,
    )
    .await
}

/// Leases one pending delivery of the tenant to `instance`, whatever its
/// next try's time, unless another instance holds it: what "send it now"
/// (`chief channels test`) does. `None` when it is not pending or is taken.
pub async fn claim_one(
    db: &Db,
    tenant: TenantId,
    id: Uuid,
    instance: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Delivery>, StoreError> {
    let mut tx = db.bookkeeping().await?;
    let row = tx
        .fetch_optional(
            &format!(
                "UPDATE deliveries SET lease_owner = $3, lease_expires_at = $4 WHERE tenant_id = $1 AND id = $2 \
                 AND status = 'pending' AND channel_id IS NOT NULL \
                 AND (lease_expires_at IS NULL OR lease_expires_at < $5) RETURNING {COLUMNS}"
            ),
            &[
                tenant.into(),
                id.into(),
                instance.into(),
                (now + lease).into(),
                now.into(),
            ],
        )
        .await?;
    tx.commit().await?;
    row.map(|r| from_row(&r)).transpose()
}

/// When the worker should look next, across tenants: the soonest pending
/// delivery's next try, or the end of a lease another instance holds on one
/// already due (so a crashed holder's deliveries are picked up). `None`
/// when nothing is pending.
pub async fn next_due_at(db: &Db, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
    db.fetch_optional(
        "SELECT MIN(CASE WHEN lease_expires_at IS NOT NULL AND lease_expires_at >= $1 \
         THEN lease_expires_at ELSE next_attempt_at END) AS due \
         FROM deliveries WHERE status = 'pending' AND channel_id IS NOT NULL",
        &[now.into()],
    )
    .await?
    .map(|r| r.opt_ts("due"))
    .transpose()
    .map(Option::flatten)
}

/// Records one attempt at `d` and its outcome, and gives the lease back.
/// Returns the delivery as it now stands, or `None` when `instance` no
/// longer holds its lease (it expired and passed on, or the delivery was
/// re-queued or deleted meanwhile); nothing is written then.
pub async fn finish_attempt(
    db: &Db,
    d: &Delivery,
    instance: &str,
    attempt: &Attempt,
    outcome: &Outcome,
) -> Result<Option<Delivery>, StoreError> {
    let (status, next, error, delivered_at) = match outcome {
        Outcome::Delivered => (
            DeliveryStatus::Delivered,
            None,
            None,
            Some(attempt.started_at),
        ),
        Outcome::Retry { at, error } => (
            DeliveryStatus::Pending,
            Some(*at),
            Some(clip(error, MAX_ERROR)),
            None,
        ),
        Outcome::Failed { error } => (
            DeliveryStatus::Failed,
            None,
            Some(clip(error, MAX_ERROR)),
            None,
        ),
    };
    let mut tx = db.bookkeeping().await?;
    let moved = tx
        .execute(
            "UPDATE deliveries SET attempts = attempts + 1, status = $4, next_attempt_at = $5, \
             last_error = $6, delivered_at = $7, lease_owner = NULL, lease_expires_at = NULL \
             WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND status = 'pending'",
            &[
                d.tenant_id.into(),
                d.id.into(),
                instance.into(),
                status.as_str().into(),
                next.into(),
                error.into(),
                delivered_at.into(),
            ],
        )
        .await?;
    if moved == 0 {
        return Ok(None);
    }
    tx.execute(
        &format!("INSERT INTO delivery_attempts ({ATTEMPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
        &[
            new_id().into(),
            d.tenant_id.into(),
            d.id.into(),
            (d.attempts + 1).into(),
            attempt.started_at.into(),
            attempt.duration_ms.into(),
            attempt.status_code.into(),
            attempt.error.as_deref().map(|e| clip(e, MAX_ERROR)).into(),
        ],
    )
    .await?;
    let after = get(&mut tx, d.tenant_id, d.id).await?;
    tx.commit().await?;
    Ok(Some(after))
}

/// A delivery's attempts, oldest first.
pub async fn attempts(
    db: &Db,
    tenant: TenantId,
    delivery_id: Uuid,
) -> Result<Vec<DeliveryAttempt>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {ATTEMPT_COLUMNS} FROM delivery_attempts WHERE tenant_id = $1 AND delivery_id = $2 ORDER BY started_at, attempt, id"
        ),
        &[tenant.into(), delivery_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(DeliveryAttempt {
            id: r.uuid("id")?,
            tenant_id: r.tenant("tenant_id")?,
            delivery_id: r.uuid("delivery_id")?,
            attempt: r.int("attempt")?,
            started_at: r.ts("started_at")?,
            duration_ms: r.int("duration_ms")?,
            status_code: r.opt_int("status_code")?,
            error: r.opt_text("error")?,
        })
    })
    .collect()
}

/// Puts a failed or delivered channel copy back in the queue, due now,
/// with its attempts counted from zero; its past attempts stay in the log.
pub async fn redeliver(tx: &mut Tx, id: Uuid) -> Result<Delivery, StoreError> {
    let (tenant, now) = (tx.tenant(), tx.now());
    let before = get(&mut *tx, tenant, id).await?;
    if before.channel_id.is_none() {
        return Err(StoreError::invalid(
            "delivery",
            "is the dashboard's copy, which is not sent anywhere; re-deliver a channel's copy",
        ));
    }
    if before.status == DeliveryStatus::Pending {
        return Err(StoreError::Conflict(format!(
            "delivery {id} is still pending: attempt {} is due at {}",
            before.attempts + 1,
            before
                .next_attempt_at
                .map_or_else(|| "once".to_string(), |t| t.to_rfc3339())
        )));
    }
    tx.execute(
        "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3, last_error = NULL, \
         delivered_at = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("delivery", verb::REDELIVERED),
        entity_type: "delivery",
        entity_id: id,
        details: serde_json::json!({
            "status": [before.status, DeliveryStatus::Pending],
            "attempts": [before.attempts, 0],
        }),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}
