//! The settings repository: named JSON values for the whole workspace, and
//! per user. A user's value overrides the workspace's, so [`get`] and
//! [`list`] answer the value that applies to that user.
//!
//! [`set`] is an upsert written as UPDATE-then-INSERT, the same SQL on both
//! backends: the unique index is on `coalesce(user_id, '')` on SQLite, which
//! `ON CONFLICT` cannot name everywhere. The transaction's write lock
//! (SQLite) and the unique index (PostgreSQL) keep two writers from adding
//! the same key twice. Every change is audited as `setting.updated`.

use crate::conn::Conn;
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx, Value};
use chief_domain::TenantId;
use chief_domain::event::{action, verb};
use chief_domain::setting::Setting;
use uuid::Uuid;

const COLUMNS: &str = "tenant_id, user_id, key, value, updated_at";

/// Matches one key of one owner: the user's when `$2` is set, else the
/// workspace's.
const OWNER_KEY: &str =
    "tenant_id = $1 AND (user_id = $2 OR (user_id IS NULL AND $2 IS NULL)) AND key = $3";

fn from_row(r: &Row) -> Result<Setting, StoreError> {
    Ok(Setting {
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.opt_uuid("user_id")?,
        key: r.text("key")?,
        value: r.json("value")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn clean_key(key: &str) -> Result<&str, StoreError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 255 || key.contains('\0') {
        return Err(StoreError::invalid("key", "must be 1 to 255 characters"));
    }
    Ok(key)
}

/// Sets `key` to `value` for `user_id`, or for the whole workspace when
/// `None`, replacing any earlier value.
pub async fn set(
    tx: &mut Tx,
    user_id: Option<Uuid>,
    key: &str,
    value: serde_json::Value,
) -> Result<Setting, StoreError> {
    let key = clean_key(key)?;
    if let Some(user) = user_id {
        crate::task::ensure_in_tenant(tx, "users", "user", user).await?;
    }
    let tenant = tx.tenant();
    let now = tx.now();
    let before = tx
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM settings WHERE {OWNER_KEY}"),
            &[tenant.into(), user_id.into(), key.into()],
        )
        .await?
        .map(|r| from_row(&r))
        .transpose()?;
    let updated = tx
        .execute(
            &format!("UPDATE settings SET value = $4, updated_at = $5 WHERE {OWNER_KEY}"),
            &[
                tenant.into(),
                user_id.into(),
                key.into(),
                Value::Json(Some(value.clone())),
                now.into(),
            ],
        )
        .await?;
    if updated == 0 {
        tx.execute(
            "INSERT INTO settings (tenant_id, user_id, key, value, updated_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                tenant.into(),
                user_id.into(),
                key.into(),
                Value::Json(Some(value.clone())),
                now.into(),
            ],
        )
        .await?;
    }
    tx.audit(Change {
        action: action("setting", verb::UPDATED),
        entity_type: "setting",
        // Settings have no id of their own; the change is filed under the
        // user it belongs to, or the workspace.
        entity_id: user_id.unwrap_or(tenant.0),
        details: serde_json::json!({
            "key": key,
            "user_id": user_id,
            "value": {"before": before.map(|s| s.value), "after": value},
        }),
    })
    .await?;
    Ok(Setting {
        tenant_id: tenant,
        user_id,
        key: key.to_string(),
        value,
        updated_at: now,
    })
}

/// The value of `key` that applies to `user_id`: theirs if they set one,
/// else the workspace's. With `user_id` `None`, only the workspace's.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    user_id: Option<Uuid>,
    key: &str,
) -> Result<Option<Setting>, StoreError> {
    conn.into().fetch_optional(
        &format!("SELECT {COLUMNS} FROM settings WHERE tenant_id = $1 AND key = $3 AND (user_id IS NULL OR user_id = $2) ORDER BY (user_id IS NULL) LIMIT 1"),
        &[tenant.into(), user_id.into(), key.into()],
    )
    .await?
    .map(|r| from_row(&r))
    .transpose()
}

/// Every setting that applies to `user_id` (the workspace's, overridden by
/// theirs), by key. With `user_id` `None`, only the workspace's.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    user_id: Option<Uuid>,
) -> Result<Vec<Setting>, StoreError> {
    let rows = db
        .fetch_all(
            &format!("SELECT {COLUMNS} FROM settings WHERE tenant_id = $1 AND (user_id IS NULL OR user_id = $2) ORDER BY key, (user_id IS NULL)"),
            &[tenant.into(), user_id.into()],
        )
        .await?;
    let mut settings: Vec<Setting> = Vec::with_capacity(rows.len());
    for row in &rows {
        let setting = from_row(row)?;
        // Rows come user-first within a key, so a later row for the same
        // key is the workspace value the user overrides.
        if settings.last().is_none_or(|s| s.key != setting.key) {
            settings.push(setting);
        }
    }
    Ok(settings)
}
