//! The evening summary: what was completed today, what was moved, and the
//! prep for tomorrow (tomorrow's calendar and what falls due).
//!
//! "Moved" comes from the audit log, not from `updated_at`: a task counts
//! when a change made today gave a dated task a different due date (later,
//! earlier, or none). Several changes in a day fold into one, from the first
//! date to the last; a task moved and then moved back is left out.

use super::clock::{Days, short_date};
use super::items::{Direction, DueMove, EventLine, List, MoveLine, TaskLine};
use super::midday::completed_between;
use super::morning::{event_line, events_between, live};
use super::render::{Section, task_line};
use super::{Inputs, SECTION_LIMIT, plural};
use chief_domain::task::Task;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The evening summary's sections.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Evening {
    /// Completed today, latest first.
    pub completed: List<TaskLine>,
    /// Tasks whose due date changed today.
    pub moved: List<MoveLine>,
    pub tomorrow_calendar: List<EventLine>,
    /// Open tasks due tomorrow.
    pub due_tomorrow: List<TaskLine>,
}

pub(crate) fn compose(inputs: &Inputs, now: DateTime<Utc>, days: &Days) -> Evening {
    let mut due_tomorrow: Vec<&Task> = inputs
        .tasks
        .iter()
        .filter(live)
        .filter(|t| t.status.is_open() && t.due_date.is_some_and(|d| days.tomorrow.contains(d)))
        .collect();
    due_tomorrow.sort_by_key(|t| (t.due_date, t.priority, t.id));
    Evening {
        completed: List::of(
            completed_between(inputs, days.today.start, days.today.end, now),
            SECTION_LIMIT,
            inputs.counts.completed,
        ),
        moved: List::section(moves(inputs, days, now)),
        tomorrow_calendar: List::section(events_between(
            inputs.events,
            days.tomorrow.start,
            days.tomorrow.end,
        )),
        due_tomorrow: List::section(
            due_tomorrow
                .into_iter()
                .map(|t| TaskLine::of(t, now, inputs.projects))
                .collect(),
        ),
    }
}

/// When a task was first moved today, from which date, and to which last.
type Span = (DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Today's due-date changes, one per task, in the order they were made.
fn moves(inputs: &Inputs, days: &Days, now: DateTime<Utc>) -> Vec<MoveLine> {
    let mut today: Vec<&DueMove> = inputs
        .moves
        .iter()
        .filter(|m| days.today.contains(m.at))
        .collect();
    today.sort_by_key(|m| (m.at, m.task_id));
    let mut net: BTreeMap<Uuid, Span> = BTreeMap::new();
    for m in today {
        net.entry(m.task_id)
            .and_modify(|e| e.2 = m.to)
            .or_insert((m.at, m.from, m.to));
    }
    let mut out: Vec<(DateTime<Utc>, MoveLine)> = net
        .into_iter()
        .filter_map(|(id, (at, from, to))| {
            let from = from?;
            let direction = match to {
                None => Direction::Cleared,
                Some(to) if to > from => Direction::Later,
                Some(to) if to < from => Direction::Earlier,
                Some(_) => return None,
            };
            let task = inputs.tasks.iter().filter(live).find(|t| t.id == id)?;
            Some((
                at,
                MoveLine {
                    task: TaskLine::of(task, now, inputs.projects),
                    from,
                    to,
                    direction,
                },
            ))
        })
        .collect();
    out.sort_by_key(|(at, m)| (*at, m.task.id));
    out.into_iter().map(|(_, m)| m).collect()
}

impl Evening {
    pub(crate) fn summary(&self) -> String {
        let done = if self.completed.total == 0 {
            "Nothing completed today".to_string()
        } else {
            format!(
                "{} completed today",
                plural(self.completed.total, "task", "tasks")
            )
        };
        let moved = match self.moved.total {
            0 => String::new(),
            n => format!(", {} moved", plural(n, "task", "tasks")),
        };
        let tomorrow = match (self.tomorrow_calendar.total, self.due_tomorrow.total) {
            (0, 0) => "tomorrow is clear".to_string(),
            (e, d) => format!(
                "tomorrow: {} and {} due",
                plural(e, "event", "events"),
                plural(d, "task", "tasks")
            ),
        };
        format!("{done}{moved}; {tomorrow}.")
    }

    pub(crate) fn sections(&self, tz: Tz, now: DateTime<Utc>) -> Vec<Section> {
        vec![
            Section::new(
                "Completed today",
                "Nothing completed today. Tomorrow is a new day.",
            )
            .lines(self.completed.items.iter().map(|t| task_line(t, tz, now)))
            .more(self.completed.more()),
            Section::new("Moved", "Nothing was rescheduled today.")
                .lines(self.moved.items.iter().map(|m| {
                    let mut line = task_line(&m.task, tz, now);
                    let to =
                        m.to.map(|d| short_date(d, tz))
                            .unwrap_or_else(|| "no date".into());
                    line.tail = Some(format!("{} → {}", short_date(m.from, tz), to));
                    line
                }))
                .more(self.moved.more()),
            Section::new("Tomorrow's calendar", "Nothing on your calendar tomorrow.")
                .lines(
                    self.tomorrow_calendar
                        .items
                        .iter()
                        .map(|e| event_line(e, tz)),
                )
                .more(self.tomorrow_calendar.more()),
            Section::new("Due tomorrow", "Nothing due tomorrow.")
                .lines(
                    self.due_tomorrow
                        .items
                        .iter()
                        .map(|t| task_line(t, tz, now)),
                )
                .more(self.due_tomorrow.more()),
        ]
    }
}
