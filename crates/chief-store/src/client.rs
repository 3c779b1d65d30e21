//! The client repository: the customers and accounts people belong to.
//! Every change is audited (`client.created`, `client.updated`) in the same
//! transaction.

use crate::conn::{Conn, by_id, page_of};
use crate::fields::{check_text, clean_name, snapshot};
use crate::new_id;
use crate::search::contains_pattern;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, StoreError, Tx, Value};
use chief_domain::TenantId;
use chief_domain::client::{Client, ClientPatch, ClientStatus, NewClient};
use chief_domain::event::{action, verb};
use uuid::Uuid;

const COLUMNS: &str =
    "id, tenant_id, user_id, name, status, notes, metadata, created_at, updated_at";

fn from_row(r: &Row) -> Result<Client, StoreError> {
    Ok(Client {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        name: r.text("name")?,
        status: r.parse("status")?,
        notes: r.opt_text("notes")?,
        metadata: r.json("metadata")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// Adds a client; it starts active unless `new.status` says otherwise.
pub async fn create(tx: &mut Tx, user_id: Uuid, new: NewClient) -> Result<Client, StoreError> {
    let name = clean_name(&new.name)?;
    check_text("notes", &new.notes)?;
    let status = new.status.unwrap_or(ClientStatus::Active);
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO clients (id, tenant_id, user_id, name, status, notes, metadata, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            name.as_str().into(),
            status.as_str().into(),
            new.notes.clone().into(),
            Value::json(&serde_json::json!({})),
            now.into(),
        ],
    )
    .await?;
    let client = get(&mut *tx, tenant, id).await?;
    tx.audit_new("client", verb::CREATED, "client", &client, id)
        .await?;
    Ok(client)
}

/// A client of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Client, StoreError> {
    from_row(&by_id(conn.into(), "clients", COLUMNS, "", "client", tenant, id).await?)
}

/// The tenant's clients, by name.
pub async fn list(db: &Db, tenant: TenantId) -> Result<Vec<Client>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM clients WHERE tenant_id = $1 ORDER BY name, id"),
        &[tenant.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Clients whose name matches `name` exactly (ignoring case), else whose
/// name contains it.
pub async fn find_by_name(
    db: &Db,
    tenant: TenantId,
    name: &str,
) -> Result<Vec<Client>, StoreError> {
    let exact = db
        .fetch_all(
            &format!("SELECT {COLUMNS} FROM clients WHERE tenant_id = $1 AND LOWER(name) = LOWER($2) ORDER BY name, id"),
            &[tenant.into(), name.trim().into()],
        )
        .await?;
    let rows = if exact.is_empty() {
        let pattern = format!("%{}%", name.trim().to_lowercase().replace(['%', '_'], ""));
        db.fetch_all(
            &format!("SELECT {COLUMNS} FROM clients WHERE tenant_id = $1 AND LOWER(name) LIKE $2 ORDER BY name, id LIMIT 20"),
            &[tenant.into(), pattern.into()],
        )
        .await?
    } else {
        exact
    };
    rows.iter().map(from_row).collect()
}

/// Changes a client's name, status or notes; an empty patch writes nothing.
pub async fn update(tx: &mut Tx, id: Uuid, patch: ClientPatch) -> Result<Client, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = clean_name(&name)?;
    }
    if let Some(status) = patch.status {
        after.status = status;
    }
    if let Some(notes) = patch.notes {
        check_text("notes", &notes)?;
        after.notes = notes;
    }
    let changes = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    after.updated_at = tx.now();
    tx.execute(
        "UPDATE clients SET name = $3, status = $4, notes = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            after.name.as_str().into(),
            after.status.as_str().into(),
            after.notes.clone().into(),
            after.updated_at.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("client", verb::UPDATED),
        entity_type: "client",
        entity_id: id,
        details: changes,
    })
    .await?;
    Ok(after)
}

/// One page of the tenant's clients whose name contains `q` (any when
/// `None`), by name.
pub async fn listing(
    db: &Db,
    tenant: TenantId,
    q: Option<&str>,
    page: Page,
) -> Result<Listing<Client>, StoreError> {
    let filter = "tenant_id = $1 AND ($2 IS NULL OR LOWER(name) LIKE $2)";
    let args = vec![tenant.into(), q.map(contains_pattern).into()];
    page_of(
        db, "clients", COLUMNS, filter, args, "name, id", page, from_row,
    )
    .await
}

/// Deletes a client. Its people and deals stay, without the client; the
/// audit entry counts them.
pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let client = get(&mut *tx, tenant, id).await?;
    let now = tx.now();
    let people = tx
        .execute(
            "UPDATE people SET client_id = NULL, updated_at = $3 WHERE tenant_id = $1 AND client_id = $2",
            &[tenant.into(), id.into(), now.into()],
        )
        .await?;
    let deals = tx
        .execute(
            "UPDATE sales_opportunities SET client_id = NULL WHERE tenant_id = $1 AND client_id = $2",
            &[tenant.into(), id.into()],
        )
        .await?;
    tx.execute(
        "DELETE FROM clients WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("client", verb::DELETED),
        entity_type: "client",
        entity_id: id,
        details: serde_json::json!({"name": client.name, "detached_people": people, "detached_opportunities": deals}),
    })
    .await?;
    Ok(())
}
