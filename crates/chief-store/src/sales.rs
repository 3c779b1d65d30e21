//! The sales repository: a pipeline of deals (opportunities) by stage.
//!
//! A deal moves forward one stage at a time with [`advance`], or drops out
//! with [`lose`]; reaching `closed_won` or `closed_lost` stamps `closed_at`
//! and ends its movement. Every change is audited (`sales.created`,
//! `sales.updated`, `sales.stage_changed`) in the same transaction.

use crate::conn::{Conn, by_id};
use crate::fields::{check_text, clean_name, snapshot};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx};
use chief_domain::event::{action, verb};
use chief_domain::sales::{NewSalesOpportunity, SalesOpportunity, SalesPatch, SalesStage};
use chief_domain::{TenantId, TransitionError};
use uuid::Uuid;

const COLUMNS: &str = "id, tenant_id, user_id, client_id, name, description, stage, value_cents, probability, expected_close_date, last_activity, next_action, next_action_date, notes, created_at, updated_at, closed_at";

fn from_row(r: &Row) -> Result<SalesOpportunity, StoreError> {
    Ok(SalesOpportunity {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        client_id: r.opt_uuid("client_id")?,
        name: r.text("name")?,
        description: r.opt_text("description")?,
        stage: r.parse("stage")?,
        value_cents: r.opt_int("value_cents")?,
        probability: r.opt_int("probability")?,
        expected_close_date: r.opt_date("expected_close_date")?,
        last_activity: r.opt_ts("last_activity")?,
        next_action: r.opt_text("next_action")?,
        next_action_date: r.opt_date("next_action_date")?,
        notes: r.opt_text("notes")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
        closed_at: r.opt_ts("closed_at")?,
    })
}

fn check_value(value_cents: Option<i64>) -> Result<(), StoreError> {
    if value_cents.is_some_and(|v| v < 0) {
        return Err(StoreError::invalid("value_cents", "must not be negative"));
    }
    Ok(())
}

fn check_probability(probability: Option<i64>) -> Result<(), StoreError> {
    if probability.is_some_and(|p| !(0..=100).contains(&p)) {
        return Err(StoreError::invalid("probability", "must be 0 to 100"));
    }
    Ok(())
}

/// Adds a deal for `user_id`; it starts as a lead unless `new.stage` says
/// otherwise.
pub async fn create(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewSalesOpportunity,
) -> Result<SalesOpportunity, StoreError> {
    let name = clean_name(&new.name)?;
    check_value(new.value_cents)?;
    check_probability(new.probability)?;
    for (field, text) in [
        ("description", &new.description),
        ("next_action", &new.next_action),
        ("notes", &new.notes),
    ] {
        check_text(field, text)?;
    }
    if let Some(client) = new.client_id {
        crate::task::ensure_in_tenant(tx, "clients", "client", client).await?;
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    let stage = new.stage.unwrap_or(SalesStage::Lead);
    let closed_at = stage.is_closed().then_some(now);
    tx.execute(
        "INSERT INTO sales_opportunities (id, tenant_id, user_id, client_id, name, description, stage, value_cents, probability, expected_close_date, next_action, next_action_date, notes, created_at, updated_at, closed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            new.client_id.into(),
            name.into(),
            new.description.clone().into(),
            stage.as_str().into(),
            new.value_cents.into(),
            new.probability.into(),
            new.expected_close_date.into(),
            new.next_action.clone().into(),
            new.next_action_date.into(),
            new.notes.clone().into(),
            now.into(),
            closed_at.into(),
        ],
    )
    .await?;
    let deal = get(&mut *tx, tenant, id).await?;
    tx.audit_new("sales", verb::CREATED, "sales_opportunity", &deal, id)
        .await?;
    Ok(deal)
}

/// A deal of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<SalesOpportunity, StoreError> {
    from_row(
        &by_id(
            conn.into(),
            "sales_opportunities",
            COLUMNS,
            "",
            "opportunity",
            tenant,
            id,
        )
        .await?,
    )
}

/// Deals in `stage` (all when `None`), oldest first.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    stage: Option<SalesStage>,
) -> Result<Vec<SalesOpportunity>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM sales_opportunities WHERE tenant_id = $1 AND ($2 IS NULL OR stage = $2) ORDER BY created_at, id"),
        &[tenant.into(), stage.map(|s| s.as_str()).into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Changes a deal's details; an empty patch writes nothing.
pub async fn update(
    tx: &mut Tx,
    id: Uuid,
    patch: SalesPatch,
) -> Result<SalesOpportunity, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = clean_name(&name)?;
    }
    if let Some(description) = patch.description {
        check_text("description", &description)?;
        after.description = description;
    }
    if let Some(value_cents) = patch.value_cents {
        check_value(value_cents)?;
        after.value_cents = value_cents;
    }
    if let Some(probability) = patch.probability {
        check_probability(probability)?;
        after.probability = probability;
    }
    if let Some(date) = patch.expected_close_date {
        after.expected_close_date = date;
    }
    if let Some(next_action) = patch.next_action {
        check_text("next_action", &next_action)?;
        after.next_action = next_action;
    }
    if let Some(date) = patch.next_action_date {
        after.next_action_date = date;
    }
    if let Some(notes) = patch.notes {
        check_text("notes", &notes)?;
        after.notes = notes;
    }
    let changes = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    let now = tx.now();
    tx.execute(
        "UPDATE sales_opportunities SET name = $3, description = $4, value_cents = $5, probability = $6, expected_close_date = $7, \
         next_action = $8, next_action_date = $9, notes = $10, last_activity = $11, updated_at = $11 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            after.name.as_str().into(),
            after.description.clone().into(),
            after.value_cents.into(),
            after.probability.into(),
            after.expected_close_date.into(),
            after.next_action.clone().into(),
            after.next_action_date.into(),
            after.notes.clone().into(),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("sales", verb::UPDATED),
        entity_type: "sales_opportunity",
        entity_id: id,
        details: changes,
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// Moves an open deal to its next stage; reaching `closed_won` closes it.
pub async fn advance(tx: &mut Tx, id: Uuid) -> Result<SalesOpportunity, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let next = before.stage.advance()?;
    move_to(tx, before, next).await
}

/// Marks an open deal lost; closed deals stay as they are.
pub async fn lose(tx: &mut Tx, id: Uuid) -> Result<SalesOpportunity, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    if before.stage.is_closed() {
        return Err(TransitionError {
            entity: "opportunity",
            from: before.stage.as_str(),
            operation: "lose",
            hint: " (it is closed)",
        }
        .into());
    }
    move_to(tx, before, SalesStage::ClosedLost).await
}

async fn move_to(
    tx: &mut Tx,
    before: SalesOpportunity,
    next: SalesStage,
) -> Result<SalesOpportunity, StoreError> {
    let now = tx.now();
    let tenant = tx.tenant();
    let closed_at = next.is_closed().then_some(now);
    tx.execute(
        "UPDATE sales_opportunities SET stage = $3, closed_at = $4, last_activity = $5, updated_at = $5 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            before.id.into(),
            next.as_str().into(),
            closed_at.into(),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("sales", "stage_changed"),
        entity_type: "sales_opportunity",
        entity_id: before.id,
        details: serde_json::json!({"stage": {"before": before.stage, "after": next}, "closed_at": closed_at}),
    })
    .await?;
    get(&mut *tx, tenant, before.id).await
}
