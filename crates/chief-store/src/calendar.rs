//! The calendar repository: events entered by hand, imported or
//! subscribed, read back by time range for the daily plan.
//!
//! Changes are audited (`calendar.created`, `calendar.deleted`) in the same
//! transaction.

use crate::conn::{Conn, by_id};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx};
use chief_domain::TenantId;
use chief_domain::calendar::{CalendarEvent, CalendarSource, NewCalendarEvent};
use chief_domain::event::{action, verb};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, title, description, location, starts_at, ends_at, all_day, source, external_uid, created_at, updated_at";

pub(crate) fn from_row(r: &Row) -> Result<CalendarEvent, StoreError> {
    Ok(CalendarEvent {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        title: r.text("title")?,
        description: r.opt_text("description")?,
        location: r.opt_text("location")?,
        starts_at: r.ts("starts_at")?,
        ends_at: r.opt_ts("ends_at")?,
        all_day: r.bool("all_day")?,
        source: r.parse("source")?,
        external_uid: r.opt_text("external_uid")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// Adds an event to `user_id`'s calendar; it must not end before it starts.
pub async fn create(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewCalendarEvent,
) -> Result<CalendarEvent, StoreError> {
    let title = new.title.trim();
    if title.is_empty() || title.contains('\0') {
        return Err(StoreError::invalid("title", "must not be empty"));
    }
    if new.ends_at.is_some_and(|end| end < new.starts_at) {
        return Err(StoreError::invalid(
            "ends_at",
            "must not be before starts_at",
        ));
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    let source = new.source.unwrap_or(CalendarSource::Manual);
    tx.execute(
        "INSERT INTO calendar_events (id, tenant_id, user_id, title, description, location, starts_at, ends_at, all_day, source, external_uid, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            title.into(),
            new.description.clone().into(),
            new.location.clone().into(),
            new.starts_at.into(),
            new.ends_at.into(),
            new.all_day.into(),
            source.as_str().into(),
            new.external_uid.clone().into(),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("calendar", verb::CREATED),
        entity_type: "calendar_event",
        entity_id: id,
        details: serde_json::json!({"title": title, "starts_at": new.starts_at, "ends_at": new.ends_at, "source": source}),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// A calendar event of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<CalendarEvent, StoreError> {
    from_row(
        &by_id(
            conn.into(),
            "calendar_events",
            COLUMNS,
            "",
            "calendar event",
            tenant,
            id,
        )
        .await?,
    )
}

/// Events that overlap `[from, to)`, by start time: those starting in it and
/// those that started earlier and are still running at `from`.
pub async fn list_between(
    db: &Db,
    tenant: TenantId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalendarEvent>, StoreError> {
    if to < from {
        return Err(StoreError::invalid("to", "must not be before from"));
    }
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM calendar_events WHERE tenant_id = $1 AND starts_at < $3 AND (starts_at >= $2 OR ends_at > $2) ORDER BY starts_at, id"),
        &[tenant.into(), from.into(), to.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// At most `limit` of `user_id`'s events starting in `[from, to)`, by
/// start time: the dashboard's week ahead.
pub async fn upcoming_for_user(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<CalendarEvent>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM calendar_events WHERE tenant_id = $1 AND user_id = $2 AND starts_at >= $3 AND starts_at < $4 ORDER BY starts_at, id LIMIT $5"),
        &[tenant.into(), user_id.into(), from.into(), to.into(), limit.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Removes an event.
pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let event = get(&mut *tx, tenant, id).await?;
    tx.execute(
        "DELETE FROM calendar_events WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("calendar", verb::DELETED),
        entity_type: "calendar_event",
        entity_id: id,
        details: serde_json::json!({"title": event.title, "starts_at": event.starts_at}),
    })
    .await?;
    Ok(())
}
