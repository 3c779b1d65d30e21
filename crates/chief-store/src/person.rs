//! The people repository: contacts and their relationship context.

use crate::conn::{Conn, by_id};
use crate::fields::clean_name;
use crate::value::Row;
use crate::{Db, StoreError, Tx, Value};
use chief_domain::event::verb;
use chief_domain::person::{NewPerson, Person};
use chief_domain::{TenantId, new_id};
use uuid::Uuid;

const COLUMNS: &str = "id, tenant_id, user_id, client_id, name, email, phone, title, company, relationship, relationship_to_user, political_context, communication_notes, last_contact, next_follow_up, context_notes, metadata, created_at, updated_at";

fn from_row(r: &Row) -> Result<Person, StoreError> {
    Ok(Person {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        client_id: r.opt_uuid("client_id")?,
        name: r.text("name")?,
        email: r.opt_text("email")?,
        phone: r.opt_text("phone")?,
        title: r.opt_text("title")?,
        company: r.opt_text("company")?,
        relationship: r.opt_text("relationship")?,
        relationship_to_user: r.opt_text("relationship_to_user")?,
        political_context: r.opt_text("political_context")?,
        communication_notes: r.opt_text("communication_notes")?,
        last_contact: r.opt_ts("last_contact")?,
        next_follow_up: r.opt_ts("next_follow_up")?,
        context_notes: r.opt_text("context_notes")?,
        metadata: r.json("metadata")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// Adds a person.
pub async fn create(tx: &mut Tx, user_id: Uuid, new: NewPerson) -> Result<Person, StoreError> {
    let name = clean_name(&new.name)?;
    let name = name.as_str();
    if let Some(client) = new.client_id {
        crate::task::ensure_in_tenant(tx, "clients", "client", client).await?;
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO people (id, tenant_id, user_id, client_id, name, email, phone, title, company, relationship, relationship_to_user, political_context, communication_notes, context_notes, metadata, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
        &[
            id.into(), tenant.into(), user_id.into(), new.client_id.into(), name.into(), new.email.clone().into(), new.phone.clone().into(),
            new.title.clone().into(), new.company.clone().into(), new.relationship.clone().into(), new.relationship_to_user.clone().into(),
            new.political_context.clone().into(), new.communication_notes.clone().into(), new.context_notes.clone().into(),
            Value::json(&serde_json::json!({})), now.into(),
        ],
    )
    .await?;
    let person = get(&mut *tx, tenant, id).await?;
    tx.audit_new("person", verb::CREATED, "person", &person, id)
        .await?;
    Ok(person)
}

/// A person of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Person, StoreError> {
    from_row(&by_id(conn.into(), "people", COLUMNS, "", "person", tenant, id).await?)
}

/// People whose name matches `name` exactly (ignoring case), else whose
/// name contains it.
pub async fn find_by_name(
    db: &Db,
    tenant: TenantId,
    name: &str,
) -> Result<Vec<Person>, StoreError> {
    let exact = db
        .fetch_all(&format!("SELECT {COLUMNS} FROM people WHERE tenant_id = $1 AND LOWER(name) = LOWER($2) ORDER BY name"), &[tenant.into(), name.into()])
        .await?;
    let rows = if exact.is_empty() {
        let pattern = format!("%{}%", name.to_lowercase().replace(['%', '_'], ""));
        db.fetch_all(&format!("SELECT {COLUMNS} FROM people WHERE tenant_id = $1 AND LOWER(name) LIKE $2 ORDER BY name LIMIT 20"), &[tenant.into(), pattern.into()])
            .await?
    } else {
        exact
    };
    rows.iter().map(from_row).collect()
}

/// The tenant's people, by name.
pub async fn list(db: &Db, tenant: TenantId) -> Result<Vec<Person>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM people WHERE tenant_id = $1 ORDER BY name"),
        &[tenant.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}
