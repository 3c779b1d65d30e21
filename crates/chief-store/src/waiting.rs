//! The waiting-for repository: things owed by someone outside.

use crate::conn::{Conn, by_id};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx};
use chief_domain::event::{action, verb};
use chief_domain::waiting::{NewWaitingItem, WaitingItem, WaitingStatus};
use chief_domain::{TenantId, TransitionError};
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, task_id, person_id, what, who, since, follow_up_date, why_it_matters, status, resolved_at, resolution_notes, created_at";

pub(crate) fn from_row(r: &Row) -> Result<WaitingItem, StoreError> {
    Ok(WaitingItem {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        task_id: r.opt_uuid("task_id")?,
        person_id: r.opt_uuid("person_id")?,
        what: r.text("what")?,
        who: r.opt_text("who")?,
        since: r.ts("since")?,
        follow_up_date: r.opt_ts("follow_up_date")?,
        why_it_matters: r.opt_text("why_it_matters")?,
        status: r.parse("status")?,
        resolved_at: r.opt_ts("resolved_at")?,
        resolution_notes: r.opt_text("resolution_notes")?,
        created_at: r.ts("created_at")?,
    })
}

/// Records something we are waiting for.
pub async fn create(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewWaitingItem,
) -> Result<WaitingItem, StoreError> {
    let what = new.what.trim();
    if what.is_empty() || what.contains('\0') {
        return Err(StoreError::invalid("what", "must not be empty"));
    }
    if let Some(task) = new.task_id {
        crate::task::ensure_in_tenant(tx, "tasks", "task", task).await?;
    }
    if let Some(person) = new.person_id {
        crate::task::ensure_in_tenant(tx, "people", "person", person).await?;
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO waiting_items (id, tenant_id, user_id, task_id, person_id, what, who, since, follow_up_date, why_it_matters, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'waiting', $8)",
        &[id.into(), tenant.into(), user_id.into(), new.task_id.into(), new.person_id.into(), what.into(), new.who.clone().into(), now.into(), new.follow_up_date.into(), new.why_it_matters.clone().into()],
    )
    .await?;
    tx.audit(Change {
        action: action("waiting", verb::CREATED),
        entity_type: "waiting_item",
        entity_id: id,
        details: serde_json::json!({"what": what, "who": new.who, "follow_up_date": new.follow_up_date}),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// A waiting item of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<WaitingItem, StoreError> {
    from_row(
        &by_id(
            conn.into(),
            "waiting_items",
            COLUMNS,
            "",
            "waiting item",
            tenant,
            id,
        )
        .await?,
    )
}

/// Waiting items by status (all when `None`), oldest first.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    status: Option<WaitingStatus>,
) -> Result<Vec<WaitingItem>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM waiting_items WHERE tenant_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY since"),
        &[tenant.into(), status.map(|s| s.as_str()).into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Open items whose follow-up date has passed, most overdue first.
pub async fn overdue(
    db: &Db,
    tenant: TenantId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<WaitingItem>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM waiting_items WHERE tenant_id = $1 AND status = 'waiting' AND follow_up_date < $2 ORDER BY follow_up_date"
        ),
        &[tenant.into(), crate::value::micros(now).into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Marks an item resolved, with optional notes.
pub async fn resolve(
    tx: &mut Tx,
    id: Uuid,
    notes: Option<&str>,
) -> Result<WaitingItem, StoreError> {
    let tenant = tx.tenant();
    let item = get(&mut *tx, tenant, id).await?;
    if item.status != WaitingStatus::Waiting {
        return Err(TransitionError {
            entity: "waiting item",
            from: item.status.as_str(),
            operation: "resolve",
            hint: "",
        }
        .into());
    }
    let now = tx.now();
    tx.execute(
        "UPDATE waiting_items SET status = 'resolved', resolved_at = $3, resolution_notes = $4 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), now.into(), notes.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("waiting", verb::RESOLVED),
        entity_type: "waiting_item",
        entity_id: id,
        details: serde_json::json!({"status": {"before": "waiting", "after": "resolved"}, "resolution_notes": notes}),
    })
    .await?;
    get(&mut *tx, tenant, id).await
}
