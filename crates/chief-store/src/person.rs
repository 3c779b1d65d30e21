//! The people repository: contacts and their relationship context.

use crate::conn::{Conn, by_id, page_of};
use crate::fields::{check_text, clean_name, snapshot};
use crate::new_id;
use crate::search::contains_pattern;
use crate::tenant_cache::TenantCache;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, StoreError, Tx, Value};
use chief_domain::TenantId;
use chief_domain::event::{action, verb};
use chief_domain::person::{NewPerson, Person, PersonPatch};

use std::collections::HashMap;
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, client_id, name, email, phone, title, company, relationship, relationship_to_user, political_context, communication_notes, last_contact, next_follow_up, context_notes, metadata, created_at, updated_at";

pub(crate) fn from_row(r: &Row) -> Result<Person, StoreError> {
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
    let aliases = crate::fields::clean_aliases(&new.aliases)?;
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
            Value::json(&serde_json::json!({"aliases": aliases})), now.into(),
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

/// One page of the tenant's people whose name contains `q` (any when
/// `None`), by name.
pub async fn listing(
    db: &Db,
    tenant: TenantId,
    q: Option<&str>,
    page: Page,
) -> Result<Listing<Person>, StoreError> {
    let filter = "tenant_id = $1 AND ($2 IS NULL OR LOWER(name) LIKE $2)";
    let args = vec![tenant.into(), q.map(contains_pattern).into()];
    page_of(
        db, "people", COLUMNS, filter, args, "name, id", page, from_row,
    )
    .await
}

/// The people who belong to a client, by name.
pub async fn for_client(
    db: &Db,
    tenant: TenantId,
    client_id: Uuid,
) -> Result<Vec<Person>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM people WHERE tenant_id = $1 AND client_id = $2 ORDER BY name, id"
        ),
        &[tenant.into(), client_id.into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The people whose full name appears in `text` as whole words, ignoring
/// case: "Call Patrick Smith" mentions Patrick Smith but not Pat. At most
/// `limit`, by name. Names are looked up in memory ([`NameIndex`], kept
/// until a person is added, renamed or removed), so the cost follows the
/// text, not the size of the workspace; only the people found are read.
pub async fn mentioned_in(
    db: &Db,
    tenant: TenantId,
    text: &str,
    limit: usize,
) -> Result<Vec<Person>, StoreError> {
    let words = words_of(text);
    if words.is_empty() || limit == 0 {
        return Ok(vec![]);
    }
    static NAMES: TenantCache<NameIndex> = TenantCache::new("people");
    let index = NAMES
        .get(db, tenant, async || NameIndex::load(db, tenant).await)
        .await?;
    let mut found: Vec<&Named> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for (name_words, person) in index.by_first_word.get(word).into_iter().flatten() {
            if words[i..].starts_with(name_words) && !found.contains(&person) {
                found.push(person);
            }
        }
    }
    found.sort();
    let mut out = Vec::new();
    for (_, id) in found.into_iter().take(limit) {
        out.push(get(db, tenant, *id).await?);
    }
    Ok(out)
}

/// A person's name and id, as mentions are sorted and read.
type Named = (String, Uuid);

/// A tenant's people by the first word of their name: each name's words
/// (lower case) with the name and id.
struct NameIndex {
    by_first_word: HashMap<String, Vec<(Vec<String>, Named)>>,
}

impl NameIndex {
    async fn load(db: &Db, tenant: TenantId) -> Result<NameIndex, StoreError> {
        let mut by_first_word: HashMap<String, Vec<_>> = HashMap::new();
        for r in db
            .fetch_all(
                "SELECT id, name FROM people WHERE tenant_id = $1",
                &[tenant.into()],
            )
            .await?
        {
            let name = r.text("name")?;
            let words = words_of(&name);
            if let Some(first) = words.first() {
                by_first_word
                    .entry(first.clone())
                    .or_default()
                    .push((words, (name, r.uuid("id")?)));
            }
        }
        Ok(NameIndex { by_first_word })
    }
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Changes a person's fields; an empty patch writes nothing.
pub async fn update(tx: &mut Tx, id: Uuid, patch: PersonPatch) -> Result<Person, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = clean_name(&name)?;
    }
    if let Some(client) = patch.client_id {
        if let Some(c) = client {
            crate::task::ensure_in_tenant(tx, "clients", "client", c).await?;
        }
        after.client_id = client;
    }
    let texts = [
        ("email", patch.email, &mut after.email),
        ("phone", patch.phone, &mut after.phone),
        ("title", patch.title, &mut after.title),
        ("company", patch.company, &mut after.company),
        ("relationship", patch.relationship, &mut after.relationship),
        (
            "relationship_to_user",
            patch.relationship_to_user,
            &mut after.relationship_to_user,
        ),
        (
            "political_context",
            patch.political_context,
            &mut after.political_context,
        ),
        (
            "communication_notes",
            patch.communication_notes,
            &mut after.communication_notes,
        ),
        (
            "context_notes",
            patch.context_notes,
            &mut after.context_notes,
        ),
    ];
    for (field, new, slot) in texts {
        if let Some(value) = new {
            check_text(field, &value)?;
            *slot = value;
        }
    }
    if let Some(t) = patch.last_contact {
        after.last_contact = t;
    }
    if let Some(t) = patch.next_follow_up {
        after.next_follow_up = t;
    }
    if let Some(aliases) = patch.aliases {
        let aliases = crate::fields::clean_aliases(&aliases)?;
        match after.metadata.as_object_mut() {
            Some(m) => {
                m.insert("aliases".into(), serde_json::json!(aliases));
            }
            None => after.metadata = serde_json::json!({"aliases": aliases}),
        }
    }
    let changes = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    after.updated_at = tx.now();
    tx.execute(
        "UPDATE people SET name = $3, email = $4, phone = $5, title = $6, company = $7, client_id = $8, relationship = $9, relationship_to_user = $10, \
         political_context = $11, communication_notes = $12, context_notes = $13, last_contact = $14, next_follow_up = $15, updated_at = $16, metadata = $17 \
         WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(), id.into(), after.name.as_str().into(), after.email.clone().into(), after.phone.clone().into(),
            after.title.clone().into(), after.company.clone().into(), after.client_id.into(), after.relationship.clone().into(),
            after.relationship_to_user.clone().into(), after.political_context.clone().into(), after.communication_notes.clone().into(),
            after.context_notes.clone().into(), after.last_contact.into(), after.next_follow_up.into(), after.updated_at.into(),
            Value::json(&after.metadata),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("person", verb::UPDATED),
        entity_type: "person",
        entity_id: id,
        details: changes,
    })
    .await?;
    get(&mut *tx, tenant, id).await
}

/// Deletes a person. Their links to tasks go with them; waiting items that
/// named them stay, without the person.
pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let person = get(&mut *tx, tenant, id).await?;
    tx.execute(
        "UPDATE waiting_items SET person_id = NULL WHERE tenant_id = $1 AND person_id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    let unlinked = tx
        .execute(
            "DELETE FROM task_people WHERE tenant_id = $1 AND person_id = $2",
            &[tenant.into(), id.into()],
        )
        .await?;
    tx.execute(
        "DELETE FROM people WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("person", verb::DELETED),
        entity_type: "person",
        entity_id: id,
        details: serde_json::json!({"name": person.name, "unlinked_tasks": unlinked}),
    })
    .await?;
    Ok(())
}
