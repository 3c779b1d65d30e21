//! The playbook repository: procedures the agent follows, and the ones it
//! proposes after learning something.
//!
//! A person creates active playbooks; the agent proposes them, and a person
//! approves or rejects the proposal. Every move goes through
//! [`PlaybookStatus::apply`], so a wrong step is a typed transition error.
//! Every change is audited (`playbook.created`, `playbook.proposed`,
//! `playbook.updated`, `playbook.status_changed`, `playbook.used`) in the
//! same transaction.

use crate::conn::{Conn, by_id};
use crate::fields::{clean_name, snapshot};
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, StoreError, Tx, Value};
use chief_domain::TenantId;
use chief_domain::event::{action, verb};
use chief_domain::playbook::{NewPlaybook, Playbook, PlaybookOp, PlaybookPatch, PlaybookStatus};
use uuid::Uuid;

const COLUMNS: &str = "id, tenant_id, user_id, name, description, category, triggers, must_consult, content, scripts, \"references\", examples, learned_from, source_task_id, last_used, use_count, status, created_at, updated_at";

fn from_row(r: &Row) -> Result<Playbook, StoreError> {
    Ok(Playbook {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        name: r.text("name")?,
        description: r.text("description")?,
        category: r.opt_text("category")?,
        triggers: r.json_as("triggers")?,
        must_consult: r.bool("must_consult")?,
        content: r.text("content")?,
        scripts: r.json("scripts")?,
        references: r.json("references")?,
        examples: r.json("examples")?,
        learned_from: r.opt_text("learned_from")?,
        source_task_id: r.opt_uuid("source_task_id")?,
        last_used: r.opt_ts("last_used")?,
        use_count: r.int("use_count")?,
        status: r.parse("status")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn clean_text(field: &'static str, text: &str, required: bool) -> Result<String, StoreError> {
    if required && text.trim().is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    if text.contains('\0') {
        return Err(StoreError::invalid(
            field,
            "must not contain NUL characters",
        ));
    }
    Ok(text.to_string())
}

fn clean_category(category: Option<String>) -> Result<Option<String>, StoreError> {
    category
        .map(|c| clean_text("category", c.trim(), false))
        .transpose()
        .map(|c| c.filter(|c| !c.is_empty()))
}

fn clean_triggers(triggers: &[String]) -> Result<Vec<String>, StoreError> {
    let mut out: Vec<String> = Vec::new();
    for t in triggers {
        let t = clean_text("trigger", t.trim(), false)?;
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// `null` becomes the column's empty default (`{}` or `[]`); any other
/// value must have the default's shape.
fn or_empty(
    field: &'static str,
    value: serde_json::Value,
    empty: serde_json::Value,
) -> Result<serde_json::Value, StoreError> {
    match value {
        serde_json::Value::Null => Ok(empty),
        v if v.is_object() == empty.is_object() && v.is_array() == empty.is_array() => Ok(v),
        _ if empty.is_array() => Err(StoreError::invalid(field, "must be a JSON array")),
        _ => Err(StoreError::invalid(field, "must be a JSON object")),
    }
}

/// Which playbooks a list shows; `None` matches any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaybookFilter {
    pub category: Option<String>,
    pub must_consult: Option<bool>,
    pub status: Option<PlaybookStatus>,
}

/// Adds an active playbook written by a person.
pub async fn create(tx: &mut Tx, user_id: Uuid, new: NewPlaybook) -> Result<Playbook, StoreError> {
    insert(
        tx,
        user_id,
        new,
        PlaybookStatus::Active,
        None,
        None,
        verb::CREATED,
    )
    .await
}

/// Proposes a playbook the agent learned (`learned_from` says from what);
/// it stays `proposed` until a person approves or rejects it.
pub async fn propose(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewPlaybook,
    learned_from: Option<&str>,
    source_task_id: Option<Uuid>,
) -> Result<Playbook, StoreError> {
    let learned_from = learned_from
        .map(|l| clean_text("learned_from", l.trim(), false))
        .transpose()?
        .filter(|l| !l.is_empty());
    if let Some(task) = source_task_id {
        crate::task::ensure_in_tenant(tx, "tasks", "task", task).await?;
    }
    insert(
        tx,
        user_id,
        new,
        PlaybookStatus::Proposed,
        learned_from,
        source_task_id,
        "proposed",
    )
    .await
}

async fn insert(
    tx: &mut Tx,
    user_id: Uuid,
    new: NewPlaybook,
    status: PlaybookStatus,
    learned_from: Option<String>,
    source_task_id: Option<Uuid>,
    verb: &str,
) -> Result<Playbook, StoreError> {
    let name = clean_name(&new.name)?;
    let description = clean_text("description", new.description.trim(), false)?;
    let content = clean_text("content", &new.content, true)?;
    let category = clean_category(new.category)?;
    let triggers = clean_triggers(&new.triggers)?;
    let scripts = or_empty("scripts", new.scripts, serde_json::json!({}))?;
    let references = or_empty("references", new.references, serde_json::json!({}))?;
    let examples = or_empty("examples", new.examples, serde_json::json!([]))?;
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO playbooks (id, tenant_id, user_id, name, description, category, triggers, must_consult, content, scripts, \"references\", examples, learned_from, source_task_id, use_count, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $16, $16)",
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            name.into(),
            description.into(),
            category.into(),
            Value::json(&triggers),
            new.must_consult.into(),
            content.into(),
            Value::json(&scripts),
            Value::json(&references),
            Value::json(&examples),
            learned_from.into(),
            source_task_id.into(),
            status.as_str().into(),
            now.into(),
        ],
    )
    .await?;
    let playbook = get(&mut *tx, tenant, id).await?;
    tx.audit_new("playbook", verb, "playbook", &playbook, id)
        .await?;
    Ok(playbook)
}

/// A playbook of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Playbook, StoreError> {
    from_row(
        &by_id(
            conn.into(),
            "playbooks",
            COLUMNS,
            "",
            "playbook",
            tenant,
            id,
        )
        .await?,
    )
}

/// The tenant's oldest playbook named `name` (ignoring case) in `status`.
pub async fn find_by_name<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    name: &str,
    status: PlaybookStatus,
) -> Result<Option<Playbook>, StoreError> {
    conn.into()
        .fetch_optional(
            &format!(
                "SELECT {COLUMNS} FROM playbooks WHERE tenant_id = $1 AND LOWER(name) = LOWER($2) \
                 AND status = $3 ORDER BY created_at, id LIMIT 1"
            ),
            &[tenant.into(), name.trim().into(), status.as_str().into()],
        )
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

const FILTER: &str = "tenant_id = $1 AND ($2 IS NULL OR category = $2) \
     AND ($3 IS NULL OR must_consult = $3) AND ($4 IS NULL OR status = $4)";

fn filter_args(tenant: TenantId, filter: &PlaybookFilter) -> [Value; 4] {
    [
        tenant.into(),
        filter.category.as_deref().into(),
        filter.must_consult.into(),
        filter.status.map(|s| s.as_str()).into(),
    ]
}

/// One page of the playbooks matching `filter`, by name.
pub async fn listing(
    db: &Db,
    tenant: TenantId,
    filter: &PlaybookFilter,
    page: Page,
) -> Result<Listing<Playbook>, StoreError> {
    let args = filter_args(tenant, filter);
    crate::conn::page_of(
        db,
        "playbooks",
        COLUMNS,
        FILTER,
        args.to_vec(),
        "name, id",
        page,
        from_row,
    )
    .await
}

/// Playbooks matching `filter`, by name.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    filter: &PlaybookFilter,
) -> Result<Vec<Playbook>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM playbooks WHERE {FILTER} ORDER BY name, id"),
        &filter_args(tenant, filter),
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Changes a playbook's text, triggers, category or `must_consult`; an
/// empty patch writes nothing.
pub async fn update(tx: &mut Tx, id: Uuid, patch: PlaybookPatch) -> Result<Playbook, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = clean_name(&name)?;
    }
    if let Some(description) = patch.description {
        after.description = clean_text("description", description.trim(), false)?;
    }
    if let Some(content) = patch.content {
        after.content = clean_text("content", &content, true)?;
    }
    if let Some(triggers) = patch.triggers {
        after.triggers = clean_triggers(&triggers)?;
    }
    if let Some(must_consult) = patch.must_consult {
        after.must_consult = must_consult;
    }
    if let Some(category) = patch.category {
        after.category = clean_category(category)?;
    }
    let changes = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    after.updated_at = tx.now();
    tx.execute(
        "UPDATE playbooks SET name = $3, description = $4, content = $5, triggers = $6, must_consult = $7, category = $8, updated_at = $9 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            after.name.as_str().into(),
            after.description.as_str().into(),
            after.content.as_str().into(),
            Value::json(&after.triggers),
            after.must_consult.into(),
            after.category.clone().into(),
            after.updated_at.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("playbook", verb::UPDATED),
        entity_type: "playbook",
        entity_id: id,
        details: changes,
    })
    .await?;
    Ok(after)
}

/// Approves a proposed playbook: it becomes active.
pub async fn approve(tx: &mut Tx, id: Uuid) -> Result<Playbook, StoreError> {
    transition(tx, id, PlaybookOp::Approve).await
}

/// Rejects a proposed playbook, for good.
pub async fn reject(tx: &mut Tx, id: Uuid) -> Result<Playbook, StoreError> {
    transition(tx, id, PlaybookOp::Reject).await
}

/// Archives a playbook, so it is no longer consulted.
pub async fn archive(tx: &mut Tx, id: Uuid) -> Result<Playbook, StoreError> {
    transition(tx, id, PlaybookOp::Archive).await
}

/// Restores an archived playbook to active.
pub async fn restore(tx: &mut Tx, id: Uuid) -> Result<Playbook, StoreError> {
    transition(tx, id, PlaybookOp::Restore).await
}

async fn transition(tx: &mut Tx, id: Uuid, op: PlaybookOp) -> Result<Playbook, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let next = before.status.apply(op)?;
    let mut after = before.clone();
    after.status = next;
    after.updated_at = tx.now();
    tx.execute(
        "UPDATE playbooks SET status = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            next.as_str().into(),
            after.updated_at.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("playbook", verb::STATUS_CHANGED),
        entity_type: "playbook",
        entity_id: id,
        details: serde_json::json!({
            "status": {"before": before.status, "after": next},
            "from": before.status.as_str(),
            "to": next.as_str(),
        }),
    })
    .await?;
    Ok(after)
}

/// Records that a playbook was consulted: counts the use and stamps the
/// time.
pub async fn record_use(tx: &mut Tx, id: Uuid) -> Result<Playbook, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    let now = tx.now();
    tx.execute(
        "UPDATE playbooks SET use_count = use_count + 1, last_used = $3 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), now.into()],
    )
    .await?;
    let after = get(&mut *tx, tenant, id).await?;
    tx.audit(Change {
        action: action("playbook", "used"),
        entity_type: "playbook",
        entity_id: id,
        details: serde_json::json!({
            "use_count": {"before": before.use_count, "after": after.use_count},
            "last_used": now,
        }),
    })
    .await?;
    Ok(after)
}
