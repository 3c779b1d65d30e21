//! The scheduler on both backends, driven by a clock passed to each tick:
//! restarts inside the grace window catch up once, long downtime is
//! recorded as missed, DST days run once, two instances never run a job
//! twice, and a job's action changes the workspace through audited
//! services.

#[path = "../../chief-store/tests/common/mod.rs"]
mod common;

use chief_domain::job::{JobKind, MisfirePolicy, RunStatus};
use chief_domain::recurring::{Frequency, NewRecurringTask};
use chief_scheduler::Scheduler;
use chief_store::job::{self, JobPatch, NewJob};
use chief_store::{Db, Page, StoreError, recurring, task_query};
use chrono::{DateTime, Duration, Utc};
use common::{backend_test, in_tx, scope_at, workspace};
use uuid::Uuid;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a test instant")
}

fn daily_at(expr: &str, tz: &str) -> NewJob {
    NewJob {
        name: "digest".into(),
        schedule: expr.into(),
        ..NewJob::builtin(JobKind::RecurringTasks, tz)
    }
}

async fn add_job(
    db: &Db,
    tenant: chief_domain::TenantId,
    user: Uuid,
    created: DateTime<Utc>,
    new: NewJob,
) -> Result<chief_domain::job::Job, StoreError> {
    in_tx(db, &scope_at(tenant, user, created), async |tx| {
        job::create(tx, user, new).await
    })
    .await
}

async fn history(db: &Db, j: &chief_domain::job::Job) -> Vec<(RunStatus, String, DateTime<Utc>)> {
    let mut runs = job::runs(
        db,
        j.tenant_id,
        j.id,
        Page {
            limit: 1000,
            offset: 0,
        },
    )
    .await
    .expect("runs list")
    .items;
    runs.reverse();
    runs.into_iter()
        .map(|r| (r.status, r.cause, r.scheduled_for))
        .collect()
}

backend_test!(
    a_restart_inside_the_grace_window_catches_up_exactly_once,
    |db| async move {
        let (tenant, user) = workspace(&db, "a").await;
        let j = add_job(
            &db,
            tenant,
            user,
            at("2026-11-23T12:00:00Z"),
            daily_at("0 8 * * *", "UTC"),
        )
        .await?;
        assert_eq!(j.next_run_at, at("2026-11-24T08:00:00Z"));
        let s = Scheduler::new(db.clone(), "one");
        assert!(s.tick(at("2026-11-24T07:59:59Z")).await?.ran.is_empty());
        // Down from 07:59 to 08:40, inside the hour of grace: caught up once.
        let first = s.tick(at("2026-11-24T08:40:00Z")).await?;
        assert_eq!(first.ran.len(), 1);
        assert_eq!(
            first.ran[0].status,
            RunStatus::Succeeded,
            "{:?}",
            first.ran[0]
        );
        // Restarting again straight away runs nothing more.
        let again = Scheduler::new(db.clone(), "one-restarted");
        assert!(again.tick(at("2026-11-24T08:41:00Z")).await?.ran.is_empty());
        assert_eq!(
            history(&db, &j).await,
            [(
                RunStatus::Succeeded,
                "catch_up".to_string(),
                at("2026-11-24T08:00:00Z")
            )]
        );
        let j = job::get(&db, tenant, j.id).await?;
        assert_eq!(j.next_run_at, at("2026-11-25T08:00:00Z"));
        assert_eq!(j.last_run_at, Some(at("2026-11-24T08:40:00Z")));
        assert_eq!(j.lease_owner, None, "the lease is given back");
        Ok(())
    }
);

backend_test!(
    three_hours_down_with_a_one_hour_grace_is_recorded_as_missed_not_run,
    |db| async move {
        let (tenant, user) = workspace(&db, "a").await;
        let j = add_job(
            &db,
            tenant,
            user,
            at("2026-11-23T12:00:00Z"),
            daily_at("0 8 * * *", "UTC"),
        )
        .await?;
        // A recurring task due before 08:00 shows whether the action ran.
        in_tx(
            &db,
            &scope_at(tenant, user, at("2026-11-23T12:00:00Z")),
            async |tx| {
                recurring::create(
                    tx,
                    user,
                    NewRecurringTask {
                        title: "Water the plants".into(),
                        description: None,
                        task_template: serde_json::json!({"title": "Water the plants"}),
                        frequency: Frequency::Daily,
                        cron_expression: None,
                        next_run: at("2026-11-24T07:00:00Z"),
                    },
                )
                .await
            },
        )
        .await?;
        let s = Scheduler::new(db.clone(), "one");
        let tick = s.tick(at("2026-11-24T11:00:00Z")).await?;
        assert!(tick.ran.is_empty());
        assert_eq!(tick.missed, 1);
        assert_eq!(
            history(&db, &j).await,
            [(
                RunStatus::Missed,
                "schedule".to_string(),
                at("2026-11-24T08:00:00Z")
            )]
        );
        assert_eq!(
            job::get(&db, tenant, j.id).await?.next_run_at,
            at("2026-11-25T08:00:00Z")
        );
        let tasks = task_query::list(&db, tenant, &Default::default(), Page::default()).await?;
        assert_eq!(tasks.total, 0, "a missed run does nothing");
        Ok(())
    }
);

backend_test!(
    a_0230_job_in_madrid_runs_once_on_both_dst_days,
    |db| async move {
        let (tenant, user) = workspace(&db, "a").await;
        for (created, end, days) in [
            (
                "2026-03-27T12:00:00Z",
                "2026-03-31T12:00:00Z",
                ["03-28 02:30", "03-29 03:00", "03-30 02:30", "03-31 02:30"],
            ),
            (
                "2026-10-23T12:00:00Z",
                "2026-10-27T12:00:00Z",
                ["10-24 02:30", "10-25 02:30", "10-26 02:30", "10-27 02:30"],
            ),
        ] {
            let j = add_job(
                &db,
                tenant,
                user,
                at(created),
                NewJob {
                    name: format!("dst-{}", &created[..7]),
                    ..daily_at("30 2 * * *", "Europe/Madrid")
                },
            )
            .await?;
            let s = Scheduler::new(db.clone(), "one");
            let mut now = at(created);
            while now <= at(end) {
                s.tick(now).await?;
                now += Duration::minutes(10);
            }
            let ran: Vec<String> = history(&db, &j)
                .await
                .into_iter()
                .map(|(status, _, t)| {
                    assert_eq!(status, RunStatus::Succeeded);
                    t.with_timezone(&chrono_tz::Europe::Madrid)
                        .format("%m-%d %H:%M")
                        .to_string()
                })
                .collect();
            assert_eq!(ran, days);
        }
        Ok(())
    }
);

backend_test!(
    two_instances_run_each_of_500_due_jobs_exactly_once,
    |db| async move {
        let (tenant, user) = workspace(&db, "a").await;
        let created = at("2026-11-24T07:00:00Z");
        in_tx(&db, &scope_at(tenant, user, created), async |tx| {
            for i in 0..500 {
                job::create(
                    tx,
                    user,
                    NewJob {
                        name: format!("job-{i}"),
                        ..daily_at("0 8 * * *", "UTC")
                    },
                )
                .await?;
            }
            Ok(())
        })
        .await?;
        let (a, b) = (
            Scheduler::new(db.clone(), "a"),
            Scheduler::new(db.clone(), "b"),
        );
        let now = at("2026-11-24T08:00:01Z");
        let (ta, tb) = tokio::join!(a.tick(now), b.tick(now));
        let (ta, tb) = (ta?, tb?);
        assert_eq!(
            ta.ran.len() + tb.ran.len(),
            500,
            "a ran {}, b ran {}",
            ta.ran.len(),
            tb.ran.len()
        );
        let row = db
            .fetch_optional(
                "SELECT COUNT(*) AS runs, COUNT(DISTINCT job_id) AS jobs FROM job_runs WHERE tenant_id = $1",
                &[tenant.into()],
            )
            .await?
            .expect("a count");
        assert_eq!((row.int("runs")?, row.int("jobs")?), (500, 500));
        Ok(())
    }
);

backend_test!(
    the_recurring_tasks_job_creates_due_tasks_as_audited_changes,
    |db| async move {
        let (tenant, user) = workspace(&db, "a").await;
        let created = at("2026-11-24T07:00:00Z");
        let j = in_tx(&db, &scope_at(tenant, user, created), async |tx| {
            recurring::create(
                tx,
                user,
                NewRecurringTask {
                    title: "Send the weekly update".into(),
                    description: None,
                    task_template: serde_json::json!({"title": "Send the weekly update"}),
                    frequency: Frequency::Weekly,
                    cron_expression: None,
                    next_run: at("2026-11-24T07:30:00Z"),
                },
            )
            .await?;
            Ok(job::ensure_builtin(tx, user, "UTC").await?.remove(0))
        })
        .await?;
        assert_eq!(j.kind, JobKind::RecurringTasks);
        let s = Scheduler::new(db.clone(), "one");
        let tick = s.tick(at("2026-11-24T07:35:00Z")).await?;
        assert_eq!(tick.ran.len(), 1);
        assert_eq!(
            tick.ran[0].output.as_deref(),
            Some("created 1 task: Send the weekly update")
        );
        let tasks = task_query::list(&db, tenant, &Default::default(), Page::default()).await?;
        assert_eq!(
            tasks
                .items
                .iter()
                .map(|t| t.title.as_str())
                .collect::<Vec<_>>(),
            ["Send the weekly update"]
        );
        let log = chief_store::audit::list(&db, tenant, Some(tasks.items[0].id), 10).await?;
        assert_eq!(
            log.last().map(|l| l.actor),
            Some(chief_domain::log::ActorKind::System)
        );
        // A manual run does it again at once, and keeps the schedule.
        let manual = s.run_now(&j, at("2026-11-24T07:36:00Z")).await?;
        assert_eq!(manual.cause, "manual");
        assert_eq!(manual.output.as_deref(), Some("no recurring task was due"));
        assert_eq!(
            job::get(&db, tenant, j.id).await?.next_run_at,
            at("2026-11-24T07:40:00Z")
        );
        // Built-in jobs are made once.
        let again = in_tx(&db, &scope_at(tenant, user, created), async |tx| {
            job::ensure_builtin(tx, user, "UTC").await
        })
        .await?;
        assert!(again.is_empty());
        Ok(())
    }
);

backend_test!(
    a_second_run_of_one_occurrence_is_refused_and_an_interrupted_one_marked_failed,
    |db| async move {
        let (tenant, user) = workspace(&db, "a").await;
        let j = add_job(
            &db,
            tenant,
            user,
            at("2026-11-23T12:00:00Z"),
            daily_at("0 8 * * *", "UTC"),
        )
        .await?;
        let due = at("2026-11-24T08:00:00Z");
        let first = job::begin_run(&db, &j, due, "schedule", "a", due).await?;
        assert!(first.is_some());
        // Instance a died mid-run; b took the expired lease.
        assert!(
            job::begin_run(&db, &j, due, "schedule", "b", due + Duration::minutes(6))
                .await?
                .is_none()
        );
        let run = job::run(&db, tenant, first.expect("checked").id).await?;
        assert_eq!(run.status, RunStatus::Failed);
        assert!(
            run.error
                .as_deref()
                .unwrap_or("")
                .starts_with("interrupted"),
            "{run:?}"
        );
        Ok(())
    }
);

backend_test!(
    bad_schedules_and_time_zones_are_refused_naming_the_field,
    |db| async move {
        let (tenant, user) = workspace(&db, "a").await;
        let now = at("2026-11-24T07:00:00Z");
        for (new, field) in [
            (daily_at("61 * * * *", "UTC"), "schedule"),
            (daily_at("0 0 31 2 *", "UTC"), "schedule"),
            (daily_at("@daily", "Mars/Olympus"), "timezone"),
            (
                NewJob {
                    name: "has space".into(),
                    ..daily_at("@daily", "UTC")
                },
                "name",
            ),
            (
                NewJob {
                    grace_seconds: -1,
                    ..daily_at("@daily", "UTC")
                },
                "grace_seconds",
            ),
        ] {
            let err = add_job(&db, tenant, user, now, new)
                .await
                .expect_err("refused");
            assert!(err.to_string().contains(field), "{field}: {err}");
        }
        assert!(
            job::list(&db, tenant, None).await?.is_empty(),
            "nothing was saved"
        );
        // Pausing and resuming: a resumed job does not replay what it missed.
        let j = add_job(
            &db,
            tenant,
            user,
            now,
            NewJob {
                misfire_policy: MisfirePolicy::Skip,
                ..daily_at("0 8 * * *", "UTC")
            },
        )
        .await?;
        let paused = in_tx(&db, &scope_at(tenant, user, now), async |tx| {
            job::update(
                tx,
                j.id,
                JobPatch {
                    enabled: Some(false),
                    ..Default::default()
                },
            )
            .await
        })
        .await?;
        assert!(!paused.enabled);
        let s = Scheduler::new(db.clone(), "one");
        assert!(s.tick(at("2026-11-26T08:00:00Z")).await?.ran.is_empty());
        let resumed = in_tx(
            &db,
            &scope_at(tenant, user, at("2026-11-26T09:00:00Z")),
            async |tx| {
                job::update(
                    tx,
                    j.id,
                    JobPatch {
                        enabled: Some(true),
                        ..Default::default()
                    },
                )
                .await
            },
        )
        .await?;
        assert_eq!(resumed.next_run_at, at("2026-11-27T08:00:00Z"));
        assert!(history(&db, &j).await.is_empty());
        Ok(())
    }
);
