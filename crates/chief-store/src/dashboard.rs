//! The dashboard's aggregate reads: what needs the user today, and how the
//! day and week went.
//!
//! Each section is one indexed query with a small `LIMIT`, so the dashboard
//! stays fast on a tenant with a long history. Day and week boundaries are
//! the user's, in their time zone.

use crate::task::{TASK_COLUMNS, task_from_row};
use crate::value::Row;
use crate::{Backend, Db, Page, StoreError};
use chief_domain::TenantId;
use chief_domain::calendar::CalendarEvent;
use chief_domain::draft::{Draft, DraftStatus};
use chief_domain::question::{Question, QuestionStatus};
use chief_domain::task::Task;
use chief_domain::waiting::WaitingItem;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

/// How many items each dashboard section shows.
pub const SECTION_LIMIT: i64 = 10;

/// Something past its date, on the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "item", rename_all = "snake_case")]
pub enum OverdueItem {
    /// An open task past its due date.
    Task(Task),
    /// A waiting-for item past its follow-up date.
    Waiting(WaitingItem),
}

/// The main dashboard, as seed 003 names its sections.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Dashboard {
    /// The top of the user's own queue, most urgent first.
    pub today_priorities: Vec<Task>,
    /// Unanswered questions, by priority then age.
    pub questions_for_you: Vec<Question>,
    /// The task the agent is working on, if any.
    pub claude_working_on: Option<Task>,
    /// Drafts waiting for review, newest first.
    pub drafts_to_review: Vec<Draft>,
    /// Open waiting-for items, soonest follow-up first.
    pub waiting_on: Vec<WaitingItem>,
    /// Calendar events starting in the next seven days.
    pub this_week: Vec<CalendarEvent>,
    /// Overdue tasks, then overdue waiting-for items, oldest date first.
    pub overdue_items: Vec<OverdueItem>,
}

/// The dashboard's metrics.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Stats {
    pub tasks_completed_today: i64,
    /// Since Monday 00:00 in the user's time zone.
    pub tasks_completed_this_week: i64,
    pub questions_answered_today: i64,
    /// Drafts approved, rejected or revised today.
    pub drafts_reviewed_today: i64,
    /// Mean seconds from asking to answering, over the questions answered
    /// this week; `null` when none were.
    pub average_question_response_time: Option<f64>,
}

/// The dashboard of `user_id` at `now`.
pub async fn overview(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Dashboard, StoreError> {
    let section = Page::new(SECTION_LIMIT, 0);
    let today_priorities =
        crate::task_query::next_for_user(db, tenant, user_id, now, SECTION_LIMIT)
            .await?
            .into_iter()
            .map(|r| r.task)
            .collect();
    let questions_for_you =
        crate::question::list(db, tenant, Some(QuestionStatus::Unanswered), section)
            .await?
            .items;
    let claude_working_on = db
        .fetch_optional(
            &format!("SELECT {TASK_COLUMNS} FROM tasks WHERE tenant_id = $1 AND user_id = $2 AND assignee = 'agent' AND status = 'working' AND deleted_at IS NULL ORDER BY started_at DESC, id LIMIT 1"),
            &[tenant.into(), user_id.into()],
        )
        .await?
        .as_ref()
        .map(task_from_row)
        .transpose()?;
    let pending = crate::draft::DraftFilter {
        status: Some(DraftStatus::Pending),
        draft_type: None,
    };
    let drafts_to_review = crate::draft::list(db, tenant, &pending, section)
        .await?
        .items;
    let waiting_on = waiting_items(
        db,
        tenant,
        "status = 'waiting' ORDER BY follow_up_date IS NULL, follow_up_date, since, id",
        None,
    )
    .await?;
    let this_week = crate::calendar::upcoming_for_user(
        db,
        tenant,
        user_id,
        now,
        now + Duration::days(7),
        SECTION_LIMIT,
    )
    .await?;
    let mut overdue_items: Vec<OverdueItem> = db
        .fetch_all(
            &format!("SELECT {TASK_COLUMNS} FROM tasks WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL AND due_date IS NOT NULL AND status IN ('queued', 'working', 'blocked') AND due_date < $3 ORDER BY due_date, id LIMIT $4"),
            &[tenant.into(), user_id.into(), now.into(), SECTION_LIMIT.into()],
        )
        .await?
        .iter()
        .map(|r| task_from_row(r).map(OverdueItem::Task))
        .collect::<Result<_, _>>()?;
    let overdue_waiting = waiting_items(
        db,
        tenant,
        "status = 'waiting' AND follow_up_date < $2 ORDER BY follow_up_date, id",
        Some(now),
    )
    .await?;
    overdue_items.extend(overdue_waiting.into_iter().map(OverdueItem::Waiting));
    Ok(Dashboard {
        today_priorities,
        questions_for_you,
        claude_working_on,
        drafts_to_review,
        waiting_on,
        this_week,
        overdue_items,
    })
}

/// At most [`SECTION_LIMIT`] waiting-for items matching `clause` (which may
/// use `$2` for `at`).
async fn waiting_items(
    db: &Db,
    tenant: TenantId,
    clause: &str,
    at: Option<DateTime<Utc>>,
) -> Result<Vec<WaitingItem>, StoreError> {
    let mut args = vec![tenant.into()];
    if let Some(at) = at {
        args.push(at.into());
    }
    let sql = format!(
        "SELECT id FROM waiting_items WHERE tenant_id = $1 AND {clause} LIMIT {SECTION_LIMIT}"
    );
    let mut items = Vec::new();
    for row in db.fetch_all(&sql, &args).await? {
        items.push(crate::waiting::get(db, tenant, row.uuid("id")?).await?);
    }
    Ok(items)
}

/// The start of `day` in `tz`, in UTC; on a day that starts inside a
/// daylight-saving gap, the first instant that exists.
fn start_of(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(midnight + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// The user's metrics at `now`, with days and weeks in `tz`.
pub async fn stats(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Stats, StoreError> {
    let today = now.with_timezone(&tz).date_naive();
    let day_start = start_of(today, tz);
    let week_start = start_of(
        today - Duration::days(i64::from(today.weekday().num_days_from_monday())),
        tz,
    );
    let count = |sql: &'static str, since: DateTime<Utc>, with_user: bool| {
        let mut args = vec![tenant.into(), since.into()];
        if with_user {
            args.push(user_id.into());
        }
        async move {
            db.fetch_optional(sql, &args)
                .await?
                .map(|r| r.int("n"))
                .transpose()
                .map(|n| n.unwrap_or(0))
        }
    };
    const COMPLETED: &str = "SELECT COUNT(*) AS n FROM tasks WHERE tenant_id = $1 AND completed_at >= $2 AND user_id = $3 AND completed_at IS NOT NULL AND status = 'completed' AND deleted_at IS NULL";
    let tasks_completed_today = count(COMPLETED, day_start, true).await?;
    let tasks_completed_this_week = count(COMPLETED, week_start, true).await?;
    let questions_answered_today = count(
        "SELECT COUNT(*) AS n FROM questions WHERE tenant_id = $1 AND answered_at IS NOT NULL AND answered_at >= $2 AND status = 'answered'",
        day_start,
        false,
    )
    .await?;
    let drafts_reviewed_today = count(
        "SELECT COUNT(*) AS n FROM drafts WHERE tenant_id = $1 AND (approved_at >= $2 OR (status IN ('rejected', 'revised') AND updated_at >= $2))",
        day_start,
        false,
    )
    .await?;
    let seconds = match db.backend() {
        Backend::Sqlite => "(julianday(answered_at) - julianday(created_at)) * 86400.0",
        Backend::Postgres => {
            "CAST(EXTRACT(EPOCH FROM (answered_at - created_at)) AS DOUBLE PRECISION)"
        }
    };
    let row: Option<Row> = db
        .fetch_optional(
            &format!("SELECT COUNT(*) AS n, COALESCE(AVG({seconds}), 0.0) AS mean FROM questions WHERE tenant_id = $1 AND answered_at IS NOT NULL AND answered_at >= $2 AND status = 'answered'"),
            &[tenant.into(), week_start.into()],
        )
        .await?;
    let average_question_response_time = match row {
        Some(r) if r.int("n")? > 0 => Some(r.float("mean")?),
        _ => None,
    };
    Ok(Stats {
        tasks_completed_today,
        tasks_completed_this_week,
        questions_answered_today,
        drafts_reviewed_today,
        average_question_response_time,
    })
}
