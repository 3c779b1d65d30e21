//! The lines a briefing lists, as they appear in its JSON: small, stable
//! summaries of tasks, events, questions, drafts, waiting-for items and
//! projects (ids included, so a client can link to the entity), plus the
//! two aggregates the store hands in (due-date moves and project activity).

use super::SECTION_LIMIT;
use super::clock::Period;
use chief_domain::calendar::CalendarEvent;
use chief_domain::draft::{Draft, DraftType};
use chief_domain::project::{Project, ProjectType};
use chief_domain::question::Question;
use chief_domain::task::{Assignee, Task, TaskStatus};
use chief_domain::waiting::WaitingItem;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Up to [`SECTION_LIMIT`] items and how many there were in all.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: usize,
}

impl<T> List<T> {
    /// The first `limit` of `all`; `total` is `counted` when the store
    /// counted more than it fetched.
    pub(crate) fn of(all: Vec<T>, limit: usize, counted: Option<usize>) -> List<T> {
        let total = counted.unwrap_or(0).max(all.len());
        let mut items = all;
        items.truncate(limit);
        List { items, total }
    }

    /// The first [`SECTION_LIMIT`] of `all`.
    pub(crate) fn section(all: Vec<T>) -> List<T> {
        List::of(all, SECTION_LIMIT, None)
    }

    /// How many were left out.
    pub fn more(&self) -> usize {
        self.total.saturating_sub(self.items.len())
    }
}

/// A task, as a briefing lists it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TaskLine {
    pub id: Uuid,
    pub title: String,
    pub priority: i64,
    pub status: TaskStatus,
    pub assignee: Assignee,
    pub due_date: Option<DateTime<Utc>>,
    pub due_has_time: bool,
    /// Open and past its due date at composition time.
    pub overdue: bool,
    pub completed_at: Option<DateTime<Utc>>,
    /// The project's name, when the task has one the briefing knows.
    pub project: Option<String>,
}

impl TaskLine {
    pub(crate) fn of(task: &Task, now: DateTime<Utc>, projects: &[Project]) -> TaskLine {
        TaskLine {
            id: task.id,
            title: task.title.clone(),
            priority: task.priority.get(),
            status: task.status,
            assignee: task.assignee,
            due_date: task.due_date,
            due_has_time: task.due_has_time,
            overdue: task.status.is_open() && task.due_date.is_some_and(|d| d < now),
            completed_at: task.completed_at,
            project: task
                .project_id
                .and_then(|p| projects.iter().find(|x| x.id == p))
                .map(|p| p.name.clone()),
        }
    }
}

/// A task in the user's queue, with its urgency (see `urgency.rs`).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RankedLine {
    pub urgency: f64,
    pub task: TaskLine,
}

/// A blocked task and the question holding it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BlockedLine {
    pub task: TaskLine,
    /// The blocking question's text, when it is known.
    pub question: Option<String>,
}

/// A calendar event.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EventLine {
    pub id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub all_day: bool,
    pub location: Option<String>,
}

impl From<&CalendarEvent> for EventLine {
    fn from(e: &CalendarEvent) -> Self {
        EventLine {
            id: e.id,
            title: e.title.clone(),
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            all_day: e.all_day,
            location: e.location.clone(),
        }
    }
}

/// A question waiting for the user.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct QuestionLine {
    pub id: Uuid,
    pub text: String,
    pub priority: i64,
    pub asked_at: DateTime<Utc>,
}

impl From<&Question> for QuestionLine {
    fn from(q: &Question) -> Self {
        QuestionLine {
            id: q.id,
            text: q.text.clone(),
            priority: q.priority.get(),
            asked_at: q.created_at,
        }
    }
}

/// A draft waiting for review.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DraftLine {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub draft_type: DraftType,
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&Draft> for DraftLine {
    fn from(d: &Draft) -> Self {
        DraftLine {
            id: d.id,
            draft_type: d.draft_type,
            recipient: d.recipient.clone(),
            subject: d.subject.clone(),
            created_at: d.created_at,
        }
    }
}

/// Something owed by someone outside.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WaitingLine {
    pub id: Uuid,
    pub what: String,
    pub who: Option<String>,
    pub since: DateTime<Utc>,
    pub follow_up_date: Option<DateTime<Utc>>,
    /// Its follow-up date has passed.
    pub overdue: bool,
}

impl WaitingLine {
    pub(crate) fn of(w: &WaitingItem, now: DateTime<Utc>) -> WaitingLine {
        WaitingLine {
            id: w.id,
            what: w.what.clone(),
            who: w.who.clone(),
            since: w.since,
            follow_up_date: w.follow_up_date,
            overdue: w.follow_up_date.is_some_and(|d| d < now),
        }
    }
}

/// A due date changed in the period, as the audit log recorded it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DueMove {
    pub task_id: Uuid,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// When the change was made.
    pub at: DateTime<Utc>,
}

/// Which way a due date moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Later,
    Earlier,
    Cleared,
}

/// A task whose due date moved today: from the first recorded date to the
/// last.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MoveLine {
    pub task: TaskLine,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
    pub direction: Direction,
}

/// How a project's tasks stand: counts the store takes with one grouped
/// query, or [`ProjectActivity::from_tasks`] takes from tasks in memory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProjectActivity {
    pub project_id: Uuid,
    /// Queued, working or blocked.
    pub open: usize,
    /// Completed, ever.
    pub completed: usize,
    /// Completed inside the period.
    pub completed_in_period: usize,
    /// The latest change to any of its tasks.
    pub last_activity: Option<DateTime<Utc>>,
}

impl ProjectActivity {
    /// The activity of every project that has tasks among `tasks` (deleted
    /// ones left out), for `period`.
    pub fn from_tasks(tasks: &[Task], period: Period) -> Vec<ProjectActivity> {
        let mut by_project: HashMap<Uuid, ProjectActivity> = HashMap::new();
        for t in tasks.iter().filter(|t| t.deleted_at.is_none()) {
            let Some(p) = t.project_id else { continue };
            let a = by_project.entry(p).or_insert_with(|| ProjectActivity {
                project_id: p,
                ..Default::default()
            });
            if t.status.is_open() {
                a.open += 1;
            }
            if t.status == TaskStatus::Completed {
                a.completed += 1;
                if t.completed_at.is_some_and(|c| period.contains(c)) {
                    a.completed_in_period += 1;
                }
            }
            a.last_activity = a.last_activity.max(Some(t.updated_at));
        }
        let mut out: Vec<_> = by_project.into_values().collect();
        out.sort_by_key(|a| a.project_id);
        out
    }
}

/// A project's or goal's progress in the review week.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProjectLine {
    pub id: Uuid,
    pub name: String,
    pub project_type: ProjectType,
    pub open: usize,
    pub completed: usize,
    pub completed_this_week: usize,
    /// Completed out of all its tasks, 0 to 100; `null` with no tasks.
    pub percent_done: Option<u8>,
    /// The latest change to it or its tasks.
    pub last_activity: DateTime<Utc>,
}

impl ProjectLine {
    pub(crate) fn of(
        p: &Project,
        open: usize,
        completed: usize,
        week: usize,
        last: DateTime<Utc>,
    ) -> Self {
        let all = open + completed;
        ProjectLine {
            id: p.id,
            name: p.name.clone(),
            project_type: p.project_type,
            open,
            completed,
            completed_this_week: week,
            percent_done: (all > 0).then(|| ((completed * 100 + all / 2) / all) as u8),
            last_activity: last,
        }
    }
}
