//! Task suggestions (seed 002's `suggest_tasks(context, time_available,
//! energy_level)`): which of the person's open tasks to do now, each with a
//! score and the reasons for it.
//!
//! Points, added up:
//! - **due**: overdue 40, due today 30, tomorrow 20, within a week 10;
//! - **priority**: `(6 - priority) × 5`, so priority 1 earns 25;
//! - **goal alignment**: 15 when the task's project, or a project above it,
//!   is an active goal (task → project → goal);
//! - **context**: 20 when the task's @contexts or tags hold the context. A
//!   context the person *gave* also filters: a task tied to other contexts
//!   (`@errands` while `@phone`) is left out. An *inferred* context only
//!   boosts, since it is a guess;
//! - **time**: 10 when the estimate fits the minutes available; a task whose
//!   estimate does not fit is left out. Tasks with no estimate stay, with no
//!   points for it;
//! - **energy**: high energy gives 8 to long (≥ 60 min) or priority-1/2 work;
//!   low energy gives 8 to short (≤ 15 min) or `easy`/`quick` work and takes
//!   8 from long work;
//! - **started**: 5 for work already under way.
//!
//! Ties go to the sooner due date, then the older task. Pure: `now` and the
//! person's UTC offset are passed in.

use crate::suggest_estimate::estimate_minutes;
use chief_domain::project::{Project, ProjectStatus, ProjectType};
use chief_domain::task::{Task, TaskStatus};
use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;

/// How much energy the person has now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Energy {
    Low,
    High,
}

impl Energy {
    /// `low` or `high` (also `l`, `h`, `lo`, `hi`), ignoring case.
    pub fn parse(text: &str) -> Option<Energy> {
        match text.trim().to_ascii_lowercase().as_str() {
            "low" | "lo" | "l" => Some(Energy::Low),
            "high" | "hi" | "h" => Some(Energy::High),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Energy::Low => "low",
            Energy::High => "high",
        }
    }
}

/// What the person asked for, and when.
#[derive(Clone, Debug)]
pub struct Request {
    /// The context, without its `@`, lower case.
    pub context: Option<String>,
    /// Whether the context was inferred rather than given.
    pub context_inferred: bool,
    pub minutes: Option<u32>,
    pub energy: Option<Energy>,
    pub now: DateTime<Utc>,
    /// The person's UTC offset now, for "due today".
    pub offset: FixedOffset,
}

/// One suggested task.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion<'a> {
    pub task: &'a Task,
    pub score: f64,
    pub reasons: Vec<String>,
    pub estimate_minutes: Option<u32>,
}

/// The active goal that a project serves: the project itself if it is a
/// goal, or the nearest goal above it through `parent_id`. A loop in the
/// hierarchy ends the walk.
pub fn goal_of(project_id: Uuid, projects: &[Project]) -> Option<&Project> {
    let mut current = projects.iter().find(|p| p.id == project_id)?;
    for _ in 0..=projects.len() {
        if current.project_type == ProjectType::Goal {
            return (current.status == ProjectStatus::Active).then_some(current);
        }
        current = projects.iter().find(|p| Some(p.id) == current.parent_id)?;
    }
    None
}

fn has_context(task: &Task, context: &str) -> bool {
    task.contexts
        .iter()
        .chain(&task.tags)
        .any(|c| c.trim_start_matches('@').eq_ignore_ascii_case(context))
}

fn has_tag(task: &Task, names: &[&str]) -> bool {
    task.tags
        .iter()
        .chain(&task.contexts)
        .any(|t| names.iter().any(|n| t.eq_ignore_ascii_case(n)))
}

/// Scores one task; `None` when the request rules it out.
fn score<'a>(task: &'a Task, goal: Option<&str>, req: &Request) -> Option<Suggestion<'a>> {
    if !matches!(task.status, TaskStatus::Queued | TaskStatus::Working) {
        return None;
    }
    let mut score = 0.0;
    let mut reasons = Vec::new();
    if let Some(due) = task.due_date {
        let today = req.now.with_timezone(&req.offset).date_naive();
        let due_day = due.with_timezone(&req.offset).date_naive();
        let days = (due_day - today).num_days();
        let (points, reason) = if due < req.now {
            (40.0, "overdue".to_string())
        } else if days <= 0 {
            (30.0, "due today".to_string())
        } else if days == 1 {
            (20.0, "due tomorrow".to_string())
        } else if days <= 7 {
            (10.0, format!("due in {days} days"))
        } else {
            (0.0, String::new())
        };
        score += points;
        if points > 0.0 {
            reasons.push(reason);
        }
    }
    let p = task.priority.get();
    score += (6 - p) as f64 * 5.0;
    if p <= 2 {
        reasons.push(format!("priority {p}"));
    }
    if let Some(goal) = goal {
        score += 15.0;
        reasons.push(format!("serves goal '{goal}'"));
    }
    if let Some(context) = req.context.as_deref() {
        if has_context(task, context) {
            score += 20.0;
            reasons.push(format!("matches @{context}"));
        } else if !req.context_inferred && !task.contexts.is_empty() {
            return None;
        }
    }
    let estimate = estimate_minutes(task);
    if let (Some(minutes), Some(est)) = (req.minutes, estimate) {
        if est > minutes {
            return None;
        }
        score += 10.0;
        reasons.push(format!("fits {minutes} min"));
    }
    let long = estimate.is_some_and(|m| m >= 60);
    let short = estimate.is_some_and(|m| m <= 15) || has_tag(task, &["easy", "quick"]);
    match req.energy {
        Some(Energy::High) if long || p <= 2 => {
            score += 8.0;
            reasons.push("suits high energy".into());
        }
        Some(Energy::Low) if short => {
            score += 8.0;
            reasons.push("quick win for low energy".into());
        }
        Some(Energy::Low) if long => score -= 8.0,
        _ => {}
    }
    if task.status == TaskStatus::Working {
        score += 5.0;
        reasons.push("already started".into());
    }
    Some(Suggestion {
        task,
        score,
        reasons,
        estimate_minutes: estimate,
    })
}

/// The best `limit` of `tasks` for `req`, best first. Each task comes with
/// the name of the goal it serves, if any (see [`goal_of`]).
pub fn suggest<'a>(
    tasks: &[(&'a Task, Option<&str>)],
    req: &Request,
    limit: usize,
) -> Vec<Suggestion<'a>> {
    let mut out: Vec<Suggestion<'a>> = tasks
        .iter()
        .filter_map(|(t, goal)| score(t, *goal, req))
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| match (a.task.due_date, b.task.due_date) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.task.created_at.cmp(&b.task.created_at))
            .then_with(|| a.task.id.cmp(&b.task.id))
    });
    out.truncate(limit);
    out
}
