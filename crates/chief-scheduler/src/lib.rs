//! chief's durable scheduler. Jobs live in the store with their next due
//! time; each instance of `chief serve` runs a [`Scheduler`] that sleeps
//! until the soonest one, leases what is due, and runs it:
//!
//! 1. [`chief_store::job_run::claim_due`] leases due jobs to this instance (on
//!    PostgreSQL with `FOR UPDATE SKIP LOCKED`);
//! 2. [`chief_brain::job_timing::plan`] decides, from the schedule and the
//!    clock, which occurrence runs, which were missed, and when it is next
//!    due;
//! 3. the run is recorded before the action starts; the database refuses a
//!    second run of one occurrence;
//! 4. the action runs ([`chief_app::job_work::perform`]), its outcome is recorded, and the
//!    job moves to its next due time and gives its lease back.
//!
//! The clock is passed in: [`Scheduler::tick`] handles everything due at a
//! given instant, which is how the tests drive it with no sleeps.

pub mod trigger_dispatch;

use chief_app::polish::{NoPolish, Polish};
use chief_brain::job_timing::plan;
use chief_domain::job::{Job, JobRun};
use chief_store::{Db, StoreError, job, job_run};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tokio::sync::Notify;

/// How many due jobs one claim takes.
const BATCH: i64 = 100;
/// How many claimed jobs run at once by default: a burst (everyone's
/// 08:00) drains faster, while a job's reads and writes still fit the
/// store's pool.
pub const CONCURRENCY: usize = 4;
/// How long a lease lasts: a run that takes longer may be taken over, and
/// the occurrence is then marked interrupted rather than run twice.
const LEASE: Duration = Duration::minutes(5);
/// The longest the loop sleeps without looking again, so jobs added by
/// another instance are seen.
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(30);

/// How often users added since are given their built-in jobs.
const PROVISION_EVERY: Duration = Duration::minutes(1);

/// What one tick did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tick {
    /// Runs started and finished, failed ones included.
    pub ran: Vec<JobRun>,
    /// Jobs whose missed occurrences were recorded.
    pub missed: usize,
    /// Jobs whose occurrence had already run elsewhere.
    pub skipped: usize,
}

/// Adds one job's outcome to the tick; the first error is kept for the
/// caller, after the rest of the batch has finished.
fn merge(
    tick: &mut Tick,
    failed: &mut Option<StoreError>,
    done: Option<Result<Result<Tick, StoreError>, tokio::task::JoinError>>,
) {
    match done {
        Some(Ok(Ok(one))) => {
            tick.ran.extend(one.ran);
            tick.missed += one.missed;
            tick.skipped += one.skipped;
        }
        Some(Ok(Err(e))) => {
            failed.get_or_insert(e);
        }
        Some(Err(panicked)) => {
            tracing::error!(error = %panicked, "a job's task panicked");
        }
        None => {}
    }
}

/// One instance's scheduler.
#[derive(Clone)]
pub struct Scheduler {
    db: Db,
    instance: String,
    wake: Arc<Notify>,
    polish: Arc<dyn Polish>,
    concurrency: usize,
}

impl Scheduler {
    /// A scheduler over `db`, naming itself `instance` in leases and runs.
    pub fn new(db: Db, instance: impl Into<String>) -> Scheduler {
        Scheduler {
            db,
            instance: instance.into(),
            wake: Arc::new(Notify::new()),
            polish: Arc::new(NoPolish),
            concurrency: CONCURRENCY,
        }
    }

    /// The same scheduler, running at most `n` claimed jobs at once.
    pub fn with_concurrency(mut self, n: usize) -> Scheduler {
        self.concurrency = n.max(1);
        self
    }

    /// The same scheduler, polishing the briefings it delivers with
    /// `polish`.
    pub fn with_polish(mut self, polish: Arc<dyn Polish>) -> Scheduler {
        self.polish = polish;
        self
    }

    /// A handle that wakes the loop at once, for when jobs change.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Runs every job due at `now`, batch by batch, until none is left;
    /// up to [`CONCURRENCY`] jobs of a batch at once (see
    /// [`Scheduler::with_concurrency`]).
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<Tick, StoreError> {
        let mut tick = Tick::default();
        loop {
            let due = job_run::claim_due(&self.db, &self.instance, now, LEASE, BATCH).await?;
            if due.is_empty() {
                return Ok(tick);
            }
            let mut running = tokio::task::JoinSet::new();
            let mut failed = None;
            for j in due {
                while running.len() >= self.concurrency {
                    merge(&mut tick, &mut failed, running.join_next().await);
                }
                let me = self.clone();
                running.spawn(async move {
                    let mut one = Tick::default();
                    me.handle(&j, now, &mut one).await.map(|()| one)
                });
            }
            while let Some(done) = running.join_next().await {
                merge(&mut tick, &mut failed, Some(done));
            }
            if let Some(e) = failed {
                return Err(e);
            }
        }
    }

    async fn handle(&self, j: &Job, now: DateTime<Utc>, tick: &mut Tick) -> Result<(), StoreError> {
        let timing = match job::Timing::parse(&j.schedule, &j.timezone) {
            Ok(t) => t,
            Err(e) => {
                // Cannot happen through the store's checks; if the row was
                // edited by hand, park the job rather than spin on it.
                tracing::error!(job = %j.id, error = %e, "job has an invalid schedule; disabling it");
                job_run::reschedule(&self.db, j, &self.instance, None, None).await?;
                return Ok(());
            }
        };
        let p = plan(
            &timing.schedule,
            &timing.tz,
            j.next_run_at,
            now,
            j.misfire_policy,
            Duration::seconds(j.grace_seconds),
        );
        if let Some(m) = &p.missed {
            job_run::record_missed(&self.db, j, m.first, m.last, m.count, now).await?;
            tick.missed += 1;
        }
        let mut ran_at = None;
        if let Some((occurrence, cause)) = p.run {
            match job_run::begin_run(&self.db, j, occurrence, cause.as_str(), &self.instance, now)
                .await?
            {
                Some(run) => {
                    tick.ran.push(
                        chief_app::job_work::perform(&self.db, self.polish.as_ref(), j, run, now)
                            .await?,
                    );
                    ran_at = Some(now);
                }
                None => tick.skipped += 1,
            }
        }
        job_run::reschedule(&self.db, j, &self.instance, p.next_run_at, ran_at).await?;
        Ok(())
    }

    /// Gives every user who lacks them the built-in jobs, in their time
    /// zone, as the system acting in their tenant; returns how many jobs
    /// were created.
    pub async fn provision(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut created = 0;
        for (tenant, user, tz) in job::users_without_builtin(&self.db).await? {
            let scope = chief_store::Scope {
                tenant,
                actor: chief_domain::log::Actor::system(),
                trace_id: Some(chief_store::new_trace_id()),
                now: Some(now),
            };
            let mut tx = self.db.write(&scope).await?;
            created += job::ensure_builtin(&mut tx, user, &tz).await?.len();
            tx.commit().await?;
        }
        Ok(created)
    }

    /// Runs `j` once now, whatever its schedule, as a manual run with
    /// this scheduler's polish (see `chief_app::job_work::run_now`).
    pub async fn run_now(&self, j: &Job, now: DateTime<Utc>) -> Result<JobRun, StoreError> {
        chief_app::job_work::run_now(&self.db, self.polish.as_ref(), j, &self.instance, now).await
    }

    /// Runs due jobs until `shutdown` resolves: ticks, then sleeps until the
    /// soonest job is due (at most 30 s, or until woken).
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut provisioned_at: Option<DateTime<Utc>> = None;
        loop {
            let now = Utc::now();
            if provisioned_at.is_none_or(|t| now - t >= PROVISION_EVERY) {
                match self.provision(now).await {
                    Ok(n) if n > 0 => tracing::info!(created = n, "gave users their built-in jobs"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "cannot give users their built-in jobs"),
                }
                provisioned_at = Some(now);
            }
            if let Err(e) = self.tick(now).await {
                tracing::error!(error = %e, "scheduler tick failed; retrying shortly");
            }
            let sleep = match job_run::next_due_at(&self.db).await {
                Ok(Some(due)) => (due - Utc::now())
                    .to_std()
                    .unwrap_or_default()
                    .min(MAX_SLEEP),
                Ok(None) => MAX_SLEEP,
                Err(e) => {
                    tracing::error!(error = %e, "scheduler cannot read the next due job");
                    MAX_SLEEP
                }
            };
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(sleep) => {}
                _ = self.wake.notified() => {}
            }
        }
    }
}
