//! The morning plan: today's calendar, the top priorities by urgency, what
//! is due today or overdue, the questions and drafts waiting for the user,
//! overdue waiting-for items, and what the agent is doing.

use super::clock::{Days, hm};
use super::items::{DraftLine, EventLine, List, QuestionLine, RankedLine, TaskLine, WaitingLine};
use super::render::{Line, Section, task_line, waiting_line};
use super::{Inputs, plural};
use crate::urgency;
use chief_domain::calendar::CalendarEvent;
use chief_domain::draft::DraftStatus;
use chief_domain::question::QuestionStatus;
use chief_domain::task::{Assignee, Task, TaskStatus};
use chief_domain::waiting::WaitingStatus;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::HashSet;

/// How many priorities the plan names.
pub const PRIORITIES: usize = 5;

/// The morning plan's sections.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Morning {
    pub calendar: List<EventLine>,
    /// The user's own queue, most urgent first.
    pub priorities: Vec<RankedLine>,
    /// Open tasks due today or already overdue, soonest first.
    pub due: List<TaskLine>,
    pub questions: List<QuestionLine>,
    pub drafts: List<DraftLine>,
    /// Waiting-for items past their follow-up date.
    pub overdue_waiting: List<WaitingLine>,
    pub agent: AgentActivity,
}

/// What the agent is doing.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AgentActivity {
    pub working: List<TaskLine>,
    /// Tasks queued for it.
    pub queued: usize,
}

/// Whether `task` counts for the user today: not deleted.
pub(crate) fn live(task: &&Task) -> bool {
    task.deleted_at.is_none()
}

/// Events overlapping `[start, end)`, all-day ones first, then by start.
pub(crate) fn events_between(
    events: &[CalendarEvent],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<EventLine> {
    let mut out: Vec<&CalendarEvent> = events
        .iter()
        .filter(|e| {
            e.starts_at < end && (e.starts_at >= start || e.ends_at.is_some_and(|x| x > start))
        })
        .collect();
    out.sort_by_key(|e| (!e.all_day, e.starts_at, e.id));
    out.into_iter().map(EventLine::from).collect()
}

/// Open tasks due before `end`, soonest first.
pub(crate) fn due_before(inputs: &Inputs, end: DateTime<Utc>, now: DateTime<Utc>) -> Vec<TaskLine> {
    let mut due: Vec<&Task> = inputs
        .tasks
        .iter()
        .filter(live)
        .filter(|t| t.status.is_open() && t.due_date.is_some_and(|d| d < end))
        .collect();
    due.sort_by_key(|t| (t.due_date, t.priority, t.id));
    due.into_iter()
        .map(|t| TaskLine::of(t, now, inputs.projects))
        .collect()
}

pub(crate) fn compose(inputs: &Inputs, now: DateTime<Utc>, days: &Days) -> Morning {
    let line = |t: &Task| TaskLine::of(t, now, inputs.projects);
    let held: HashSet<_> = inputs
        .waiting
        .iter()
        .filter(|w| w.status == WaitingStatus::Waiting)
        .filter_map(|w| w.task_id)
        .collect();
    let weights = urgency::weights();
    let mut ranked: Vec<(f64, &Task)> = inputs
        .tasks
        .iter()
        .filter(live)
        .filter(|t| t.assignee == Assignee::User)
        .filter(|t| matches!(t.status, TaskStatus::Queued | TaskStatus::Working))
        .filter(|t| !held.contains(&t.id))
        .map(|t| {
            let working = t.status == TaskStatus::Working;
            let score = weights.score(t.priority, t.due_date, t.created_at, working, now);
            (score, t)
        })
        .collect();
    ranked.sort_by(|(a, x), (b, y)| {
        b.total_cmp(a)
            .then((x.due_date.is_none(), x.due_date).cmp(&(y.due_date.is_none(), y.due_date)))
            .then(x.created_at.cmp(&y.created_at))
            .then(x.id.cmp(&y.id))
    });
    let priorities = ranked
        .into_iter()
        .take(PRIORITIES)
        .map(|(urgency, t)| RankedLine {
            urgency,
            task: line(t),
        })
        .collect();

    let mut questions: Vec<_> = inputs
        .questions
        .iter()
        .filter(|q| q.status == QuestionStatus::Unanswered)
        .collect();
    questions.sort_by_key(|q| (q.priority, q.created_at, q.id));
    let mut drafts: Vec<_> = inputs
        .drafts
        .iter()
        .filter(|d| d.status == DraftStatus::Pending)
        .collect();
    drafts.sort_by_key(|d| (d.created_at, d.id));
    let mut overdue_waiting: Vec<_> = inputs
        .waiting
        .iter()
        .filter(|w| w.status == WaitingStatus::Waiting && w.follow_up_date.is_some_and(|d| d < now))
        .collect();
    overdue_waiting.sort_by_key(|w| (w.follow_up_date, w.id));
    let mut working: Vec<_> = inputs
        .tasks
        .iter()
        .filter(live)
        .filter(|t| t.assignee == Assignee::Agent && t.status == TaskStatus::Working)
        .collect();
    working.sort_by_key(|t| (t.started_at, t.id));
    let queued = inputs
        .tasks
        .iter()
        .filter(live)
        .filter(|t| t.assignee == Assignee::Agent && t.status == TaskStatus::Queued)
        .count();

    Morning {
        calendar: List::section(events_between(
            inputs.events,
            days.today.start,
            days.today.end,
        )),
        priorities,
        due: List::of(
            due_before(inputs, days.today.end, now),
            super::SECTION_LIMIT,
            inputs.counts.due_or_overdue,
        ),
        questions: List::section(questions.into_iter().map(QuestionLine::from).collect()),
        drafts: List::section(drafts.into_iter().map(DraftLine::from).collect()),
        overdue_waiting: List::section(
            overdue_waiting
                .into_iter()
                .map(|w| WaitingLine::of(w, now))
                .collect(),
        ),
        agent: AgentActivity {
            working: List::section(working.into_iter().map(line).collect()),
            queued: inputs.counts.agent_queued.unwrap_or(0).max(queued),
        },
    }
}

impl Morning {
    pub(crate) fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.calendar.total > 0 {
            parts.push(plural(self.calendar.total, "event", "events"));
        }
        if self.due.total > 0 {
            parts.push(format!(
                "{} due or overdue",
                plural(self.due.total, "task", "tasks")
            ));
        }
        if self.questions.total > 0 {
            parts.push(plural(self.questions.total, "question", "questions") + " for you");
        }
        if self.drafts.total > 0 {
            parts.push(plural(self.drafts.total, "draft", "drafts") + " to review");
        }
        if parts.is_empty() {
            "A clear morning: nothing due, nothing waiting for you.".into()
        } else {
            format!("Today: {}.", parts.join(", "))
        }
    }

    pub(crate) fn sections(&self, tz: Tz, now: DateTime<Utc>) -> Vec<Section> {
        let mut agent: Vec<Line> = self
            .agent
            .working
            .items
            .iter()
            .map(|t| task_line(t, tz, now))
            .collect();
        if self.agent.queued > 0 {
            agent.push(Line::plain(format!(
                "{} queued for it",
                plural(self.agent.queued, "task", "tasks")
            )));
        }
        let agent_more = self.agent.working.more();
        vec![
            Section::new("Today's calendar", "Nothing on your calendar today.")
                .lines(self.calendar.items.iter().map(|e| event_line(e, tz)))
                .more(self.calendar.more()),
            Section::new("Top priorities", "Nothing in your queue. Enjoy the space.")
                .lines(self.priorities.iter().map(|r| task_line(&r.task, tz, now))),
            Section::new(
                "Due today or overdue",
                "Nothing overdue, nothing due today.",
            )
            .lines(self.due.items.iter().map(|t| task_line(t, tz, now)))
            .more(self.due.more()),
            Section::new("Questions for you", "No questions waiting for you.")
                .lines(self.questions.items.iter().map(|q| Line {
                    lead: Some(format!("P{}", q.priority)),
                    text: q.text.clone(),
                    tail: None,
                }))
                .more(self.questions.more()),
            Section::new("Drafts to review", "No drafts to review.")
                .lines(self.drafts.items.iter().map(draft_line))
                .more(self.drafts.more()),
            Section::new("Overdue waiting-for", "Nothing overdue from others.")
                .lines(
                    self.overdue_waiting
                        .items
                        .iter()
                        .map(|w| waiting_line(w, tz)),
                )
                .more(self.overdue_waiting.more()),
            Section::new("What the agent is doing", "The agent is idle.")
                .lines(agent)
                .more(agent_more),
        ]
    }
}

/// "09:30–10:00 Standup (Room 4)".
pub(crate) fn event_line(e: &EventLine, tz: Tz) -> Line {
    let lead = if e.all_day {
        "all day".to_string()
    } else {
        match e.ends_at {
            Some(end) => format!("{}–{}", hm(e.starts_at, tz), hm(end, tz)),
            None => hm(e.starts_at, tz),
        }
    };
    Line {
        lead: Some(lead),
        text: e.title.clone(),
        tail: e.location.clone(),
    }
}

fn draft_line(d: &DraftLine) -> Line {
    let what = d
        .subject
        .clone()
        .unwrap_or_else(|| format!("{} draft", d.draft_type));
    Line {
        lead: Some(d.draft_type.to_string()),
        text: what,
        tail: d.recipient.as_ref().map(|r| format!("to {r}")),
    }
}
