//! The outbox and its wake-ups. Every audited change writes a domain event
//! in the same transaction; streams read them from the `events` table in the
//! tenant's sequence order, so a client can resume after the last id it saw
//! and nothing is lost between reconnects.
//!
//! A committed transaction wakes this process's followers of its tenant
//! ([`wake`]). On PostgreSQL it also sends `NOTIFY chief_events`, which
//! [`Relay`] turns into the same wake-ups in every other instance. SQLite
//! has no NOTIFY, so followers there also poll, to see what another process
//! (the CLI) wrote. A wake-up only says "look again": the events themselves
//! always come from the table.

use crate::{Backend, Db, StoreError};
use chief_domain::TenantId;
use chief_domain::event::DomainEvent;
use std::collections::VecDeque;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::broadcast;

/// The PostgreSQL channel that carries a tenant id per committed change
/// (sent by the `logs_outbox` trigger; see migration 0007).
pub const CHANNEL: &str = "chief_events";

/// How often a follower looks at the table without a wake-up: often on
/// SQLite, where other processes cannot notify; rarely on PostgreSQL, as a
/// safety net for a notification lost with a connection.
fn poll_interval(backend: Backend) -> Duration {
    match backend {
        Backend::Sqlite => Duration::from_secs(1),
        Backend::Postgres => Duration::from_secs(15),
    }
}

/// A wake-up for one tenant, or for all of them (`None`) after a gap in
/// which notifications may have been missed.
type Wake = Option<TenantId>;

fn wakes() -> &'static broadcast::Sender<Wake> {
    static WAKES: OnceLock<broadcast::Sender<Wake>> = OnceLock::new();
    WAKES.get_or_init(|| broadcast::channel(1024).0)
}

/// Tells this process's followers of `tenant` that new events are committed.
pub fn wake(tenant: TenantId) {
    let _ = wakes().send(Some(tenant));
}

/// Every wake-up in this process from now on: a tenant id for each commit
/// that wrote events, `None` when notifications may have been missed. The
/// delivery worker uses it to look at the queue as soon as a notice is
/// written.
pub fn subscribe() -> broadcast::Receiver<Option<TenantId>> {
    wakes().subscribe()
}

fn wake_all() {
    let _ = wakes().send(None);
}

/// Events after `after_seq`, oldest first.
pub async fn since(
    db: &Db,
    tenant: TenantId,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<DomainEvent>, StoreError> {
    db.fetch_all(
        "SELECT seq, event_type, entity_type, entity_id, payload, created_at FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        &[tenant.into(), after_seq.into(), limit.clamp(1, 10_000).into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub(crate) fn from_row(r: &crate::value::Row) -> Result<DomainEvent, StoreError> {
    Ok(DomainEvent {
        seq: r.int("seq")?,
        event_type: r.text("event_type")?,
        entity_type: r.opt_text("entity_type")?,
        entity_id: r.opt_uuid("entity_id")?,
        payload: r.json("payload")?,
        created_at: r.ts("created_at")?,
    })
}

/// The tenant's latest event sequence number; 0 before its first event.
/// Inside a transaction it sees that transaction's own events.
pub async fn head<'a>(
    conn: impl Into<crate::conn::Conn<'a>>,
    tenant: TenantId,
) -> Result<i64, StoreError> {
    let row = conn
        .into()
        .fetch_optional(
            "SELECT seq FROM events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1",
            &[tenant.into()],
        )
        .await?;
    row.map_or(Ok(0), |r| r.int("seq"))
}

/// Follows one tenant's events after `after_seq`, as they are committed.
pub fn follow(db: &Db, tenant: TenantId, after_seq: i64) -> Follower {
    Follower {
        wakes: wakes().subscribe(),
        poll: poll_interval(db.backend()),
        db: db.clone(),
        tenant,
        after: after_seq,
        buffer: VecDeque::new(),
    }
}

/// A live read of one tenant's outbox; see [`follow`].
pub struct Follower {
    db: Db,
    tenant: TenantId,
    after: i64,
    buffer: VecDeque<DomainEvent>,
    wakes: broadcast::Receiver<Wake>,
    poll: Duration,
}

impl Follower {
    /// The sequence number of the last event handed out.
    pub fn last_seq(&self) -> i64 {
        self.after
    }

    /// The next event, waiting until one is committed. Cancel-safe: an event
    /// is handed out exactly once, in order, even if a call is dropped.
    pub async fn next(&mut self) -> Result<DomainEvent, StoreError> {
        loop {
            if let Some(event) = self.buffer.pop_front() {
                self.after = event.seq;
                return Ok(event);
            }
            let batch = since(&self.db, self.tenant, self.after, 500).await?;
            if batch.is_empty() {
                self.wait().await;
            } else {
                self.buffer.extend(batch);
            }
        }
    }

    /// Waits for a wake-up for this tenant or for the poll interval.
    async fn wait(&mut self) {
        let poll = tokio::time::sleep(self.poll);
        tokio::pin!(poll);
        loop {
            tokio::select! {
                wake = self.wakes.recv() => match wake {
                    Ok(Some(tenant)) if tenant != self.tenant => continue,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => return,
                    Err(broadcast::error::RecvError::Closed) => {
                        (&mut poll).await;
                        return;
                    }
                },
                () = &mut poll => return,
            }
        }
    }
}

/// Turns other instances' PostgreSQL notifications into this process's
/// wake-ups. Nothing to do on SQLite.
pub struct Relay {
    pool: sqlx::PgPool,
    listener: sqlx::postgres::PgListener,
}

impl Relay {
    /// Starts listening; once this returns, no later commit in any instance
    /// is missed. `None` on SQLite.
    pub async fn listen(db: &Db) -> Result<Option<Relay>, StoreError> {
        let Db::Postgres(pool) = db else {
            return Ok(None);
        };
        let listener = Self::connect(pool).await?;
        Ok(Some(Relay {
            pool: pool.clone(),
            listener,
        }))
    }

    async fn connect(pool: &sqlx::PgPool) -> Result<sqlx::postgres::PgListener, StoreError> {
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(listener)
    }

    /// Relays notifications until the store is closed. After a lost
    /// connection it reconnects (reporting each failure to `on_error` and
    /// retrying every second) and wakes every follower, since a notification
    /// may have been missed meanwhile.
    pub async fn run(mut self, mut on_error: impl FnMut(&StoreError)) {
        loop {
            match self.listener.try_recv().await {
                Ok(Some(note)) => match note.payload().parse::<TenantId>() {
                    Ok(tenant) => wake(tenant),
                    Err(_) => wake_all(),
                },
                Ok(None) => wake_all(),
                Err(sqlx::Error::PoolClosed) => return,
                Err(e) => {
                    on_error(&e.into());
                    loop {
                        if self.pool.is_closed() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        match Self::connect(&self.pool).await {
                            Ok(listener) => {
                                self.listener = listener;
                                wake_all();
                                break;
                            }
                            Err(e) => on_error(&e),
                        }
                    }
                }
            }
        }
    }
}
