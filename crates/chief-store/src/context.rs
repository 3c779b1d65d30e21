//! The reads behind the context endpoints: what surrounds a task, a person
//! or a client (open waiting items, drafts to a person, a client's deals,
//! the playbooks a task calls for). Each entity's own repository stays the
//! one place that reads its rows; these queries only choose which rows.

use crate::search::contains_pattern;
use crate::{Db, StoreError, draft, sales, task, waiting};
use chief_domain::TenantId;
use chief_domain::draft::Draft;
use chief_domain::person::Person;
use chief_domain::playbook::Playbook;
use chief_domain::sales::SalesOpportunity;
use chief_domain::task::Task;
use chief_domain::waiting::WaitingItem;
use uuid::Uuid;

async fn ids(db: &Db, sql: &str, args: &[crate::Value]) -> Result<Vec<Uuid>, StoreError> {
    db.fetch_all(sql, args)
        .await?
        .iter()
        .map(|r| r.uuid("id"))
        .collect()
}

/// Open waiting items on a person: linked to them, or naming them in `who`.
pub async fn open_waiting_for(
    db: &Db,
    tenant: TenantId,
    person: &Person,
) -> Result<Vec<WaitingItem>, StoreError> {
    let found = ids(
        db,
        "SELECT id FROM waiting_items WHERE tenant_id = $1 AND status = 'waiting' \
         AND (person_id = $2 OR LOWER(who) = LOWER($3)) ORDER BY since, id LIMIT 100",
        &[tenant.into(), person.id.into(), person.name.as_str().into()],
    )
    .await?;
    let mut out = Vec::with_capacity(found.len());
    for id in found {
        out.push(waiting::get(db, tenant, id).await?);
    }
    Ok(out)
}

/// Drafts addressed to a person, by name or email, newest first.
pub async fn drafts_to(
    db: &Db,
    tenant: TenantId,
    person: &Person,
    limit: i64,
) -> Result<Vec<Draft>, StoreError> {
    let email = person.email.as_deref().map(contains_pattern);
    let found = ids(
        db,
        "SELECT id FROM drafts WHERE tenant_id = $1 \
         AND (LOWER(recipient) LIKE $2 OR ($3 IS NOT NULL AND LOWER(recipient) LIKE $3)) \
         ORDER BY created_at DESC, id LIMIT $4",
        &[
            tenant.into(),
            contains_pattern(&person.name).into(),
            email.into(),
            limit.into(),
        ],
    )
    .await?;
    let mut out = Vec::with_capacity(found.len());
    for id in found {
        out.push(draft::get(db, tenant, id).await?);
    }
    Ok(out)
}

/// Live tasks whose title names `name`, newest first.
pub async fn tasks_mentioning(
    db: &Db,
    tenant: TenantId,
    name: &str,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    let found = ids(
        db,
        "SELECT id FROM tasks WHERE tenant_id = $1 AND deleted_at IS NULL \
         AND (LOWER(title) LIKE $2 OR LOWER(coalesce(description, '')) LIKE $2) \
         ORDER BY created_at DESC, id LIMIT $3",
        &[tenant.into(), contains_pattern(name).into(), limit.into()],
    )
    .await?;
    let mut out = Vec::with_capacity(found.len());
    for id in found {
        out.push(task::get(db, tenant, id).await?);
    }
    Ok(out)
}

/// A client's sales opportunities, oldest first.
pub async fn opportunities_of(
    db: &Db,
    tenant: TenantId,
    client_id: Uuid,
) -> Result<Vec<SalesOpportunity>, StoreError> {
    let found = ids(
        db,
        "SELECT id FROM sales_opportunities WHERE tenant_id = $1 AND client_id = $2 ORDER BY created_at, id",
        &[tenant.into(), client_id.into()],
    )
    .await?;
    let mut out = Vec::with_capacity(found.len());
    for id in found {
        out.push(sales::get(db, tenant, id).await?);
    }
    Ok(out)
}

/// Whether a playbook applies to work described by `text`: it must always
/// be consulted, or one of its trigger phrases appears in the text
/// (ignoring case).
pub fn playbook_applies(playbook: &Playbook, text: &str) -> bool {
    let text = text.to_lowercase();
    playbook.must_consult
        || playbook
            .triggers
            .iter()
            .any(|t| !t.trim().is_empty() && text.contains(&t.trim().to_lowercase()))
}

/// The active playbooks that apply to `text`: triggered ones and the
/// must-consult ones.
pub async fn relevant_playbooks(
    db: &Db,
    tenant: TenantId,
    text: &str,
) -> Result<Vec<Playbook>, StoreError> {
    Ok(crate::task_playbooks::active(db, tenant)
        .await?
        .iter()
        .filter(|p| playbook_applies(p, text))
        .cloned()
        .collect())
}
