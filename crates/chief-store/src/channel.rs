//! The channels repository: each user's delivery targets, audited like any
//! other change (`channel.created`, `channel.updated`, `channel.deleted`).
//!
//! A channel's signing secret follows the Standard Webhooks format
//! (`whsec_` and base64 of 24 to 64 random bytes). It is generated on
//! creation unless one is given, handed back once, and stored only sealed by
//! the deployment's [`SecretBox`]; no read here returns it except
//! [`signing_secret`], which the delivery worker uses to sign.

use crate::conn::{Conn, Owned, by_id};
use crate::new_id;
use crate::secret_box::SecretBox;
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx, Value};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chief_domain::TenantId;
use chief_domain::channel::{self as rules, Channel, ChannelKind};
use chief_domain::event::{action, verb};
use rand::RngCore;
use uuid::Uuid;

const COLUMNS: &str =
    "id, tenant_id, user_id, kind, name, config, topics, enabled, created_at, updated_at";

/// The prefix of a Standard Webhooks signing secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// The longest webhook URL accepted.
const MAX_URL: usize = 2048;

const OWNED: Owned<'static, Channel> = Owned {
    table: "channels",
    columns: COLUMNS,
    entity: "channel",
    from_row,
};

fn from_row(r: &Row) -> Result<Channel, StoreError> {
    Ok(Channel {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.uuid("user_id")?,
        kind: r.parse("kind")?,
        name: r.text("name")?,
        config: r.json("config")?,
        topics: r.json_as("topics")?,
        enabled: r.bool("enabled")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// A new channel for a user.
#[derive(Clone, Debug, PartialEq)]
pub struct NewChannel {
    pub kind: ChannelKind,
    pub name: String,
    /// A webhook's is `{"url": "https://…"}`.
    pub config: serde_json::Value,
    pub topics: Vec<String>,
    pub enabled: bool,
    /// A signing secret to use instead of a generated one.
    pub secret: Option<String>,
}

/// A new signing secret: `whsec_` and base64 of 32 random bytes.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", B64.encode(bytes))
}

/// The key bytes of a `whsec_…` secret, which HMAC signs with; an error
/// names the `secret` field.
pub fn secret_bytes(secret: &str) -> Result<Vec<u8>, StoreError> {
    let bad = |why: &str| StoreError::invalid("secret", why.to_string());
    let encoded = secret
        .strip_prefix(SECRET_PREFIX)
        .ok_or_else(|| bad("must start with whsec_ (the Standard Webhooks format)"))?;
    let bytes = B64
        .decode(encoded)
        .map_err(|_| bad("must be whsec_ followed by base64"))?;
    if !(24..=64).contains(&bytes.len()) {
        return Err(bad("must encode 24 to 64 bytes"));
    }
    Ok(bytes)
}

/// A kind's settings, checked and normalised. A webhook takes one field,
/// `url`: http or https, with a host and no credentials in it.
pub fn check_config(
    kind: ChannelKind,
    config: &serde_json::Value,
) -> Result<serde_json::Value, StoreError> {
    if !kind.is_supported() {
        return Err(StoreError::invalid(
            "kind",
            format!("{kind} channels are not available yet; use webhook"),
        ));
    }
    let obj = config
        .as_object()
        .ok_or_else(|| StoreError::invalid("config", "must be an object such as {\"url\": …}"))?;
    if let Some(extra) = obj.keys().find(|k| k.as_str() != "url") {
        return Err(StoreError::invalid(
            "config",
            format!("a webhook takes only `url`, not {extra:?}"),
        ));
    }
    let text = obj
        .get("url")
        .and_then(|u| u.as_str())
        .ok_or_else(|| StoreError::invalid("config.url", "is required: the URL to POST to"))?
        .trim();
    Ok(serde_json::json!({ "url": check_url(text)? }))
}

fn check_url(text: &str) -> Result<String, StoreError> {
    let bad = |why: String| StoreError::invalid("config.url", why);
    if text.is_empty() || text.len() > MAX_URL {
        return Err(bad(format!("must be 1 to {MAX_URL} characters")));
    }
    let url = url::Url::parse(text).map_err(|e| bad(format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!("must be http or https, not {}", url.scheme())));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("must name a host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "must not carry credentials; the signature authenticates each request".into(),
        ));
    }
    Ok(url.to_string())
}

/// The row context a channel's secret is sealed to.
fn seal_context(id: Uuid) -> Vec<u8> {
    format!("channel:{id}").into_bytes()
}

fn renamed_conflict(e: StoreError, name: &str) -> StoreError {
    match e {
        StoreError::Conflict(_) => {
            StoreError::Conflict(format!("you already have a channel named {name:?}"))
        }
        other => other,
    }
}

/// Creates a channel for `user_id`; returns it and its signing secret,
/// which is never readable again.
pub async fn create(
    tx: &mut Tx,
    secrets: &SecretBox,
    user_id: Uuid,
    new: NewChannel,
) -> Result<(Channel, String), StoreError> {
    let name = rules::check_name(&new.name)?;
    let config = check_config(new.kind, &new.config)?;
    let topics = rules::check_topics(&new.topics)?;
    let secret = match new.secret {
        Some(s) => {
            let s = s.trim().to_string();
            secret_bytes(&s)?;
            s
        }
        None => new_secret(),
    };
    let (tenant, now, id) = (tx.tenant(), tx.now(), new_id());
    let sealed = secrets.seal(secret.as_bytes(), &seal_context(id));
    tx.execute(
        &format!(
            "INSERT INTO channels ({COLUMNS}, secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)"
        ),
        &[
            id.into(),
            tenant.into(),
            user_id.into(),
            new.kind.as_str().into(),
            name.as_str().into(),
            Value::Json(Some(config)),
            Value::json(&topics),
            new.enabled.into(),
            now.into(),
            sealed.into(),
        ],
    )
    .await
    .map_err(|e| renamed_conflict(e, &name))?;
    let channel = get(&mut *tx, tenant, id).await?;
    tx.audit_new("channel", verb::CREATED, "channel", &channel, id)
        .await?;
    Ok((channel, secret))
}

/// A channel of the tenant.
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Channel, StoreError> {
    from_row(&by_id(conn.into(), "channels", COLUMNS, "", "channel", tenant, id).await?)
}

/// A user's channel by name.
pub async fn by_name(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    name: &str,
) -> Result<Channel, StoreError> {
    OWNED.by_name(db, tenant, user_id, name).await
}

/// The tenant's channels (one user's when given), oldest first.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    user_id: Option<Uuid>,
) -> Result<Vec<Channel>, StoreError> {
    OWNED.list(db, tenant, user_id, "created_at, id").await
}

/// Changes to a channel (the body of `PUT /api/channels/{id}`): fields
/// present are changed, `None` leaves a field as it is. The secret cannot
/// be changed: make a new channel to rotate it.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ChannelUpdate")]
pub struct ChannelPatch {
    pub name: Option<String>,
    /// A webhook's: `{"url": "https://…"}`.
    pub config: Option<serde_json::Value>,
    /// Topics it receives; empty: all.
    pub topics: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// Changes a channel, audited with the fields that changed.
pub async fn update(tx: &mut Tx, id: Uuid, patch: ChannelPatch) -> Result<Channel, StoreError> {
    let (tenant, now) = (tx.tenant(), tx.now());
    let before = get(&mut *tx, tenant, id).await?;
    let name = match &patch.name {
        Some(n) => rules::check_name(n)?,
        None => before.name.clone(),
    };
    let config = match &patch.config {
        Some(c) => check_config(before.kind, c)?,
        None => before.config.clone(),
    };
    let topics = match &patch.topics {
        Some(t) => rules::check_topics(t)?,
        None => before.topics.clone(),
    };
    tx.execute(
        "UPDATE channels SET name = $3, config = $4, topics = $5, enabled = $6, updated_at = $7 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            name.as_str().into(),
            Value::Json(Some(config)),
            Value::json(&topics),
            patch.enabled.unwrap_or(before.enabled).into(),
            now.into(),
        ],
    )
    .await
    .map_err(|e| renamed_conflict(e, &name))?;
    let after = get(&mut *tx, tenant, id).await?;
    tx.audit(Change {
        action: action("channel", verb::UPDATED),
        entity_type: "channel",
        entity_id: id,
        details: chief_domain::log::diff(
            &serde_json::to_value(&before).expect("channels serialise"),
            &serde_json::to_value(&after).expect("channels serialise"),
        ),
    })
    .await?;
    Ok(after)
}

/// Deletes a channel and, with it, its deliveries and their attempts.
pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<Channel, StoreError> {
    let tenant = tx.tenant();
    let before = get(&mut *tx, tenant, id).await?;
    tx.execute(
        "DELETE FROM channels WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("channel", verb::DELETED),
        entity_type: "channel",
        entity_id: id,
        details: serde_json::json!({ "name": before.name, "kind": before.kind }),
    })
    .await?;
    Ok(before)
}

/// The channel and its signing secret, opened: what the delivery worker
/// signs with. `None` for the secret when the channel has none.
pub async fn signing_secret(
    db: &Db,
    secrets: &SecretBox,
    tenant: TenantId,
    id: Uuid,
) -> Result<(Channel, Option<String>), StoreError> {
    let row = by_id(
        db.into(),
        "channels",
        &format!("{COLUMNS}, secret"),
        "",
        "channel",
        tenant,
        id,
    )
    .await?;
    let channel = from_row(&row)?;
    let secret =
        match row.opt_text("secret")? {
            Some(sealed) => {
                let bytes = secrets.open(&sealed, &seal_context(id))?;
                Some(String::from_utf8(bytes).map_err(|_| {
                    StoreError::Corrupt(format!("channel {id}'s secret is not text"))
                })?)
            }
            None => None,
        };
    Ok((channel, secret))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn webhook_urls_must_be_plain_http_or_https() {
        let ok = check_config(
            ChannelKind::Webhook,
            &json!({"url": " https://hooks.example.com/x "}),
        );
        assert_eq!(ok.unwrap(), json!({"url": "https://hooks.example.com/x"}));
        for (config, field) in [
            (json!({"url": "ftp://example.com"}), "config.url"),
            (json!({"url": "https://user:pw@example.com"}), "config.url"),
            (json!({"url": "not a url"}), "config.url"),
            (json!({"url": ""}), "config.url"),
            (json!({}), "config.url"),
            (json!({"url": "https://x.test", "token": "t"}), "config"),
            (json!("https://x.test"), "config"),
        ] {
            let e = check_config(ChannelKind::Webhook, &config).unwrap_err();
            assert!(e.to_string().starts_with(field), "{config}: {e}");
        }
        let slack = check_config(ChannelKind::Slack, &json!({})).unwrap_err();
        assert!(slack.to_string().starts_with("kind"), "{slack}");
    }

    #[test]
    fn secrets_follow_the_standard_webhooks_format() {
        let s = new_secret();
        assert_eq!(secret_bytes(&s).unwrap().len(), 32);
        assert!(secret_bytes("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(secret_bytes("whsec_!!!").is_err());
        assert!(secret_bytes(&format!("whsec_{}", B64.encode([0u8; 8]))).is_err());
        assert!(secret_bytes(&format!("whsec_{}", B64.encode([0u8; 65]))).is_err());
    }
}
