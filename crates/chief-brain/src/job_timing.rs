//! When a scheduled job runs: given its schedule, the time it was due and
//! the time it is now, which occurrence to run, which to record as missed,
//! and when it is next due. The scheduler calls this each time it takes a
//! due job; keeping it pure is what lets the DST, restart and downtime cases
//! be tested exhaustively with a clock passed in.
//!
//! Rules:
//! - An occurrence is due at `next_run_at`. When the scheduler takes it
//!   within the grace window it runs (a `schedule` run if on time, a
//!   `catch_up` run if late beyond [`ON_TIME`]).
//! - Occurrences that came and went while nothing ran are collapsed: only
//!   the latest one can be caught up, and only when it is within the grace
//!   window and the policy allows it. All the others are recorded as one
//!   missed entry that counts them.
//! - The next due time is the first occurrence strictly after both the one
//!   handled and now, so nothing runs twice and nothing is replayed.
//! - Wall-clock times that do not exist (spring forward) run at the first
//!   instant after the gap; times that happen twice (fall back) run at the
//!   first of them only. Both come from croner's DST handling, read in the
//!   job's time zone.

use chief_domain::job::MisfirePolicy;
use chief_domain::schedule::CronSchedule;
use chrono::{DateTime, Duration, TimeZone, Utc};

/// How late a run may start and still count as on time rather than a
/// catch-up.
pub const ON_TIME: Duration = Duration::seconds(60);

/// How many past occurrences are walked to find the latest; a job down for
/// longer than this many periods is fast-forwarded from now instead.
const MAX_WALK: usize = 10_000;

/// Why a run happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunTrigger {
    Schedule,
    CatchUp,
}

impl RunTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            RunTrigger::Schedule => "schedule",
            RunTrigger::CatchUp => "catch_up",
        }
    }
}

/// Occurrences recorded as missed, collapsed into one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missed {
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    /// How many occurrences; at least 1. When the walk was cut short this
    /// is a lower bound.
    pub count: usize,
}

/// What to do with a job taken because it is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The occurrence to run now, and why.
    pub run: Option<(DateTime<Utc>, RunTrigger)>,
    /// The occurrences that will not run.
    pub missed: Option<Missed>,
    /// When the job is next due; `None` when the schedule never matches
    /// again.
    pub next_run_at: Option<DateTime<Utc>>,
}

/// Plans a due job: `due` is its `next_run_at` (at or before `now`).
pub fn plan<Tz: TimeZone>(
    schedule: &CronSchedule,
    tz: &Tz,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    policy: MisfirePolicy,
    grace: Duration,
) -> Plan {
    if due > now {
        return Plan {
            run: None,
            missed: None,
            next_run_at: Some(due),
        };
    }
    // Walk to the latest occurrence at or before now.
    let mut latest = due;
    let mut skipped: Vec<DateTime<Utc>> = Vec::new();
    let mut walked = 0;
    let mut cut_short = false;
    while let Some(next) = schedule.next_after(latest, tz) {
        if next > now {
            break;
        }
        walked += 1;
        if walked > MAX_WALK {
            cut_short = true;
            break;
        }
        if skipped.len() < 2 {
            skipped.push(latest);
        } else {
            skipped[1] = latest;
        }
        latest = next;
    }
    let lateness = now - latest;
    let runs = lateness <= grace && (lateness <= ON_TIME || policy == MisfirePolicy::CatchUpOnce);
    let trigger = if lateness <= ON_TIME {
        RunTrigger::Schedule
    } else {
        RunTrigger::CatchUp
    };
    if !runs {
        skipped.push(latest);
    }
    let missed = (walked > 0 || !runs).then(|| Missed {
        first: skipped.first().copied().unwrap_or(latest),
        last: *skipped.last().unwrap_or(&latest),
        count: walked + usize::from(!runs),
    });
    let from = if cut_short { now } else { latest.max(now) };
    Plan {
        run: runs.then_some((latest, trigger)),
        missed,
        next_run_at: schedule.next_after(from, tz),
    }
}

/// The first occurrence strictly after `after`, for a job just created or
/// resumed.
pub fn first_run<Tz: TimeZone>(
    schedule: &CronSchedule,
    tz: &Tz,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    schedule.next_after(after, tz)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Madrid;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn cron(expr: &str) -> CronSchedule {
        CronSchedule::parse(expr).unwrap()
    }

    const HOUR: Duration = Duration::hours(1);

    /// Runs a job the way the scheduler does, polling every `step` from
    /// `start` to `end`, and returns each occurrence that ran.
    fn simulate(
        expr: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Vec<DateTime<Utc>> {
        let schedule = cron(expr);
        let mut next = first_run(&schedule, &Madrid, start).unwrap();
        let mut ran = Vec::new();
        let mut now = start;
        while now <= end {
            if next <= now {
                let p = plan(
                    &schedule,
                    &Madrid,
                    next,
                    now,
                    MisfirePolicy::CatchUpOnce,
                    HOUR,
                );
                ran.extend(p.run.map(|(t, _)| t));
                next = p.next_run_at.unwrap();
            }
            now += step;
        }
        ran
    }

    #[test]
    fn a_0230_job_runs_once_on_the_spring_forward_day_in_madrid() {
        // 2026-03-29: clocks go from 02:00 to 03:00 CET→CEST; 02:30 never
        // happens, so the run comes at the first instant after the gap.
        let ran = simulate(
            "30 2 * * *",
            at("2026-03-27T12:00:00Z"),
            at("2026-03-31T12:00:00Z"),
            Duration::seconds(30),
        );
        let days: Vec<String> = ran
            .iter()
            .map(|t| t.with_timezone(&Madrid).format("%m-%d %H:%M").to_string())
            .collect();
        assert_eq!(
            days,
            ["03-28 02:30", "03-29 03:00", "03-30 02:30", "03-31 02:30"]
        );
    }

    #[test]
    fn a_0230_job_runs_once_on_the_fall_back_day_in_madrid() {
        // 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice
        // and the job runs at the first only.
        let ran = simulate(
            "30 2 * * *",
            at("2026-10-23T12:00:00Z"),
            at("2026-10-27T12:00:00Z"),
            Duration::seconds(30),
        );
        assert_eq!(
            ran,
            [
                at("2026-10-24T00:30:00Z"),
                at("2026-10-25T00:30:00Z"),
                at("2026-10-26T01:30:00Z"),
                at("2026-10-27T01:30:00Z"),
            ]
        );
    }

    #[test]
    fn on_time_runs_are_scheduled_and_move_to_the_next_occurrence() {
        let p = plan(
            &cron("0 8 * * *"),
            &Utc,
            at("2026-11-24T08:00:00Z"),
            at("2026-11-24T08:00:00.2Z"),
            MisfirePolicy::CatchUpOnce,
            HOUR,
        );
        assert_eq!(
            p.run,
            Some((at("2026-11-24T08:00:00Z"), RunTrigger::Schedule))
        );
        assert_eq!(p.missed, None);
        assert_eq!(p.next_run_at, Some(at("2026-11-25T08:00:00Z")));
    }

    #[test]
    fn a_restart_inside_the_grace_window_catches_up_exactly_once() {
        let schedule = cron("0 8 * * *");
        let p = plan(
            &schedule,
            &Utc,
            at("2026-11-24T08:00:00Z"),
            at("2026-11-24T08:40:00Z"),
            MisfirePolicy::CatchUpOnce,
            HOUR,
        );
        assert_eq!(
            p.run,
            Some((at("2026-11-24T08:00:00Z"), RunTrigger::CatchUp))
        );
        assert_eq!(p.missed, None);
        let next = p.next_run_at.unwrap();
        assert_eq!(next, at("2026-11-25T08:00:00Z"));
        // Taken again a moment later (a second instance, a second restart):
        // the next occurrence is not due, so nothing runs again.
        let again = plan(
            &schedule,
            &Utc,
            next,
            at("2026-11-24T08:41:00Z"),
            MisfirePolicy::CatchUpOnce,
            HOUR,
        );
        assert_eq!(again.run, None);
    }

    #[test]
    fn three_hours_down_with_a_one_hour_grace_is_missed_not_run() {
        let p = plan(
            &cron("0 8 * * *"),
            &Utc,
            at("2026-11-24T08:00:00Z"),
            at("2026-11-24T11:00:00Z"),
            MisfirePolicy::CatchUpOnce,
            HOUR,
        );
        assert_eq!(p.run, None);
        assert_eq!(
            p.missed,
            Some(Missed {
                first: at("2026-11-24T08:00:00Z"),
                last: at("2026-11-24T08:00:00Z"),
                count: 1
            })
        );
        assert_eq!(p.next_run_at, Some(at("2026-11-25T08:00:00Z")));
    }

    #[test]
    fn many_missed_occurrences_collapse_and_only_the_latest_can_catch_up() {
        // Hourly, down from 08:00 to 12:20: 08, 09, 10 and 11 are missed,
        // 12:00 is within the grace window and catches up.
        let p = plan(
            &cron("0 * * * *"),
            &Utc,
            at("2026-11-24T08:00:00Z"),
            at("2026-11-24T12:20:00Z"),
            MisfirePolicy::CatchUpOnce,
            HOUR,
        );
        assert_eq!(
            p.run,
            Some((at("2026-11-24T12:00:00Z"), RunTrigger::CatchUp))
        );
        assert_eq!(
            p.missed,
            Some(Missed {
                first: at("2026-11-24T08:00:00Z"),
                last: at("2026-11-24T11:00:00Z"),
                count: 4
            })
        );
        assert_eq!(p.next_run_at, Some(at("2026-11-24T13:00:00Z")));
    }

    #[test]
    fn the_skip_policy_never_catches_up() {
        let p = plan(
            &cron("0 8 * * *"),
            &Utc,
            at("2026-11-24T08:00:00Z"),
            at("2026-11-24T08:10:00Z"),
            MisfirePolicy::Skip,
            HOUR,
        );
        assert_eq!(p.run, None);
        assert_eq!(p.missed.map(|m| m.count), Some(1));
        let on_time = plan(
            &cron("0 8 * * *"),
            &Utc,
            at("2026-11-24T08:00:00Z"),
            at("2026-11-24T08:00:30Z"),
            MisfirePolicy::Skip,
            HOUR,
        );
        assert_eq!(on_time.run.map(|r| r.1), Some(RunTrigger::Schedule));
    }

    #[test]
    fn a_job_down_for_years_is_fast_forwarded() {
        let p = plan(
            &cron("* * * * *"),
            &Utc,
            at("2020-01-01T00:00:00Z"),
            at("2026-11-24T08:00:30Z"),
            MisfirePolicy::CatchUpOnce,
            HOUR,
        );
        assert_eq!(p.run, None);
        assert!(p.missed.unwrap().count > MAX_WALK);
        assert_eq!(p.next_run_at, Some(at("2026-11-24T08:01:00Z")));
    }
}
