//! Tenants, users and API keys: who may act, and in which workspace.
//!
//! An API key looks like `chief_<prefix>_<secret>`. Only the SHA-256 of the
//! whole key is stored; the prefix is kept in the clear so a person can tell
//! keys apart in `chief keys list`.

use crate::fields::snapshot;
use crate::new_id;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, Scope, StoreError, Tx};
use chief_domain::TenantId;
use chief_domain::api_key::{ApiKey, key_prefix};
use chief_domain::log::Actor;
use chief_domain::tenant::{Role, Tenant, User};
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const TENANT_COLUMNS: &str =
    "id, name, slug, database_mode, tier, settings, created_at, updated_at";
const USER_COLUMNS: &str =
    "id, tenant_id, email, name, role, settings, timezone, created_at, updated_at";
const KEY_COLUMNS: &str =
    "id, tenant_id, user_id, name, prefix, scopes, created_at, last_used_at, revoked_at";

fn tenant_from_row(r: &Row) -> Result<Tenant, StoreError> {
    Ok(Tenant {
        id: r.tenant("id")?,
        name: r.text("name")?,
        slug: r.text("slug")?,
        database_mode: r.parse("database_mode")?,
        tier: r.text("tier")?,
        settings: r.json("settings")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn user_from_row(r: &Row) -> Result<User, StoreError> {
    Ok(User {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        email: r.text("email")?,
        name: r.opt_text("name")?,
        role: r.parse("role")?,
        settings: r.json("settings")?,
        timezone: r.text("timezone")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn key_from_row(r: &Row) -> Result<ApiKey, StoreError> {
    Ok(ApiKey {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        name: r.text("name")?,
        prefix: r.text("prefix")?,
        scopes: r.json_as("scopes")?,
        created_at: r.ts("created_at")?,
        last_used_at: r.opt_ts("last_used_at")?,
        revoked_at: r.opt_ts("revoked_at")?,
    })
}

/// What creating a workspace makes: the tenant, its owner, and the owner's
/// first API key (shown once).
pub struct Workspace {
    pub tenant: Tenant,
    pub owner: User,
    pub api_key: String,
}

/// The fields of a new user.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub timezone: String,
}

/// Creates a tenant with its owner and a first API key, in one transaction.
pub async fn create_workspace(
    db: &Db,
    name: &str,
    slug: &str,
    owner: NewUser,
) -> Result<Workspace, StoreError> {
    let name = chief_domain::tenant::check_name(name)?;
    let slug = chief_domain::tenant::check_slug(slug)?;
    let (name, slug) = (name.as_str(), slug.as_str());
    let tenant_id = crate::new_tenant_id();
    let scope = Scope {
        tenant: tenant_id,
        actor: Actor::system(),
        trace_id: Some(crate::new_trace_id()),
        now: None,
    };
    let mut tx = db.write(&scope).await?;
    let now = tx.now();
    let exists = tx
        .fetch_optional("SELECT id FROM tenants WHERE slug = $1", &[slug.into()])
        .await?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!(
            "a workspace with slug {slug:?} already exists"
        )));
    }
    tx.execute(
        "INSERT INTO tenants (id, name, slug, database_mode, tier, settings, created_at, updated_at) VALUES ($1, $2, $3, 'shared', 'standard', $4, $5, $5)",
        &[tenant_id.into(), name.into(), slug.into(), crate::Value::json(&serde_json::json!({})), now.into()],
    )
    .await?;
    tx.start_chain().await?;
    tx.audit(Change {
        action: "tenant.created".into(),
        entity_type: "tenant",
        entity_id: tenant_id.0,
        details: serde_json::json!({"name": name, "slug": slug}),
    })
    .await?;
    let owner = insert_user(&mut tx, owner).await?;
    let (api_key, _) = insert_key(&mut tx, owner.id, "default").await?;
    tx.commit().await?;
    let tenant = get_tenant(db, tenant_id).await?;
    Ok(Workspace {
        tenant,
        owner,
        api_key,
    })
}

async fn insert_user(tx: &mut Tx, new: NewUser) -> Result<User, StoreError> {
    let email = new.email.trim().to_ascii_lowercase();
    if !email.contains('@') || email.len() > 255 {
        return Err(StoreError::invalid(
            "email",
            format!("{:?} is not an email address", new.email),
        ));
    }
    check_timezone(&new.timezone)?;
    let name = crate::fields::clean_optional_name(new.name.as_deref())?;
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO users (id, tenant_id, email, name, role, settings, timezone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        &[id.into(), tenant.into(), email.as_str().into(), name.into(), new.role.as_str().into(), crate::Value::json(&serde_json::json!({})), new.timezone.as_str().into(), now.into()],
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => StoreError::Conflict(format!("a user with email {email} already exists in this workspace")),
        other => other,
    })?;
    tx.audit(Change {
        action: "user.created".into(),
        entity_type: "user",
        entity_id: id,
        details: serde_json::json!({"email": email, "role": new.role.as_str()}),
    })
    .await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("user", id))?;
    user_from_row(&row)
}

/// Adds a user to the transaction's tenant.
pub async fn add_user(tx: &mut Tx, new: NewUser) -> Result<User, StoreError> {
    insert_user(tx, new).await
}

/// A new key for a user: returns the full key (to show once) and its record.
pub async fn create_key(
    tx: &mut Tx,
    user_id: Uuid,
    name: &str,
) -> Result<(String, ApiKey), StoreError> {
    let tenant = tx.tenant();
    tx.fetch_optional(
        "SELECT id FROM users WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), user_id.into()],
    )
    .await?
    .ok_or_else(|| StoreError::not_found("user", user_id))?;
    insert_key(tx, user_id, name).await
}

async fn insert_key(
    tx: &mut Tx,
    user_id: Uuid,
    name: &str,
) -> Result<(String, ApiKey), StoreError> {
    // 43 characters of base62 carry about 256 bits.
    let (prefix, secret) = (random_base62(8).to_ascii_lowercase(), random_base62(43));
    let key = format!("chief_{prefix}_{secret}");
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO api_keys (id, tenant_id, user_id, name, prefix, key_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[id.into(), tenant.into(), user_id.into(), name.into(), prefix.as_str().into(), hash_key(&key).into(), crate::Value::json(&["*"]), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: "api_key.created".into(),
        entity_type: "api_key",
        entity_id: id,
        details: serde_json::json!({"name": name, "prefix": prefix, "user_id": user_id}),
    })
    .await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("api key", id))?;
    Ok((key, key_from_row(&row)?))
}

/// `n` random characters of base62, from the thread's CSPRNG.
pub(crate) fn random_base62(n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The SHA-256 of a key, in hex: the only form in which keys are stored.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Resolves a presented key to its user and tenant. Unknown, malformed and
/// revoked keys all answer `None`.
pub async fn authenticate(db: &Db, key: &str) -> Result<Option<(User, ApiKey)>, StoreError> {
    if key_prefix(key).is_none() {
        return Ok(None);
    }
    let cols = KEY_COLUMNS
        .split(", ")
        .map(|c| format!("k.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(row) = db
        .fetch_optional(
            &format!(
                "SELECT {cols} FROM api_keys k WHERE k.key_hash = $1 AND k.revoked_at IS NULL"
            ),
            &[hash_key(key).into()],
        )
        .await?
    else {
        return Ok(None);
    };
    let api_key = key_from_row(&row)?;
    let user = get_user(db, api_key.tenant_id, api_key.user_id).await?;
    Ok(Some((user, api_key)))
}

/// A tenant by id.
pub async fn get_tenant(db: &Db, tenant: TenantId) -> Result<Tenant, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {TENANT_COLUMNS} FROM tenants WHERE id = $1"),
            &[tenant.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("tenant", tenant))?;
    tenant_from_row(&row)
}

/// Every tenant (for operators: `chief tenants list`).
pub async fn list_tenants(db: &Db) -> Result<Vec<Tenant>, StoreError> {
    db.fetch_all(
        &format!("SELECT {TENANT_COLUMNS} FROM tenants ORDER BY created_at"),
        &[],
    )
    .await?
    .iter()
    .map(tenant_from_row)
    .collect()
}

/// A user of the tenant.
pub async fn get_user(db: &Db, tenant: TenantId, id: Uuid) -> Result<User, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("user", id))?;
    user_from_row(&row)
}

/// The tenant's users, oldest first.
pub async fn list_users(db: &Db, tenant: TenantId) -> Result<Vec<User>, StoreError> {
    db.fetch_all(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY created_at"),
        &[tenant.into()],
    )
    .await?
    .iter()
    .map(user_from_row)
    .collect()
}

/// The tenant's keys, without secrets.
pub async fn list_keys(db: &Db, tenant: TenantId) -> Result<Vec<ApiKey>, StoreError> {
    db.fetch_all(
        &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at"),
        &[tenant.into()],
    )
    .await?
    .iter()
    .map(key_from_row)
    .collect()
}

/// Revokes a key of the transaction's tenant, by id or prefix.
pub async fn revoke_key(tx: &mut Tx, id_or_prefix: &str) -> Result<ApiKey, StoreError> {
    let tenant = tx.tenant();
    let by_id = Uuid::parse_str(id_or_prefix).ok();
    let row = tx
        .fetch_optional(
            &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND (id = $2 OR prefix = $3)"),
            &[tenant.into(), by_id.into(), id_or_prefix.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("api key", id_or_prefix))?;
    let key = key_from_row(&row)?;
    let now = tx.now();
    tx.execute(
        "UPDATE api_keys SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), key.id.into(), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: "api_key.revoked".into(),
        entity_type: "api_key",
        entity_id: key.id,
        details: serde_json::json!({"prefix": key.prefix}),
    })
    .await?;
    Ok(ApiKey {
        revoked_at: Some(now),
        ..key
    })
}

pub(crate) fn check_timezone(tz: &str) -> Result<(), StoreError> {
    tz.parse::<chrono_tz::Tz>().map(|_| ()).map_err(|_| {
        StoreError::invalid(
            "timezone",
            format!("{tz:?} is not an IANA timezone such as Europe/Paris"),
        )
    })
}

/// Changes to a user (the body of `PUT /api/users/{id}`); `None` leaves a
/// field as it is, and a `null` name clears it.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "UserUpdate")]
pub struct UserPatch {
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub name: Option<Option<String>>,
    pub role: Option<Role>,
    pub timezone: Option<String>,
}

async fn user_in(tx: &mut Tx, id: Uuid) -> Result<User, StoreError> {
    let tenant = tx.tenant();
    let row = tx
        .fetch_optional(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("user", id))?;
    user_from_row(&row)
}

/// Refuses to leave the workspace without an owner.
async fn keep_an_owner(tx: &mut Tx, leaving: &User) -> Result<(), StoreError> {
    if leaving.role != Role::Owner {
        return Ok(());
    }
    let tenant = tx.tenant();
    let owners = tx
        .fetch_optional(
            "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1 AND role = 'owner'",
            &[tenant.into()],
        )
        .await?
        .map(|r| r.int("n"))
        .transpose()?
        .unwrap_or(0);
    if owners <= 1 {
        return Err(StoreError::Conflict(format!(
            "{} is the workspace's only owner: make another user owner first",
            leaving.email
        )));
    }
    Ok(())
}

/// Changes a user's name, role or timezone; an empty patch writes nothing.
/// The last owner cannot be demoted.
pub async fn update_user(tx: &mut Tx, id: Uuid, patch: UserPatch) -> Result<User, StoreError> {
    let tenant = tx.tenant();
    let before = user_in(tx, id).await?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = crate::fields::clean_optional_name(name.as_deref())?;
    }
    if let Some(role) = patch.role {
        if role != Role::Owner {
            keep_an_owner(tx, &before).await?;
        }
        after.role = role;
    }
    if let Some(tz) = patch.timezone {
        check_timezone(&tz)?;
        after.timezone = tz;
    }
    let changes = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    after.updated_at = tx.now();
    tx.execute(
        "UPDATE users SET name = $3, role = $4, timezone = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into(), after.name.clone().into(), after.role.as_str().into(), after.timezone.as_str().into(), after.updated_at.into()],
    )
    .await?;
    tx.audit(Change {
        action: "user.updated".into(),
        entity_type: "user",
        entity_id: id,
        details: changes,
    })
    .await?;
    user_in(tx, id).await
}

/// The tables whose rows belong to a user and would go with them.
const OWNED_BY_USER: [&str; 10] = [
    "tasks",
    "questions",
    "clients",
    "people",
    "drafts",
    "playbooks",
    "knowledge",
    "recurring_tasks",
    "waiting_items",
    "sales_opportunities",
];

/// Removes a user and their keys. A user who still owns work (tasks,
/// people, drafts…) is refused with a conflict, because the schema would
/// delete that work with them; so is the last owner.
pub async fn delete_user(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let user = user_in(tx, id).await?;
    keep_an_owner(tx, &user).await?;
    for table in OWNED_BY_USER {
        let owns = tx
            .fetch_optional(
                &format!(
                    "SELECT 1 AS one FROM {table} WHERE tenant_id = $1 AND user_id = $2 LIMIT 1"
                ),
                &[tenant.into(), id.into()],
            )
            .await?;
        if owns.is_some() {
            return Err(StoreError::Conflict(format!(
                "{} still owns {table}; revoke their keys instead, or move their work first",
                user.email
            )));
        }
    }
    tx.execute(
        "DELETE FROM api_keys WHERE tenant_id = $1 AND user_id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    tx.execute(
        "DELETE FROM users WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    tx.audit(Change {
        action: "user.deleted".into(),
        entity_type: "user",
        entity_id: id,
        details: serde_json::json!({"email": user.email, "role": user.role.as_str()}),
    })
    .await?;
    Ok(())
}

/// One page of the tenant's users, oldest first.
pub async fn users_page(
    db: &Db,
    tenant: TenantId,
    page: Page,
) -> Result<Listing<User>, StoreError> {
    let total = db
        .fetch_optional(
            "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1",
            &[tenant.into()],
        )
        .await?
        .map(|r| r.int("n"))
        .transpose()?
        .unwrap_or(0);
    let items = db
        .fetch_all(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3"),
            &[tenant.into(), page.limit.into(), page.offset.into()],
        )
        .await?
        .iter()
        .map(user_from_row)
        .collect::<Result<_, _>>()?;
    Ok(Listing {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
    })
}

/// A key of the tenant, without its secret.
pub async fn get_key(db: &Db, tenant: TenantId, id: Uuid) -> Result<ApiKey, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("api key", id))?;
    key_from_row(&row)
}

/// A user's keys, revoked ones included, oldest first.
pub async fn keys_of_user(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
) -> Result<Vec<ApiKey>, StoreError> {
    db.fetch_all(
        &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at, id"),
        &[tenant.into(), user_id.into()],
    )
    .await?
    .iter()
    .map(key_from_row)
    .collect()
}

/// Revokes a key by id; revoking it twice is a conflict.
pub async fn revoke_key_by_id(tx: &mut Tx, id: Uuid) -> Result<ApiKey, StoreError> {
    let tenant = tx.tenant();
    let row = tx
        .fetch_optional(
            &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("api key", id))?;
    let key = key_from_row(&row)?;
    if let Some(at) = key.revoked_at {
        return Err(StoreError::Conflict(format!(
            "the key {} was already revoked at {at}",
            key.prefix
        )));
    }
    revoke_key(tx, &id.to_string()).await
}
