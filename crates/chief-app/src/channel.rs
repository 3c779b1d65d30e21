//! Channels: adding, changing, pausing, removing and testing one, for the
//! API, the settings page and the CLI alike. Adding takes [`ChannelCreate`]
//! (its absent fields get their defaults here); changing takes the store's
//! `ChannelPatch`. Who may touch which channel is the edge's to check, as
//! it reads the channel first.

use crate::write::in_tx;
use chief_domain::channel::{Channel, ChannelKind, TEST_TOPIC, test_notice};
use chief_domain::delivery::Delivery;
use chief_store::channel::{self, ChannelPatch, NewChannel};
use chief_store::{Db, Scope, SecretBox, StoreError, delivery, delivery_queue};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// A new channel (the body of `POST /api/channels`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ChannelCreate")]
pub struct ChannelCreate {
    /// `webhook` (the only kind available so far) unless given.
    pub kind: Option<ChannelKind>,
    /// Unique among your channels, 1 to 100 characters.
    pub name: String,
    /// A webhook's: `{"url": "https://…"}` (http or https, no credentials).
    pub config: serde_json::Value,
    /// Topics it receives; empty or absent: all.
    pub topics: Option<Vec<String>>,
    /// `true` unless given.
    pub enabled: Option<bool>,
    /// A `whsec_…` secret to sign with (base64 of 24 to 64 bytes) instead of
    /// a generated one.
    pub secret: Option<String>,
}

impl From<ChannelCreate> for NewChannel {
    fn from(c: ChannelCreate) -> NewChannel {
        NewChannel {
            kind: c.kind.unwrap_or(ChannelKind::Webhook),
            name: c.name,
            config: c.config,
            topics: c.topics.unwrap_or_default(),
            enabled: c.enabled.unwrap_or(true),
            secret: c.secret,
        }
    }
}

/// Adds a channel for the scope's user; returns it and its signing secret,
/// which is shown this once.
pub async fn create(
    db: &Db,
    scope: &Scope,
    secrets: &SecretBox,
    new: ChannelCreate,
) -> Result<(Channel, String), StoreError> {
    in_tx(db, scope, async |tx, user| {
        channel::create(tx, secrets, user, new.into()).await
    })
    .await
}

/// Changes channel `id`.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    patch: ChannelPatch,
) -> Result<Channel, StoreError> {
    in_tx(db, scope, async |tx, _| {
        channel::update(tx, id, patch).await
    })
    .await
}

/// Pauses (`enabled` false) or resumes channel `id`.
pub async fn set_enabled(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    enabled: bool,
) -> Result<Channel, StoreError> {
    let patch = ChannelPatch {
        enabled: Some(enabled),
        ..ChannelPatch::default()
    };
    update(db, scope, id, patch).await
}

/// Removes channel `id` and its deliveries; returns what it was.
pub async fn delete(db: &Db, scope: &Scope, id: Uuid) -> Result<Channel, StoreError> {
    in_tx(db, scope, async |tx, _| channel::delete(tx, id).await).await
}

/// Queues a test notice for `channel` alone (whatever its topics, enabled
/// or not); returns the delivery.
pub async fn test(db: &Db, scope: &Scope, channel: &Channel) -> Result<Delivery, StoreError> {
    in_tx(db, scope, async |tx, _| {
        delivery::enqueue_to_channel(tx, channel, TEST_TOPIC, &test_notice(channel)).await
    })
    .await
}

/// Queues delivery `id` to be sent again now.
pub async fn redeliver(db: &Db, scope: &Scope, id: Uuid) -> Result<Delivery, StoreError> {
    in_tx(db, scope, async |tx, _| {
        delivery_queue::redeliver(tx, id).await
    })
    .await
}
