//! The delivery worker: sends what is due, records every attempt, and
//! schedules retries.
//!
//! [`Worker::tick`] handles everything due at a given instant (the tests
//! drive it with an injected clock), batch by batch:
//! 1. [`delivery_queue::claim_due`] leases due deliveries to this instance;
//! 2. each is sent through its channel, concurrently within a batch (every
//!    send is bounded by the 10 s timeout, well inside the lease);
//! 3. the attempt and its outcome ([`retry::outcome`]) are written while the
//!    lease is still held, which gives the lease back.
//!
//! [`Worker::run`] loops: it ticks when something is due, then sleeps until
//! the next delivery is due (at most 30 s), waking early when any change is
//! committed in this process (new deliveries are written with an audited
//! event, and on PostgreSQL other instances' commits arrive the same way).

use crate::retry::{self, Jitter};
use crate::webhook::{self, Response};
use chief_domain::channel::ChannelKind;
use chief_domain::delivery::Delivery;
use chief_store::delivery_queue::{self, Attempt, Outcome};
use chief_store::{Db, SecretBox, StoreError, channel};
use chrono::{DateTime, Duration, Utc};
use tokio::sync::broadcast::error::RecvError;

/// How many due deliveries one claim takes (and sends at once).
const BATCH: i64 = 32;
/// How long a lease lasts: far longer than one send may take.
const LEASE: Duration = Duration::minutes(2);
/// The longest the loop sleeps without looking again.
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(30);

/// What one tick did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tick {
    pub delivered: usize,
    pub retried: usize,
    pub failed: usize,
    /// Sent, but the lease had passed on before the outcome was written.
    pub lost_lease: usize,
}

/// One instance's delivery worker.
#[derive(Clone)]
pub struct Worker {
    db: Db,
    secrets: SecretBox,
    instance: String,
    sender: webhook::Sender,
    jitter: Jitter,
}

impl Worker {
    /// A worker over `db`, naming itself `instance` in leases, with full
    /// jitter.
    pub fn new(
        db: Db,
        secrets: SecretBox,
        instance: impl Into<String>,
    ) -> Result<Worker, StoreError> {
        let sender = webhook::Sender::new()
            .map_err(|e| StoreError::Config(format!("cannot start the HTTP client: {e}")))?;
        Ok(Worker {
            db,
            secrets,
            instance: instance.into(),
            sender,
            jitter: retry::full_jitter(),
        })
    }

    /// The same worker with another source of jitter (tests pin it).
    pub fn with_jitter(mut self, jitter: Jitter) -> Worker {
        self.jitter = jitter;
        self
    }

    /// Sends every delivery due at `now`, batch by batch, until none is
    /// left; retries land at least a second later, so a tick ends.
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<Tick, StoreError> {
        let mut tick = Tick::default();
        loop {
            let due =
                delivery_queue::claim_due(&self.db, &self.instance, now, LEASE, BATCH).await?;
            if due.is_empty() {
                return Ok(tick);
            }
            let mut sends = tokio::task::JoinSet::new();
            for d in due {
                let worker = self.clone();
                sends.spawn(async move { worker.deliver(d, now).await });
            }
            while let Some(joined) = sends.join_next().await {
                let outcome = joined.map_err(|e| {
                    StoreError::Unavailable(format!("a delivery task stopped: {e}"))
                })??;
                match outcome {
                    Some(Outcome::Delivered) => tick.delivered += 1,
                    Some(Outcome::Retry { .. }) => tick.retried += 1,
                    Some(Outcome::Failed { .. }) => tick.failed += 1,
                    None => tick.lost_lease += 1,
                }
            }
        }
    }

    /// Makes one attempt now at the tenant's pending delivery `id`, whatever
    /// its next try's time: the command line's "send it now". Returns the
    /// delivery as it then stands; `None` when it is not pending or another
    /// instance is sending it.
    pub async fn send_now(
        &self,
        tenant: chief_domain::TenantId,
        id: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<Delivery>, StoreError> {
        let Some(d) =
            delivery_queue::claim_one(&self.db, tenant, id, &self.instance, now, LEASE).await?
        else {
            return Ok(None);
        };
        if self.deliver(d, now).await?.is_none() {
            return Ok(None);
        }
        chief_store::delivery::get(&self.db, tenant, id)
            .await
            .map(Some)
    }

    /// Makes one attempt at `d` and records it; `None` when the lease was
    /// lost meanwhile.
    async fn deliver(
        &self,
        d: Delivery,
        now: DateTime<Utc>,
    ) -> Result<Option<Outcome>, StoreError> {
        let response = self.attempt(&d, now).await;
        let outcome = retry::outcome(&response, d.attempts + 1, now, &self.jitter);
        let attempt = Attempt {
            started_at: now,
            duration_ms: response.duration_ms,
            status_code: response.status.map(i64::from),
            error: response.error.clone(),
        };
        let written =
            delivery_queue::finish_attempt(&self.db, &d, &self.instance, &attempt, &outcome)
                .await?;
        if written.is_none() {
            tracing::warn!(delivery = %d.id, "delivery lease passed to another instance before its outcome was written");
            return Ok(None);
        }
        match &outcome {
            Outcome::Delivered => {
                tracing::debug!(delivery = %d.id, topic = %d.topic, "delivered")
            }
            Outcome::Retry { at, error } => {
                tracing::warn!(delivery = %d.id, tenant = %d.tenant_id, attempt = d.attempts + 1, retry_at = %at, error = %error, "delivery attempt failed; will retry")
            }
            Outcome::Failed { error } => {
                tracing::error!(delivery = %d.id, tenant = %d.tenant_id, topic = %d.topic, error = %error, "delivery failed; giving up (re-deliver it from the API or `chief deliveries redeliver`)")
            }
        }
        Ok(Some(outcome))
    }

    /// One send through the delivery's channel. Problems on our side (a
    /// secret that does not open) count as a failed attempt, so they are
    /// retried and end up visible rather than dropped.
    async fn attempt(&self, d: &Delivery, now: DateTime<Utc>) -> Response {
        let refused = |error: String| Response {
            status: None,
            retry_after: None,
            error: Some(error),
            duration_ms: 0,
        };
        let Some(channel_id) = d.channel_id else {
            return refused("the dashboard's copy has no channel to send to".into());
        };
        let (ch, secret) =
            match channel::signing_secret(&self.db, &self.secrets, d.tenant_id, channel_id).await {
                Ok(found) => found,
                Err(e) => return refused(format!("cannot read the channel: {e}")),
            };
        if ch.kind != ChannelKind::Webhook {
            return refused(format!("{} channels cannot send yet", ch.kind));
        }
        let Some(url) = ch.config.get("url").and_then(|u| u.as_str()) else {
            return refused("the channel has no url".into());
        };
        let key = match secret.as_deref().map(channel::secret_bytes) {
            Some(Ok(key)) => key,
            Some(Err(e)) => return refused(format!("the channel's secret is unusable: {e}")),
            None => return refused("the channel has no signing secret".into()),
        };
        self.sender.send(url, &key, d, now).await
    }

    /// Sends deliveries until `shutdown` resolves.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut changes = chief_store::events::subscribe();
        loop {
            let now = Utc::now();
            match delivery_queue::next_due_at(&self.db, now).await {
                Ok(Some(due)) if due <= now => {
                    if let Err(e) = self.tick(now).await {
                        tracing::error!(error = %e, "delivery tick failed; retrying shortly");
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "cannot read the delivery queue"),
            }
            let sleep = match delivery_queue::next_due_at(&self.db, Utc::now()).await {
                Ok(Some(due)) => (due - Utc::now())
                    .to_std()
                    .unwrap_or_default()
                    .min(MAX_SLEEP),
                Ok(None) => MAX_SLEEP,
                Err(_) => MAX_SLEEP,
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(sleep) => {}
                woke = changes.recv() => {
                    if matches!(woke, Err(RecvError::Closed)) {
                        tokio::time::sleep(sleep).await;
                    }
                }
            }
        }
    }
}
