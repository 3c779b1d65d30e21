//! The weekly review: tasks completed this week against the week before,
//! progress per project and per goal, stale projects, and open waiting-for
//! items.
//!
//! A project is *stale* when it is active and nothing happened to it or its
//! tasks for [`STALE_AFTER_DAYS`] days: its own `updated_at` and the latest
//! change to any of its tasks are both older than that. Projects on hold are
//! paused on purpose and never stale. A goal's progress counts its own tasks
//! and those of every project under it (through `parent_id`).

use super::clock::{Days, short_date};
use super::items::{List, ProjectActivity, ProjectLine, TaskLine, WaitingLine};
use super::midday::completed_between;
use super::render::{Line, Section, task_line, waiting_line};
use super::{Inputs, SECTION_LIMIT, plural};
use chief_domain::project::{Project, ProjectStatus, ProjectType};
use chief_domain::task::TaskStatus;
use chief_domain::waiting::WaitingStatus;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Days without activity after which an active project is stale.
pub const STALE_AFTER_DAYS: i64 = 14;

/// The weekly review's sections.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Weekly {
    /// Tasks completed in the seven days ending today.
    pub completed_this_week: usize,
    /// Tasks completed in the seven days before.
    pub completed_last_week: usize,
    /// This week's completed tasks, latest first.
    pub wins: List<TaskLine>,
    /// Active projects and initiatives, most finished this week first.
    pub projects: List<ProjectLine>,
    /// Active goals, with the work of the projects under them.
    pub goals: List<ProjectLine>,
    /// Active projects with no activity for 14 days, quietest first.
    pub stale: List<ProjectLine>,
    /// Open waiting-for items, overdue first.
    pub waiting: List<WaitingLine>,
}

fn is_goal(p: &Project) -> bool {
    p.project_type == ProjectType::Goal
}

/// The goal `p` rolls up into, if any (a goal rolls up into itself).
fn goal_of(p: &Project, by_id: &HashMap<Uuid, &Project>) -> Option<Uuid> {
    let mut at = p;
    // Bounded: a parent cycle written outside the API cannot loop forever.
    for _ in 0..32 {
        if is_goal(at) {
            return Some(at.id);
        }
        at = by_id.get(&at.parent_id?)?;
    }
    None
}

pub(crate) fn compose(inputs: &Inputs, now: DateTime<Utc>, days: &Days) -> Weekly {
    let count_in = |period: super::Period| {
        inputs
            .tasks
            .iter()
            .filter(|t| t.deleted_at.is_none() && t.status == TaskStatus::Completed)
            .filter(|t| t.completed_at.is_some_and(|c| period.contains(c)))
            .count()
    };
    let wins = completed_between(inputs, days.week.start, days.week.end, now);
    let activity: HashMap<Uuid, &ProjectActivity> =
        inputs.activity.iter().map(|a| (a.project_id, a)).collect();
    let by_id: HashMap<Uuid, &Project> = inputs.projects.iter().map(|p| (p.id, p)).collect();
    let active: Vec<&Project> = inputs
        .projects
        .iter()
        .filter(|p| p.status == ProjectStatus::Active)
        .collect();
    let line = |p: &Project| {
        let a = activity.get(&p.id);
        let last = a
            .and_then(|a| a.last_activity)
            .map_or(p.updated_at, |l| l.max(p.updated_at));
        let (open, done, week) =
            a.map_or((0, 0, 0), |a| (a.open, a.completed, a.completed_in_period));
        ProjectLine::of(p, open, done, week, last)
    };

    let mut projects: Vec<ProjectLine> = active
        .iter()
        .filter(|p| !is_goal(p))
        .map(|p| line(p))
        .collect();
    projects.sort_by(|a, b| {
        b.completed_this_week
            .cmp(&a.completed_this_week)
            .then(b.open.cmp(&a.open))
            .then(a.name.cmp(&b.name))
    });
    let quiet_since = now - Duration::days(STALE_AFTER_DAYS);
    let mut stale: Vec<ProjectLine> = projects
        .iter()
        .filter(|p| p.last_activity < quiet_since)
        .cloned()
        .collect();
    stale.sort_by_key(|p| (p.last_activity, p.id));

    let mut goals: HashMap<Uuid, ProjectLine> = active
        .iter()
        .filter(|p| is_goal(p))
        .map(|p| (p.id, line(p)))
        .collect();
    for p in inputs.projects.iter().filter(|p| !is_goal(p)) {
        let Some(goal) = goal_of(p, &by_id).and_then(|g| goals.get_mut(&g)) else {
            continue;
        };
        let child = line(p);
        let (open, done) = (goal.open + child.open, goal.completed + child.completed);
        let last = goal.last_activity.max(child.last_activity);
        let week = goal.completed_this_week + child.completed_this_week;
        let me = by_id[&goal.id];
        *goal = ProjectLine::of(me, open, done, week, last);
    }
    let mut goals: Vec<ProjectLine> = goals.into_values().collect();
    goals.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));

    let mut waiting: Vec<_> = inputs
        .waiting
        .iter()
        .filter(|w| w.status == WaitingStatus::Waiting)
        .map(|w| WaitingLine::of(w, now))
        .collect();
    waiting.sort_by_key(|w| {
        (
            !w.overdue,
            w.follow_up_date.is_none(),
            w.follow_up_date,
            w.since,
            w.id,
        )
    });

    Weekly {
        completed_this_week: inputs
            .counts
            .completed
            .unwrap_or(0)
            .max(count_in(days.week)),
        completed_last_week: inputs
            .counts
            .completed_previous
            .unwrap_or(0)
            .max(count_in(days.previous_week)),
        wins: List::of(wins, SECTION_LIMIT, inputs.counts.completed),
        projects: List::section(projects),
        goals: List::section(goals),
        stale: List::section(stale),
        waiting: List::section(waiting),
    }
}

/// "7 of 10 done (70%), 3 this week".
fn progress(p: &ProjectLine) -> String {
    match p.percent_done {
        None => "no tasks yet".into(),
        Some(pct) => format!(
            "{} of {} done ({pct}%), {} this week",
            p.completed,
            p.completed + p.open,
            p.completed_this_week
        ),
    }
}

impl Weekly {
    pub(crate) fn summary(&self) -> String {
        let (now, before) = (self.completed_this_week, self.completed_last_week);
        let trend = match now.cmp(&before) {
            std::cmp::Ordering::Greater => format!("up from {before}"),
            std::cmp::Ordering::Less => format!("down from {before}"),
            std::cmp::Ordering::Equal => "the same as the week before".to_string(),
        };
        let mut out = format!(
            "{} completed this week, {trend}",
            plural(now, "task", "tasks")
        );
        if self.stale.total > 0 {
            out.push_str(&format!(
                "; {}",
                plural(self.stale.total, "stale project", "stale projects")
            ));
        }
        if self.waiting.total > 0 {
            out.push_str(&format!(
                "; waiting on {}",
                plural(self.waiting.total, "item", "items")
            ));
        }
        out + "."
    }

    pub(crate) fn sections(&self, tz: Tz, now: DateTime<Utc>) -> Vec<Section> {
        let counts = vec![
            Line {
                lead: Some("This week".into()),
                text: plural(
                    self.completed_this_week,
                    "task completed",
                    "tasks completed",
                ),
                tail: None,
            },
            Line {
                lead: Some("Week before".into()),
                text: plural(
                    self.completed_last_week,
                    "task completed",
                    "tasks completed",
                ),
                tail: None,
            },
        ];
        let project = |p: &ProjectLine| Line {
            lead: None,
            text: p.name.clone(),
            tail: Some(progress(p)),
        };
        vec![
            Section::new("Completed", "").lines(counts),
            Section::new(
                "Wins this week",
                "Nothing completed this week. Next week is a fresh start.",
            )
            .lines(self.wins.items.iter().map(|t| task_line(t, tz, now)))
            .more(self.wins.more()),
            Section::new("Projects", "No active projects.")
                .lines(self.projects.items.iter().map(project))
                .more(self.projects.more()),
            Section::new("Goals", "No active goals.")
                .lines(self.goals.items.iter().map(project))
                .more(self.goals.more()),
            Section::new(
                "Stale projects",
                "No stale projects: everything moved in the last two weeks.",
            )
            .lines(self.stale.items.iter().map(|p| Line {
                lead: None,
                text: p.name.clone(),
                tail: Some(format!("last activity {}", short_date(p.last_activity, tz))),
            }))
            .more(self.stale.more()),
            Section::new("Waiting for", "Nothing outstanding from others.")
                .lines(self.waiting.items.iter().map(|w| waiting_line(w, tz)))
                .more(self.waiting.more()),
        ]
    }
}
