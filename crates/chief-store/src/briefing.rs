//! The briefing repository: keeping a composed briefing ([`store`]) and
//! reading kept ones back ([`list`], [`get`]) with where each went
//! ([`deliveries`]). Composing one is `chief_app::briefing`'s: it gathers
//! the data (see `briefing_inputs`) and lets the brain compose it.

use crate::conn::by_id;
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, StoreError, Tx, Value};
use chief_brain::briefing::{Briefing, BriefingKind};
use chief_domain::TenantId;
use chief_domain::delivery::Delivery;
use chief_domain::event::{action, verb};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

const COLUMNS: &str =
    "id, tenant_id, user_id, kind, period_start, content_json, markdown, text, created_at";

/// A briefing as composed: the structure and its two renderings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Composed {
    pub briefing: Briefing,
    pub markdown: String,
    pub text: String,
}

/// A kept briefing.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StoredBriefing {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub kind: BriefingKind,
    /// The start of the period it covers.
    pub period_start: DateTime<Utc>,
    /// The structured briefing, exactly as composed.
    #[schemars(with = "Briefing")]
    pub content: serde_json::Value,
    pub markdown: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

fn from_row(r: &Row) -> Result<StoredBriefing, StoreError> {
    Ok(StoredBriefing {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        kind: r.parse("kind")?,
        period_start: r.ts("period_start")?,
        content: r.json("content_json")?,
        markdown: r.text("markdown")?,
        text: r.text("text")?,
        created_at: r.ts("created_at")?,
    })
}

/// Keeps a composed briefing in the caller's transaction, audited as
/// `briefing.created`; the scheduler delivers it in the same transaction.
pub async fn store(
    tx: &mut Tx,
    user_id: Uuid,
    kind: BriefingKind,
    composed: Composed,
) -> Result<StoredBriefing, StoreError> {
    let content = serde_json::to_value(&composed.briefing).expect("a briefing serialises to JSON");
    let id = new_id();
    let tenant = tx.tenant();
    let created_at = tx.now();
    let period_start = composed.briefing.period_start;
    tx.execute(
        &format!("INSERT INTO briefings ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            kind.as_str().into(),
            period_start.into(),
            Value::Json(Some(content.clone())),
            composed.markdown.as_str().into(),
            composed.text.as_str().into(),
            created_at.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("briefing", verb::CREATED),
        entity_type: "briefing",
        entity_id: id,
        details: serde_json::json!({
            "kind": kind,
            "user_id": user_id,
            "period_start": period_start,
            "summary": composed.briefing.summary,
        }),
    })
    .await?;
    Ok(StoredBriefing {
        id,
        tenant_id: tenant,
        user_id,
        kind,
        period_start,
        content,
        markdown: composed.markdown,
        text: composed.text,
        created_at,
    })
}

/// `user_id`'s kept briefing `id`. A briefing is its user's alone: another
/// user's is not found, as another tenant's is, whatever the reader's role
/// (listing shows each user only their own too).
pub async fn get(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    id: Uuid,
) -> Result<StoredBriefing, StoreError> {
    let b = from_row(&by_id(db.into(), "briefings", COLUMNS, "", "briefing", tenant, id).await?)?;
    if b.user_id != user_id {
        return Err(StoreError::not_found("briefing", id));
    }
    Ok(b)
}

/// Which kept briefings to list.
#[derive(Clone, Copy, Debug, Default)]
pub struct BriefingFilter {
    /// Only this user's.
    pub user_id: Option<Uuid>,
    /// Only this kind.
    pub kind: Option<BriefingKind>,
}

/// A page of kept briefings, newest first.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    filter: BriefingFilter,
    page: Page,
) -> Result<Listing<StoredBriefing>, StoreError> {
    let mut w = crate::conn::Where::new(tenant);
    if let Some(u) = filter.user_id {
        w.push("user_id = ?", u.into());
    }
    if let Some(k) = filter.kind {
        w.push("kind = ?", k.as_str().into());
    }
    crate::conn::page_of(
        db,
        "briefings",
        COLUMNS,
        &w.sql(),
        w.args,
        "created_at DESC, id DESC",
        page,
        from_row,
    )
    .await
}

/// Where each of `briefings` went: the deliveries the scheduler wrote with
/// it (in the same transaction, so at the same instant and under the
/// briefing's topic), the dashboard's copy included. A briefing composed
/// on request has none.
pub async fn deliveries(
    db: &Db,
    tenant: TenantId,
    briefings: &[StoredBriefing],
) -> Result<Vec<Vec<Delivery>>, StoreError> {
    let mut out = vec![Vec::new(); briefings.len()];
    let mut users: Vec<Uuid> = briefings.iter().map(|b| b.user_id).collect();
    users.sort();
    users.dedup();
    for user in users {
        let mine = briefings.iter().filter(|b| b.user_id == user);
        let (Some(from), Some(to)) = (
            mine.clone().map(|b| b.created_at).min(),
            mine.map(|b| b.created_at).max(),
        ) else {
            continue;
        };
        let rows = db
            .fetch_all(
                &format!(
                    "SELECT {} FROM deliveries WHERE tenant_id = $1 AND user_id = $2 AND created_at >= $3 AND created_at <= $4 AND topic LIKE 'briefing.%' ORDER BY created_at, id",
                    crate::delivery::COLUMNS
                ),
                &[tenant.into(), user.into(), from.into(), to.into()],
            )
            .await?;
        for row in &rows {
            let d = crate::delivery::from_row(row)?;
            for (i, b) in briefings.iter().enumerate() {
                if b.user_id == user
                    && b.created_at == d.created_at
                    && d.topic == format!("briefing.{}", b.kind.as_str())
                {
                    out[i].push(d.clone());
                }
            }
        }
    }
    Ok(out)
}
