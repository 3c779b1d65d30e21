//! The event side of triggers: follows the outbox for every enabled event
//! trigger from its cursor, and fires it once per event it waits for.
//!
//! Before firing, it asks what caused the event. If a firing of this same
//! trigger did, directly or through other triggers, or the chain of
//! firings has grown past [`MAX_CHAIN`], nothing runs: the firing is
//! recorded as `loop_stopped` and the owner told, so the loop ends there.
//! A trigger that fires more than [`MAX_FIRINGS_PER_HOUR`] times in an hour
//! is paused as a runaway, which catches loops that pass through the
//! outside world where no trace follows them.

use chief_app::polish::{NoPolish, Polish};
use chief_app::trigger_fire::{Cause, fire, stop};
use chief_domain::event::DomainEvent;
use chief_domain::trigger::{
    Firing, FiringStatus, MAX_CHAIN, MAX_FIRINGS_PER_HOUR, Trigger, loop_in,
};
use chief_store::trigger_firing::{self, cause_of};
use chief_store::{Backend, Db, StoreError, events, trigger};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// How many event triggers one claim takes.
const BATCH: i64 = 50;
/// How many events of one trigger are read at a time.
const EVENTS: i64 = 100;
/// How long a claim lasts before another instance may take the trigger.
const LEASE: Duration = Duration::minutes(5);

/// One instance's trigger dispatcher.
#[derive(Clone)]
pub struct Dispatcher {
    db: Db,
    instance: String,
    polish: std::sync::Arc<dyn Polish>,
}

impl Dispatcher {
    /// A dispatcher over `db`, naming itself `instance` in leases.
    pub fn new(db: Db, instance: impl Into<String>) -> Dispatcher {
        Dispatcher {
            db,
            instance: instance.into(),
            polish: std::sync::Arc::new(NoPolish),
        }
    }

    /// The same dispatcher, polishing the briefings its triggers deliver.
    pub fn with_polish(mut self, polish: std::sync::Arc<dyn Polish>) -> Dispatcher {
        self.polish = polish;
        self
    }

    /// Fires every event trigger on the events committed so far, as of
    /// `now`; returns the firings, stopped ones included.
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<Vec<Firing>, StoreError> {
        let mut out = Vec::new();
        loop {
            let claimed =
                trigger_firing::claim_event_triggers(&self.db, &self.instance, now, LEASE, BATCH)
                    .await?;
            if claimed.is_empty() {
                return Ok(out);
            }
            for t in claimed {
                let head = events::head(&self.db, t.tenant_id).await?;
                let drained = self.drain(&t, head, now, &mut out).await;
                // The lease goes back whatever happened; a failure is
                // retried from the cursor the last firing left.
                let cursor = if drained.is_ok() { head } else { t.cursor };
                trigger_firing::release(&self.db, &t, &self.instance, cursor).await?;
                drained?;
            }
        }
    }

    async fn drain(
        &self,
        t: &Trigger,
        head: i64,
        now: DateTime<Utc>,
        out: &mut Vec<Firing>,
    ) -> Result<(), StoreError> {
        let mut after = t.cursor;
        loop {
            let batch = trigger_firing::pending_events(&self.db, t, after, head, EVENTS).await?;
            for e in &batch {
                after = e.seq;
                if let Some(f) = self.on_event(t, e, now).await? {
                    let paused = f.status == FiringStatus::RateLimited;
                    out.push(f);
                    if paused {
                        return Ok(());
                    }
                }
            }
            if (batch.len() as i64) < EVENTS {
                return Ok(());
            }
        }
    }

    async fn on_event(
        &self,
        t: &Trigger,
        e: &DomainEvent,
        now: DateTime<Utc>,
    ) -> Result<Option<Firing>, StoreError> {
        let parent = cause_of(&self.db, t.tenant_id, e).await?;
        let mut chain: Vec<Uuid> = parent.map(|f| f.chain).unwrap_or_default();
        let looped = loop_in(&chain, t.id);
        chain.push(t.id);
        if let Some(why) = looped {
            let names = self.names(t, &chain).await?;
            let why = format!("{why} ({names})");
            tracing::warn!(trigger = %t.name, tenant = %t.tenant_id, %why, "trigger loop stopped");
            return stop(&self.db, t, e, &chain, FiringStatus::LoopStopped, &why, now).await;
        }
        let recent =
            trigger_firing::fired_since(&self.db, t.tenant_id, t.id, now - Duration::hours(1))
                .await?;
        if recent >= MAX_FIRINGS_PER_HOUR {
            let why = format!(
                "paused as a runaway: it fired {recent} times in the last hour (the most is {MAX_FIRINGS_PER_HOUR})"
            );
            tracing::warn!(trigger = %t.name, tenant = %t.tenant_id, %why, "trigger runaway stopped");
            return stop(&self.db, t, e, &chain, FiringStatus::RateLimited, &why, now).await;
        }
        fire(
            &self.db,
            self.polish.as_ref(),
            t,
            Cause::Event(e),
            &chain,
            now,
        )
        .await
    }

    /// "a → b → a", the chain by trigger name.
    async fn names(&self, t: &Trigger, chain: &[Uuid]) -> Result<String, StoreError> {
        let mut names = Vec::with_capacity(chain.len().min(MAX_CHAIN + 1));
        for id in chain {
            names.push(match trigger::get(&self.db, t.tenant_id, *id).await {
                Ok(other) => other.name,
                Err(_) => "a deleted trigger".into(),
            });
        }
        Ok(names.join(" → "))
    }

    /// Fires triggers until `shutdown` resolves: at once when this process
    /// (or, on PostgreSQL, another instance) commits events, and every few
    /// seconds for what other processes wrote to a SQLite file.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut wakes = events::subscribe();
        let poll = match self.db.backend() {
            Backend::Sqlite => std::time::Duration::from_secs(2),
            Backend::Postgres => std::time::Duration::from_secs(15),
        };
        loop {
            if let Err(e) = self.tick(Utc::now()).await {
                tracing::error!(error = %e, "trigger dispatch failed; retrying shortly");
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = wakes.recv() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}
