//! The audit chain. Every change writes a `logs` row in its own transaction;
//! each row's hash is SHA-256 over the previous row's hash and the row's
//! canonical JSON, so editing or deleting any row breaks the chain from that
//! row on. [`verify`] walks each tenant's chain and names the first broken
//! link.

use crate::value::{Row, micros};
use crate::{Db, StoreError};
use chief_domain::TenantId;
use chief_domain::log::{ActorKind, LogEntry};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before the first row of every chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields covered by a row's hash.
pub(crate) struct Link<'a> {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub seq: i64,
    pub user_id: Option<Uuid>,
    pub timestamp: DateTime<Utc>,
    pub actor: ActorKind,
    pub action: &'a str,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<Uuid>,
    pub details: &'a serde_json::Value,
    pub trace_id: Option<&'a str>,
}

impl Link<'_> {
    /// SHA-256, in hex, over the previous hash and this row's canonical JSON
    /// (keys sorted, timestamps to the microsecond).
    pub fn hash(&self, prev_hash: &str) -> String {
        let canonical = serde_json::json!({
            "id": self.id,
            "tenant_id": self.tenant_id,
            "seq": self.seq,
            "user_id": self.user_id,
            "timestamp": micros(self.timestamp).to_rfc3339_opts(SecondsFormat::Micros, true),
            "actor": self.actor.as_str(),
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "details": self.details,
            "trace_id": self.trace_id,
        });
        let mut hasher = Sha256::new();
        hasher.update(prev_hash.as_bytes());
        hasher.update(b"\n");
        hasher.update(canonical.to_string().as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// Reads a `logs` row.
pub(crate) fn log_from_row(r: &Row) -> Result<LogEntry, StoreError> {
    Ok(LogEntry {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        seq: r.int("seq")?,
        user_id: r.opt_uuid("user_id")?,
        timestamp: r.ts("timestamp")?,
        actor: r.parse("actor")?,
        action: r.text("action")?,
        entity_type: r.opt_text("entity_type")?,
        entity_id: r.opt_uuid("entity_id")?,
        details: r.json("details")?,
        trace_id: r.opt_text("trace_id")?,
        prev_hash: r.text("prev_hash")?,
        hash: r.text("hash")?,
    })
}

/// The first place a chain does not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    pub tenant_id: TenantId,
    pub seq: i64,
    pub log_id: Option<Uuid>,
    pub reason: String,
}

/// What `verify` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub tenants: usize,
    pub rows: u64,
    pub broken: Option<BrokenLink>,
}

pub(crate) const LOG_COLUMNS: &str = "id, tenant_id, seq, user_id, timestamp, actor, action, entity_type, entity_id, details, trace_id, prev_hash, hash";

/// Walks every tenant's chain (or one tenant's) and reports the first
/// broken link: a row whose hash does not match its content, whose
/// prev_hash does not match the row before, a gap in the sequence, or a
/// chain head that does not match the last row.
pub async fn verify(db: &Db, only: Option<TenantId>) -> Result<Verification, StoreError> {
    // Every tenant with a chain head or any log row: a deleted head must
    // not hide a chain from the walk.
    let tenants = db
        .fetch_all(
            "SELECT tenant_id FROM audit_heads UNION SELECT tenant_id FROM logs ORDER BY tenant_id",
            &[],
        )
        .await?;
    let mut result = Verification {
        tenants: 0,
        rows: 0,
        broken: None,
    };
    for row in tenants {
        let tenant = row.tenant("tenant_id")?;
        if only.is_some_and(|t| t != tenant) {
            continue;
        }
        let head = db
            .fetch_optional(
                "SELECT seq, hash FROM audit_heads WHERE tenant_id = $1",
                &[tenant.into()],
            )
            .await?;
        result.tenants += 1;
        let mut prev_hash = GENESIS_HASH.to_string();
        let mut expected_seq = 1;
        // Page through the chain so a long history does not sit in memory.
        loop {
            let sql = format!(
                "SELECT {LOG_COLUMNS} FROM logs WHERE tenant_id = $1 AND seq >= $2 ORDER BY seq LIMIT 5000"
            );
            let rows = db
                .fetch_all(&sql, &[tenant.into(), expected_seq.into()])
                .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let entry = log_from_row(row)?;
                result.rows += 1;
                let broken = |reason: String| BrokenLink {
                    tenant_id: tenant,
                    seq: entry.seq,
                    log_id: Some(entry.id),
                    reason,
                };
                if entry.seq != expected_seq {
                    result.broken = Some(broken(format!(
                        "row {} is missing (the next row is {})",
                        expected_seq, entry.seq
                    )));
                    return Ok(result);
                }
                if entry.prev_hash != prev_hash {
                    result.broken = Some(broken(
                        "its prev_hash does not match the row before it".into(),
                    ));
                    return Ok(result);
                }
                let link = Link {
                    id: entry.id,
                    tenant_id: entry.tenant_id,
                    seq: entry.seq,
                    user_id: entry.user_id,
                    timestamp: entry.timestamp,
                    actor: entry.actor,
                    action: &entry.action,
                    entity_type: entry.entity_type.as_deref(),
                    entity_id: entry.entity_id,
                    details: &entry.details,
                    trace_id: entry.trace_id.as_deref(),
                };
                if link.hash(&prev_hash) != entry.hash {
                    result.broken = Some(broken(
                        "its content does not match its hash (the row was altered)".into(),
                    ));
                    return Ok(result);
                }
                prev_hash = entry.hash.clone();
                expected_seq += 1;
            }
        }
        let Some(head) = head else {
            result.broken = Some(BrokenLink {
                tenant_id: tenant,
                seq: expected_seq - 1,
                log_id: None,
                reason: "the chain head is missing (it was deleted)".into(),
            });
            return Ok(result);
        };
        let head_seq = head.int("seq")?;
        let head_hash = head.text("hash")?;
        if head_seq != expected_seq - 1 || head_hash != prev_hash {
            result.broken = Some(BrokenLink {
                tenant_id: tenant,
                seq: expected_seq,
                log_id: None,
                reason: format!(
                    "the chain head says {head_seq} rows but {} are present (rows were deleted at the end)",
                    expected_seq - 1
                ),
            });
            return Ok(result);
        }
    }
    Ok(result)
}

/// Lists a tenant's log rows, newest first.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    entity_id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<LogEntry>, StoreError> {
    let sql = format!(
        "SELECT {LOG_COLUMNS} FROM logs WHERE tenant_id = $1 AND ($2 IS NULL OR entity_id = $2) ORDER BY seq DESC LIMIT $3"
    );
    db.fetch_all(&sql, &[tenant.into(), entity_id.into(), limit.into()])
        .await?
        .iter()
        .map(log_from_row)
        .collect()
}

/// At most `limit` of the tenant's log rows written under `trace`, oldest
/// first: everything one request, job run or agent run changed.
pub async fn in_trace(
    db: &Db,
    tenant: TenantId,
    trace: &str,
    limit: i64,
) -> Result<Vec<LogEntry>, StoreError> {
    let sql = format!(
        "SELECT {LOG_COLUMNS} FROM logs WHERE tenant_id = $1 AND trace_id = $2 ORDER BY seq LIMIT $3"
    );
    db.fetch_all(&sql, &[tenant.into(), trace.into(), limit.into()])
        .await?
        .iter()
        .map(log_from_row)
        .collect()
}

/// The tenant's latest audit sequence number (0 before any change). Every
/// audited write moves it, so it tells a cache whether anything changed.
pub async fn head_seq(db: &Db, tenant: TenantId) -> Result<i64, StoreError> {
    match db
        .fetch_optional(
            "SELECT seq FROM audit_heads WHERE tenant_id = $1",
            &[tenant.into()],
        )
        .await?
    {
        Some(row) => row.int("seq"),
        None => Ok(0),
    }
}

/// Which log rows a search shows; `None` matches any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub actor: Option<ActorKind>,
    pub action: Option<String>,
    /// Rows at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Rows before this instant.
    pub until: Option<DateTime<Utc>>,
}

impl LogFilter {
    /// The `WHERE` clauses and their arguments for `tenant`'s rows: only
    /// the filters given become clauses, so the indexes on (tenant_id,
    /// seq), (tenant_id, entity_type, entity_id) and (tenant_id, actor,
    /// seq) serve them.
    fn clauses(&self, tenant: TenantId) -> (String, Vec<crate::Value>) {
        let mut clauses = vec!["tenant_id = $1".to_string()];
        let mut args: Vec<crate::Value> = vec![tenant.into()];
        let mut add = |column: &str, op: &str, value: Option<crate::Value>| {
            if let Some(v) = value {
                args.push(v);
                clauses.push(format!("{column} {op} ${}", args.len()));
            }
        };
        add("entity_type", "=", self.entity_type.clone().map(Into::into));
        add("entity_id", "=", self.entity_id.map(Into::into));
        add("actor", "=", self.actor.map(|a| a.as_str().into()));
        add("action", "=", self.action.clone().map(Into::into));
        add("timestamp", ">=", self.since.map(Into::into));
        add("timestamp", "<", self.until.map(Into::into));
        (clauses.join(" AND "), args)
    }
}

/// A tenant's log rows matching `filter`, newest first, one page at a time,
/// with the count of all matching rows.
pub async fn search(
    db: &Db,
    tenant: TenantId,
    filter: &LogFilter,
    page: crate::Page,
) -> Result<crate::Listing<LogEntry>, StoreError> {
    let (matches, args) = filter.clauses(tenant);
    crate::conn::page_of(
        db,
        "logs",
        LOG_COLUMNS,
        &matches,
        args,
        "seq DESC",
        page,
        log_from_row,
    )
    .await
}

/// Like [`search`] without counting: the page's rows, and whether older
/// ones follow. Counting a log of 100,000 rows costs PostgreSQL about 50
/// ms; this reads one row more than the page.
pub async fn search_page(
    db: &Db,
    tenant: TenantId,
    filter: &LogFilter,
    page: crate::Page,
) -> Result<(Vec<LogEntry>, bool), StoreError> {
    let (matches, args) = filter.clauses(tenant);
    let probe = crate::Page {
        limit: page.limit + 1,
        offset: page.offset,
    };
    let mut rows = crate::conn::items_of(
        db,
        "logs",
        LOG_COLUMNS,
        &matches,
        args,
        "seq DESC",
        probe,
        log_from_row,
    )
    .await?;
    let more = rows.len() as i64 > page.limit;
    rows.truncate(page.limit.max(0) as usize);
    Ok((rows, more))
}
