//! Scheduled jobs: what runs when, for whom, and what happened each time.
//! A job has a cron schedule read in its owner's time zone, a `next_run_at`
//! the scheduler waits for, a lease so that one instance runs it at a time,
//! and a misfire policy for runs that fell due while nothing was running.

use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// What a job does when it runs.
    JobKind {
        /// The morning plan, composed from the data.
        MorningBriefing => "morning_briefing",
        /// The midday progress check.
        MiddayCheck => "midday_check",
        /// What was done, what moved, and tomorrow's prep.
        EveningSummary => "evening_summary",
        /// The week against the one before, per project and goal.
        WeeklyReview => "weekly_review",
        /// Notices for tasks due in 7, 3 and 1 days, and overdue; each once.
        DeadlineCheck => "deadline_check",
        /// Waiting-for items past their follow-up date, as a digest.
        WaitingFollowUp => "waiting_follow_up",
        /// Prep for calendar events starting in the next 30 minutes.
        EventPrep => "event_prep",
        /// Turns due recurring tasks into tasks.
        RecurringTasks => "recurring_tasks",
        /// Fires a user's scheduled trigger.
        Trigger => "trigger",
    }
}

impl JobKind {
    /// The jobs every user has, one of each.
    pub const BUILTIN: &'static [JobKind] = &[
        JobKind::MorningBriefing,
        JobKind::MiddayCheck,
        JobKind::EveningSummary,
        JobKind::WeeklyReview,
        JobKind::DeadlineCheck,
        JobKind::WaitingFollowUp,
        JobKind::EventPrep,
        JobKind::RecurringTasks,
    ];

    /// The schedule a new user's built-in job starts with, in their time
    /// zone; a trigger's job has its trigger's.
    pub fn default_schedule(self) -> Option<&'static str> {
        Some(match self {
            JobKind::MorningBriefing => "0 8 * * *",
            JobKind::MiddayCheck => "30 12 * * *",
            JobKind::EveningSummary => "0 18 * * *",
            JobKind::WeeklyReview => "0 9 * * 1",
            JobKind::DeadlineCheck => "0 * * * *",
            JobKind::WaitingFollowUp => "0 9 * * 5",
            JobKind::EventPrep => "*/5 * * * *",
            JobKind::RecurringTasks => "*/5 * * * *",
            JobKind::Trigger => return None,
        })
    }

    /// What a person reads in a job list.
    pub fn describe(self) -> &'static str {
        match self {
            JobKind::MorningBriefing => "Morning briefing",
            JobKind::MiddayCheck => "Midday progress check",
            JobKind::EveningSummary => "Evening summary",
            JobKind::WeeklyReview => "Weekly review",
            JobKind::DeadlineCheck => "Deadline notices: due in 7, 3 and 1 days, and overdue",
            JobKind::WaitingFollowUp => "Waiting-for items past follow-up, weekly digest",
            JobKind::EventPrep => "Prep 30 minutes before calendar events",
            JobKind::RecurringTasks => "Recurring tasks become tasks",
            JobKind::Trigger => "Fires one of your triggers",
        }
    }
}

text_enum! {
    /// What to do with a run that fell due while no scheduler was running.
    MisfirePolicy {
        /// Run once to catch up when the scheduler is back within the grace
        /// window; further back, record it as missed.
        CatchUpOnce => "catch_up_once",
        /// Never catch up: record missed runs and wait for the next.
        Skip => "skip",
    }
}

text_enum! {
    /// How a run ended (or that it has not yet).
    RunStatus {
        Running => "running",
        Succeeded => "succeeded",
        Failed => "failed",
        /// Fell due while nothing ran and was past its grace window.
        Missed => "missed",
    }
}

/// The grace window a new job gets, in seconds.
pub const DEFAULT_GRACE_SECONDS: i64 = 3600;

/// A scheduled job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Job {
    pub id: Uuid,
    pub tenant_id: TenantId,
    /// Whose job it is; its schedule is read in their time zone.
    pub user_id: Uuid,
    /// Unique per user; a built-in job is named after its kind.
    pub name: String,
    pub kind: JobKind,
    /// Cron: five or six fields, or an alias such as `@daily`.
    pub schedule: String,
    /// IANA time zone the schedule is read in.
    pub timezone: String,
    pub enabled: bool,
    pub misfire_policy: MisfirePolicy,
    pub grace_seconds: i64,
    /// When it is next due.
    pub next_run_at: DateTime<Utc>,
    pub last_run_at: Option<DateTime<Utc>>,
    /// The instance holding the lease, while one does.
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One run of a job, or a record that it was missed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JobRun {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub job_id: Uuid,
    /// The occurrence it ran for; at most one run per occurrence. Manual
    /// runs use the moment they were asked for.
    pub scheduled_for: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: RunStatus,
    /// What it did, for a person: "created 2 tasks".
    pub output: Option<String>,
    pub error: Option<String>,
    /// Why it ran: `schedule`, `catch_up` or `manual`; `missed` runs say
    /// `schedule`.
    pub cause: String,
    /// The instance that ran it.
    pub instance: Option<String>,
}

/// Changes to a job (`PUT /api/jobs/{id}`, pause and resume); a field left
/// out stays as it is.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "JobUpdate")]
pub struct JobPatch {
    /// Cron: `0 8 * * *`, `*/15 * * * *`, `0 0 9 * * MON-FRI`, `@daily`…
    pub schedule: Option<String>,
    /// IANA time zone the schedule is read in, such as Europe/Madrid.
    pub timezone: Option<String>,
    pub enabled: Option<bool>,
    /// `catch_up_once` or `skip`.
    pub misfire_policy: Option<MisfirePolicy>,
    /// How late a missed run may still be caught up, in seconds (0 to 604800).
    pub grace_seconds: Option<i64>,
}
