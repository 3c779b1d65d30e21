//! What each kind of job does when it runs. Every action works through the
//! store's repositories and the application's operations in its job's tenant, as the system acting for the job's
//! owner, with the scheduler's clock; so its changes are audited like any
//! other, and a test can run it at any instant.

use crate::polish::Polish;
use crate::trigger_fire::{Cause, fire};
use chief_brain::briefing::BriefingKind;
use chief_brain::notices;
use chief_domain::delivery::Notice;
use chief_domain::job::{Job, JobKind};
use chief_domain::log::Actor;
use chief_domain::task::TaskStatus;
use chief_domain::trigger::FiringStatus;
use chief_store::task_query::{TaskFilter, TaskSort};
use chief_store::{
    Change, Db, Page, Scope, StoreError, calendar, context, delivery, new_trace_id, person,
    recurring, task_query, trigger_firing, waiting,
};
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::json;

/// The most deadline notices one run sends; the rest come next hour.
const DEADLINE_BATCH: i64 = 200;
/// How far ahead event prep looks.
const EVENT_PREP_AHEAD: Duration = Duration::minutes(30);

/// Runs `job`'s action at `now` for a run caused by `cause` (`schedule`,
/// `catch_up` or `manual`); the text says what it did, for the run's
/// history.
pub async fn perform(
    db: &Db,
    polish: &dyn Polish,
    job: &Job,
    cause: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    match job.kind {
        JobKind::MorningBriefing => briefing(db, polish, job, now, BriefingKind::Morning).await,
        JobKind::MiddayCheck => briefing(db, polish, job, now, BriefingKind::Midday).await,
        JobKind::EveningSummary => briefing(db, polish, job, now, BriefingKind::Evening).await,
        JobKind::WeeklyReview => briefing(db, polish, job, now, BriefingKind::Weekly).await,
        JobKind::RecurringTasks => recurring_tasks(db, job, now).await,
        JobKind::DeadlineCheck => deadline_check(db, job, now).await,
        JobKind::WaitingFollowUp => waiting_follow_up(db, job, now).await,
        JobKind::EventPrep => event_prep(db, job, now).await,
        JobKind::Trigger => scheduled_trigger(db, polish, job, cause, now).await,
    }
}

/// Fires the trigger a job of kind `trigger` runs.
async fn scheduled_trigger(
    db: &Db,
    polish: &dyn Polish,
    job: &Job,
    cause: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let t = chief_store::trigger::of_job(db, job.tenant_id, job.id).await?;
    let cause = match cause {
        "manual" => Cause::Manual,
        other => Cause::Schedule(other),
    };
    let firing = fire(db, polish, &t, cause, &[t.id], now)
        .await?
        .expect("a firing with no event is never a duplicate");
    match firing.status {
        FiringStatus::Fired => Ok(format!(
            "trigger {}: {}",
            t.name,
            firing.output.unwrap_or_default()
        )),
        _ => Err(StoreError::invalid(
            "trigger",
            firing.error.unwrap_or_else(|| "the trigger failed".into()),
        )),
    }
}

/// The notice a composed briefing is delivered as.
pub(crate) fn briefing_notice(composed: &chief_store::briefing::Composed) -> Notice {
    Notice {
        title: composed.briefing.title.clone(),
        text: composed.text.clone(),
        markdown: composed.markdown.clone(),
        data: serde_json::to_value(&composed.briefing).expect("a briefing serialises to JSON"),
    }
}

/// Composes the owner's briefing, keeps it and delivers it, in one
/// transaction; at most one of each kind per local day is kept and
/// reaches them.
async fn briefing(
    db: &Db,
    polish: &dyn Polish,
    job: &Job,
    now: DateTime<Utc>,
    kind: BriefingKind,
) -> Result<String, StoreError> {
    let mut composed = crate::briefing::compose(db, job.tenant_id, job.user_id, kind, now).await?;
    polish.briefing(&mut composed).await;
    let notice = briefing_notice(&composed);
    let day = now.with_timezone(&tz_of(job)).date_naive();
    let key = format!("briefing:{}:{}:{day}", kind.as_str(), job.user_id);
    let mut tx = db.write(&scope(job, now)).await?;
    let stored = chief_store::briefing::store(&mut tx, job.user_id, kind, composed).await?;
    let sent = delivery::enqueue(
        &mut tx,
        job.user_id,
        &format!("briefing.{}", kind.as_str()),
        Some(&key),
        &notice,
    )
    .await?;
    if sent.is_empty() {
        // Dropping the transaction keeps nothing of this run.
        return Ok(format!(
            "today's {} briefing was already delivered",
            kind.as_str()
        ));
    }
    tx.commit().await?;
    let summary = stored.content["summary"].as_str().unwrap_or_default();
    Ok(format!("delivered briefing {}: {summary}", stored.id))
}

fn tz_of(job: &Job) -> chrono_tz::Tz {
    job.timezone.parse().unwrap_or(chrono_tz::UTC)
}

/// Writes one notice for the job's owner; whether it was new (a dedupe key
/// seen before writes nothing).
async fn notify(
    db: &Db,
    job: &Job,
    now: DateTime<Utc>,
    topic: &str,
    dedupe_key: &str,
    notice: &Notice,
) -> Result<bool, StoreError> {
    let mut tx = db.write(&scope(job, now)).await?;
    let written = delivery::enqueue(&mut tx, job.user_id, topic, Some(dedupe_key), notice).await?;
    tx.commit().await?;
    Ok(!written.is_empty())
}

fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Notices for the owner's open tasks due within 7 days or overdue: the
/// nearest bucket only, each (task, bucket, due date) once ever, so a
/// moved deadline is noticed afresh.
async fn deadline_check(db: &Db, job: &Job, now: DateTime<Utc>) -> Result<String, StoreError> {
    let filter = TaskFilter {
        statuses: vec![TaskStatus::Queued, TaskStatus::Working, TaskStatus::Blocked],
        user_id: Some(job.user_id),
        due_before: Some(now + Duration::days(7)),
        sort: TaskSort::Due,
        ..TaskFilter::default()
    };
    let due = task_query::list(
        db,
        job.tenant_id,
        &filter,
        Page {
            limit: DEADLINE_BATCH,
            offset: 0,
        },
    )
    .await?;
    let tz = tz_of(job);
    let mut sent = 0;
    for task in &due.items {
        let Some(due_date) = task.due_date else {
            continue;
        };
        let Some(bucket) = notices::deadline_bucket(due_date, now) else {
            continue;
        };
        let key = format!(
            "deadline:{}:{}:{}",
            task.id,
            bucket.as_str(),
            due_date.timestamp()
        );
        let notice = notices::deadline_notice(task, bucket, &tz);
        if notify(
            db,
            job,
            now,
            &format!("deadline.{}", bucket.as_str()),
            &key,
            &notice,
        )
        .await?
        {
            sent += 1;
        }
    }
    let raised = overdue_events(db, job, now, &due.items).await?;
    let mut out = format!(
        "{} sent; {} due within 7 days or overdue",
        counted(sent, "deadline notice", "deadline notices"),
        counted(due.total as usize, "task", "tasks")
    );
    if raised > 0 {
        out.push_str(&format!(
            "; raised {}",
            counted(raised, "overdue event", "overdue events")
        ));
    }
    Ok(out)
}

/// Raises `task.overdue` for each of `tasks` past its due date and
/// `waiting.overdue` for each of the owner's waiting-for items past its
/// follow-up date, once per item and date, in one transaction: the events
/// triggers wait for.
async fn overdue_events(
    db: &Db,
    job: &Job,
    now: DateTime<Utc>,
    tasks: &[chief_domain::task::Task],
) -> Result<usize, StoreError> {
    let waiting: Vec<_> = waiting::overdue(db, job.tenant_id, now)
        .await?
        .into_iter()
        .filter(|w| w.user_id == job.user_id)
        .collect();
    let mut tx = db.write(&scope(job, now)).await?;
    let mut raised = 0;
    for t in tasks {
        let Some(due) = t.due_date.filter(|d| *d < now) else {
            continue;
        };
        let mark = format!("task.overdue:{}:{}", t.id, due.timestamp());
        if trigger_firing::mark_once(&mut tx, &mark).await? {
            tx.audit(Change {
                action: "task.overdue".into(),
                entity_type: "task",
                entity_id: t.id,
                details: json!({"title": t.title, "due_date": due, "priority": t.priority.get(), "assignee": t.assignee}),
            })
            .await?;
            raised += 1;
        }
    }
    for w in &waiting {
        let Some(follow_up) = w.follow_up_date else {
            continue;
        };
        let mark = format!("waiting.overdue:{}:{}", w.id, follow_up.timestamp());
        if trigger_firing::mark_once(&mut tx, &mark).await? {
            tx.audit(Change {
                action: "waiting.overdue".into(),
                entity_type: "waiting_item",
                entity_id: w.id,
                details: json!({"what": w.what, "who": w.who, "since": w.since, "follow_up_date": follow_up}),
            })
            .await?;
            raised += 1;
        }
    }
    if raised > 0 {
        tx.commit().await?;
    }
    Ok(raised)
}

/// One digest of the owner's waiting-for items past their follow-up date,
/// at most once per ISO week.
async fn waiting_follow_up(db: &Db, job: &Job, now: DateTime<Utc>) -> Result<String, StoreError> {
    let items: Vec<_> = waiting::overdue(db, job.tenant_id, now)
        .await?
        .into_iter()
        .filter(|w| w.user_id == job.user_id)
        .collect();
    let tz = tz_of(job);
    let Some(notice) = notices::waiting_digest(&items, now, &tz) else {
        return Ok("nothing is past its follow-up date".into());
    };
    let week = now.with_timezone(&tz).iso_week();
    let key = format!(
        "waiting:{}:{}-W{:02}",
        job.user_id,
        week.year(),
        week.week()
    );
    Ok(
        if notify(db, job, now, "waiting.digest", &key, &notice).await? {
            format!(
                "sent the digest of {}",
                counted(items.len(), "item", "items")
            )
        } else {
            "this week's digest was already sent".into()
        },
    )
}

/// Prep for each of the owner's events starting in the next 30 minutes
/// (30 included):
/// the people named in it, with their relationship notes, and the tasks
/// that mention it or them. Once per event and start time.
async fn event_prep(db: &Db, job: &Job, now: DateTime<Utc>) -> Result<String, StoreError> {
    let events = calendar::upcoming_for_user(
        db,
        job.tenant_id,
        job.user_id,
        now,
        now + EVENT_PREP_AHEAD + Duration::microseconds(1),
        20,
    )
    .await?;
    let tz = tz_of(job);
    let mut sent = 0;
    for event in events.iter().filter(|e| !e.all_day) {
        let text = format!(
            "{} {}",
            event.title,
            event.description.as_deref().unwrap_or("")
        );
        let people = person::mentioned_in(db, job.tenant_id, &text, usize::MAX).await?;
        let mut tasks = context::tasks_mentioning(db, job.tenant_id, &event.title, 5).await?;
        for p in &people {
            for t in context::tasks_mentioning(db, job.tenant_id, &p.name, 5).await? {
                if !tasks.iter().any(|x| x.id == t.id) {
                    tasks.push(t);
                }
            }
        }
        tasks.retain(|t| t.user_id == job.user_id && t.status.is_open());
        let notice = notices::event_prep(event, &people, &tasks, &tz);
        let key = format!("event_prep:{}:{}", event.id, event.starts_at.timestamp());
        if notify(db, job, now, "event.prep", &key, &notice).await? {
            sent += 1;
        }
    }
    Ok(match sent {
        0 => "no event starts in the next 30 minutes that was not prepped".into(),
        n => format!("sent prep for {}", counted(n, "event", "events")),
    })
}

fn scope(job: &Job, now: DateTime<Utc>) -> Scope {
    Scope {
        tenant: job.tenant_id,
        actor: Actor::system(),
        trace_id: Some(new_trace_id()),
        now: Some(now),
    }
}

/// Creates the task of each of the owner's recurring tasks that is due, and
/// moves each one's next run forward, each in its own transaction.
async fn recurring_tasks(db: &Db, job: &Job, now: DateTime<Utc>) -> Result<String, StoreError> {
    let due: Vec<_> = recurring::due(db, job.tenant_id, now)
        .await?
        .into_iter()
        .filter(|r| r.user_id == job.user_id)
        .collect();
    let mut created = Vec::new();
    for r in due {
        let mut tx = db.write(&scope(job, now)).await?;
        let (task, _) = recurring::run(&mut tx, r.id).await?;
        tx.commit().await?;
        created.push(task.title);
    }
    Ok(match created.len() {
        0 => "no recurring task was due".into(),
        1 => format!("created 1 task: {}", created[0]),
        n => format!("created {n} tasks: {}", created.join(", ")),
    })
}
