//! The scheduler on both backends, driven by a clock passed to each tick:
//! restarts inside the grace window catch up once, long downtime is
//! recorded as missed, DST days run once, two instances never run a job
//! twice, and a job's action changes the workspace through audited
//! services.

use chief_domain::job::JobPatch;
use chief_domain::job::{JobKind, MisfirePolicy, RunStatus};
use chief_domain::recurring::{Frequency, NewRecurringTask};
use chief_scheduler::Scheduler;
use chief_store::job::{self, NewJob};
use chief_store::job_run;
use chief_store::{Db, Page, StoreError, recurring, task_query};
use chief_testkit as common;
use chrono::{DateTime, Duration, Utc};
use common::{both_backends, in_tx, scope_at, workspace};
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
    let mut runs = job_run::runs(
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

both_backends! {
    async fn a_restart_inside_the_grace_window_catches_up_exactly_once(db: Db) -> anyhow::Result<()> {
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
}

both_backends! {
    async fn three_hours_down_with_a_one_hour_grace_is_recorded_as_missed_not_run(db: Db) -> anyhow::Result<()> {
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
}

both_backends! {
    async fn a_0230_job_in_madrid_runs_once_on_both_dst_days(db: Db) -> anyhow::Result<()> {
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
}

both_backends! {
    async fn two_instances_run_each_of_500_due_jobs_exactly_once(db: Db) -> anyhow::Result<()> {
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
        let row = chief_store::testing::fetch_optional(
                &db,
                "SELECT COUNT(*) AS runs, COUNT(DISTINCT job_id) AS jobs FROM job_runs WHERE tenant_id = $1",
                &[tenant.into()],
            )
            .await?
            .expect("a count");
        assert_eq!((row.int("runs")?, row.int("jobs")?), (500, 500));
        Ok(())
    }
}

both_backends! {
    async fn the_recurring_tasks_job_creates_due_tasks_as_audited_changes(db: Db) -> anyhow::Result<()> {
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
            let jobs = job::ensure_builtin(tx, user, "UTC").await?;
            Ok(jobs
                .into_iter()
                .find(|j| j.kind == JobKind::RecurringTasks)
                .expect("a built-in job"))
        })
        .await?;
        assert_eq!(j.kind, JobKind::RecurringTasks);
        let s = Scheduler::new(db.clone(), "one");
        let tick = s.tick(at("2026-11-24T07:35:00Z")).await?;
        let ran: Vec<_> = tick.ran.iter().filter(|r| r.job_id == j.id).collect();
        assert_eq!(ran.len(), 1);
        assert_eq!(
            ran[0].output.as_deref(),
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
}

both_backends! {
    async fn a_second_run_of_one_occurrence_is_refused_and_an_interrupted_one_marked_failed(db: Db) -> anyhow::Result<()> {
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
        let first = job_run::begin_run(&db, &j, due, "schedule", "a", due).await?;
        assert!(first.is_some());
        // Instance a died mid-run; b took the expired lease.
        assert!(
            job_run::begin_run(&db, &j, due, "schedule", "b", due + Duration::minutes(6))
                .await?
                .is_none()
        );
        let run = job_run::run(&db, tenant, first.expect("checked").id).await?;
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
}

both_backends! {
    async fn bad_schedules_and_time_zones_are_refused_naming_the_field(db: Db) -> anyhow::Result<()> {
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
}

/// The owner's built-in job of `kind`.
async fn builtin(
    db: &Db,
    tenant: chief_domain::TenantId,
    user: Uuid,
    at_: DateTime<Utc>,
    kind: JobKind,
) -> chief_domain::job::Job {
    in_tx(db, &scope_at(tenant, user, at_), async |tx| {
        job::ensure_builtin(tx, user, "Europe/Madrid").await
    })
    .await
    .expect("built-in jobs");
    job::list(db, tenant, Some(user))
        .await
        .expect("jobs list")
        .into_iter()
        .find(|j| j.kind == kind)
        .expect("the job")
}

/// The dashboard copies of the notices whose topic starts with `prefix`,
/// oldest first, as "topic title".
async fn topics(db: &Db, tenant: chief_domain::TenantId, prefix: &str) -> Vec<String> {
    let filter = chief_store::delivery::DeliveryFilter {
        channel_id: Some(None),
        ..Default::default()
    };
    let mut items = chief_store::delivery::list(
        db,
        tenant,
        &filter,
        Page {
            limit: 1000,
            offset: 0,
        },
    )
    .await
    .expect("deliveries")
    .items;
    items.reverse();
    items
        .into_iter()
        .filter(|d| d.topic.starts_with(prefix))
        .map(|d| format!("{} {}", d.topic, d.payload.title))
        .collect()
}

both_backends! {
    async fn deadline_notices_come_for_the_nearest_bucket_and_are_never_repeated(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let start = at("2026-11-24T09:30:00Z");
        let s0 = scope_at(tenant, user, start);
        for (title, due) in [
            ("Renew passport", Some(start - Duration::days(2))),
            ("Send board deck", Some(start + Duration::hours(2))),
            ("Liberty proposal", Some(start + Duration::days(2))),
            ("Book venue", Some(start + Duration::days(5))),
            ("Plan Q3", Some(start + Duration::days(10))),
            ("Someday", None),
        ] {
            common::add_task(
                &db,
                &s0,
                chief_domain::task::NewTask {
                    due_date: due,
                    ..common::task(title)
                },
            )
            .await?;
        }
        let j = builtin(&db, tenant, user, start, JobKind::DeadlineCheck).await;
        let s = Scheduler::new(db.clone(), "one");
        let first = s.tick(at("2026-11-24T10:00:00Z")).await?;
        let run = first
            .ran
            .iter()
            .find(|r| r.job_id == j.id)
            .expect("the deadline check ran");
        assert_eq!(
            run.output.as_deref(),
            Some(
                "4 deadline notices sent; 4 tasks due within 7 days or overdue; raised 1 overdue event"
            )
        );
        assert_eq!(
            topics(&db, tenant, "deadline.").await,
            [
                "deadline.overdue \"Renew passport\" is overdue",
                "deadline.due_in_1_day \"Send board deck\" is due within a day",
                "deadline.due_in_3_days \"Liberty proposal\" is due within 3 days",
                "deadline.due_in_7_days \"Book venue\" is due within 7 days",
            ]
        );
        // The next hour, and a manual run, send nothing again and raise
        // no second task.overdue.
        s.tick(at("2026-11-24T11:00:00Z")).await?;
        let again = s.run_now(&j, at("2026-11-24T11:05:00Z")).await?;
        assert_eq!(
            again.output.as_deref(),
            Some("0 deadline notices sent; 4 tasks due within 7 days or overdue")
        );
        assert_eq!(topics(&db, tenant, "deadline.").await.len(), 4);
        // Four days on: the board deck is overdue, the proposal too, the
        // venue is a day away and Q3 within the week: one notice each.
        s.tick(at("2026-11-28T10:00:00Z")).await?;
        let now = topics(&db, tenant, "deadline.").await;
        assert_eq!(
            now[4..].iter().map(String::as_str).collect::<Vec<_>>(),
            [
                "deadline.overdue \"Send board deck\" is overdue",
                "deadline.overdue \"Liberty proposal\" is overdue",
                "deadline.due_in_1_day \"Book venue\" is due within a day",
                "deadline.due_in_7_days \"Plan Q3\" is due within 7 days",
            ]
        );
        let history = history(&db, &j).await;
        assert!(
            history
                .iter()
                .any(|(status, _, _)| *status == RunStatus::Missed),
            "the hours between were missed, not replayed: {history:?}"
        );
        Ok(())
    }
}

both_backends! {
    async fn the_waiting_digest_goes_once_a_week_and_event_prep_once_per_event(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let start = at("2026-11-26T08:00:00Z");
        let s0 = scope_at(tenant, user, start);
        in_tx(&db, &s0, async |tx| {
            chief_store::waiting::create(
                tx,
                user,
                chief_domain::waiting::NewWaitingItem {
                    what: "Signed NDA".into(),
                    who: Some("Legal".into()),
                    follow_up_date: Some(start - Duration::days(3)),
                    ..Default::default()
                },
            )
            .await?;
            chief_store::person::create(
                tx,
                user,
                chief_domain::person::NewPerson {
                    name: "Patrick Smith".into(),
                    communication_notes: Some("prefers short emails".into()),
                    ..Default::default()
                },
            )
            .await?;
            chief_store::calendar::create(
                tx,
                user,
                chief_domain::calendar::NewCalendarEvent {
                    title: "Renewal call with Patrick Smith".into(),
                    description: None,
                    location: Some("Zoom".into()),
                    starts_at: at("2026-11-27T10:20:00Z"),
                    ends_at: None,
                    all_day: false,
                    source: None,
                    external_uid: None,
                },
            )
            .await?;
            chief_store::task::create(tx, user, common::task("Prepare pricing for Patrick Smith"))
                .await?;
            Ok(())
        })
        .await?;
        builtin(&db, tenant, user, start, JobKind::WaitingFollowUp).await;
        let s = Scheduler::new(db.clone(), "one");
        // Friday 09:00 in Madrid is 08:00 UTC.
        let digest = s.tick(at("2026-11-27T08:00:00Z")).await?;
        assert!(
            digest.ran.iter().all(|r| r.error.is_none()),
            "{:?}",
            digest.ran
        );
        assert_eq!(
            topics(&db, tenant, "waiting.").await,
            ["waiting.digest 1 waiting-for item needs a follow-up"]
        );
        // Event prep every five minutes: 09:50 is the first run that sees
        // the 10:20 event, and later runs do not repeat it.
        let mut now = at("2026-11-27T09:45:00Z");
        while now <= at("2026-11-27T10:20:00Z") {
            s.tick(now).await?;
            now += Duration::minutes(5);
        }
        let all = topics(&db, tenant, "event.").await;
        assert_eq!(
            all[..],
            ["event.prep Coming up at 11:20: Renewal call with Patrick Smith"]
        );
        let filter = chief_store::delivery::DeliveryFilter {
            topic: Some("event.prep".into()),
            ..Default::default()
        };
        let prep = chief_store::delivery::list(&db, tenant, &filter, Page::default())
            .await?
            .items
            .remove(0);
        assert!(
            prep.payload
                .text
                .contains("Patrick Smith: prefers short emails"),
            "{}",
            prep.payload.text
        );
        assert!(
            prep.payload
                .text
                .contains("- Prepare pricing for Patrick Smith"),
            "{}",
            prep.payload.text
        );
        assert_eq!(prep.created_at, at("2026-11-27T09:50:00Z"));
        Ok(())
    }
}

both_backends! {
    async fn the_morning_briefing_is_kept_and_delivered_once_a_day_at_eight_local_time(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let start = at("2026-11-23T12:00:00Z");
        common::add_task(
            &db,
            &scope_at(tenant, user, start),
            chief_domain::task::NewTask {
                due_date: Some(at("2026-11-24T15:00:00Z")),
                ..common::my_task("Send the Liberty renewal")
            },
        )
        .await?;
        let j = builtin(&db, tenant, user, start, JobKind::MorningBriefing).await;
        // 08:00 in Madrid is 07:00 UTC in November.
        assert_eq!(j.next_run_at, at("2026-11-24T07:00:00Z"));
        let s = Scheduler::new(db.clone(), "one");
        let tick = s.tick(at("2026-11-24T07:00:00Z")).await?;
        let run = tick
            .ran
            .iter()
            .find(|r| r.job_id == j.id)
            .expect("the briefing ran");
        assert!(
            run.output
                .as_deref()
                .unwrap_or("")
                .starts_with("delivered briefing"),
            "{run:?}"
        );
        let sent = topics(&db, tenant, "briefing.").await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert!(
            sent[0].starts_with("briefing.morning Morning plan for Tuesday"),
            "{sent:?}"
        );
        let filter = chief_store::delivery::DeliveryFilter {
            topic: Some("briefing.morning".into()),
            ..Default::default()
        };
        let delivered = chief_store::delivery::list(&db, tenant, &filter, Page::default())
            .await?
            .items
            .remove(0);
        assert!(
            delivered.payload.text.contains("Send the Liberty renewal"),
            "{}",
            delivered.payload.text
        );
        // Run again by hand the same day: nothing more is kept or sent.
        let again = s.run_now(&j, at("2026-11-24T07:30:00Z")).await?;
        assert_eq!(
            again.output.as_deref(),
            Some("today's morning briefing was already delivered")
        );
        let kept =
            chief_store::briefing::list(&db, tenant, Default::default(), Page::default()).await?;
        assert_eq!(kept.total, 1);
        Ok(())
    }
}
