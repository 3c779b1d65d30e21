//! The midday progress check: what got done so far today, what is still due
//! today (or overdue), and what is blocked.

use super::clock::Days;
use super::items::{BlockedLine, List, TaskLine};
use super::morning::{due_before, live};
use super::render::{Section, task_line};
use super::{Inputs, SECTION_LIMIT, plural};
use chief_domain::task::{Task, TaskStatus};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// The midday check's sections.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Midday {
    /// Completed since the start of today, latest first.
    pub done: List<TaskLine>,
    /// Open tasks due by the end of today, overdue ones included.
    pub still_due: List<TaskLine>,
    pub blocked: List<BlockedLine>,
}

/// Tasks completed inside `[start, end)`, latest first.
pub(crate) fn completed_between(
    inputs: &Inputs,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<TaskLine> {
    let mut done: Vec<&Task> = inputs
        .tasks
        .iter()
        .filter(live)
        .filter(|t| t.status == TaskStatus::Completed)
        .filter(|t| t.completed_at.is_some_and(|c| start <= c && c < end))
        .collect();
    done.sort_by_key(|t| (std::cmp::Reverse(t.completed_at), t.id));
    done.into_iter()
        .map(|t| TaskLine::of(t, now, inputs.projects))
        .collect()
}

pub(crate) fn compose(inputs: &Inputs, now: DateTime<Utc>, days: &Days) -> Midday {
    let mut blocked: Vec<&Task> = inputs
        .tasks
        .iter()
        .filter(live)
        .filter(|t| t.status == TaskStatus::Blocked)
        .collect();
    blocked.sort_by_key(|t| (t.priority, t.updated_at, t.id));
    let blocked = blocked
        .into_iter()
        .map(|t| BlockedLine {
            task: TaskLine::of(t, now, inputs.projects),
            question: t.blocking_question_id.and_then(|q| {
                inputs
                    .questions
                    .iter()
                    .find(|x| x.id == q)
                    .map(|x| x.text.clone())
            }),
        })
        .collect();
    Midday {
        done: List::of(
            completed_between(inputs, days.today.start, now.max(days.today.start), now),
            SECTION_LIMIT,
            inputs.counts.completed,
        ),
        still_due: List::of(
            due_before(inputs, days.today.end, now),
            SECTION_LIMIT,
            inputs.counts.due_or_overdue,
        ),
        blocked: List::section(blocked),
    }
}

impl Midday {
    pub(crate) fn summary(&self) -> String {
        if self.done.total + self.still_due.total + self.blocked.total == 0 {
            return "A quiet day so far: nothing done yet, nothing due, nothing blocked.".into();
        }
        format!(
            "{} done so far today, {} still due, {} blocked.",
            plural(self.done.total, "task", "tasks"),
            self.still_due.total,
            self.blocked.total
        )
    }

    pub(crate) fn sections(&self, tz: Tz, now: DateTime<Utc>) -> Vec<Section> {
        vec![
            Section::new("Done so far today", "Nothing completed yet today.")
                .lines(self.done.items.iter().map(|t| task_line(t, tz, now)))
                .more(self.done.more()),
            Section::new("Still due today", "Nothing left due today.")
                .lines(self.still_due.items.iter().map(|t| task_line(t, tz, now)))
                .more(self.still_due.more()),
            Section::new("Blocked", "Nothing is blocked.")
                .lines(self.blocked.items.iter().map(|b| {
                    let mut line = task_line(&b.task, tz, now);
                    if let Some(q) = &b.question {
                        line.tail = Some(format!("waiting on: {q}"));
                    }
                    line
                }))
                .more(self.blocked.more()),
        ]
    }
}
