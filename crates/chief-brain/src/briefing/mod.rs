//! Briefings composed from the data, with no model: the morning plan, the
//! midday check, the evening summary and the weekly review.
//!
//! The store gathers the period's data (see [`Inputs`]) in a few bounded
//! queries; [`compose`] picks, ranks and counts it into a [`Briefing`], a
//! structured value with stable JSON; [`render::markdown`] and
//! [`render::text`] turn that one structure into Markdown and plain text.
//! Nothing here reads a clock: `now` and the user's time zone are passed in,
//! and "today" is the user's local day ([`clock`]).

pub mod clock;
mod evening;
pub mod items;
mod midday;
mod morning;
pub mod render;
mod weekly;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

use chief_domain::calendar::CalendarEvent;
use chief_domain::draft::Draft;
use chief_domain::project::Project;
use chief_domain::question::Question;
use chief_domain::task::Task;
use chief_domain::waiting::WaitingItem;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

pub use clock::Period;
pub use evening::Evening;
pub use items::{DueMove, ProjectActivity};
pub use midday::Midday;
pub use morning::Morning;
pub use weekly::Weekly;

pub use chief_domain::briefing::BriefingKind;

/// How many items a section lists; the rest are counted ("and 4 more").
pub const SECTION_LIMIT: usize = 10;

/// What a briefing is composed from. Each slice may hold more than the
/// briefing needs (the composer filters by period, owner and status), so a
/// caller can gather once and compose several kinds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inputs<'a> {
    /// The user's tasks that may matter: open ones due soon or ranked high,
    /// completed ones in the period, blocked ones, moved ones.
    pub tasks: &'a [Task],
    /// The user's calendar around the period.
    pub events: &'a [CalendarEvent],
    /// Questions waiting for the user (and those blocking their tasks).
    pub questions: &'a [Question],
    /// Drafts waiting for review.
    pub drafts: &'a [Draft],
    /// Open waiting-for items.
    pub waiting: &'a [WaitingItem],
    /// The projects, initiatives and goals to report on.
    pub projects: &'a [Project],
    /// Due dates changed in the period, from the audit log.
    pub moves: &'a [DueMove],
    /// Per-project task counts (see [`ProjectActivity::from_tasks`]).
    pub activity: &'a [ProjectActivity],
    /// Exact totals the store counted, for sections whose rows it fetched
    /// only in part; `None` counts the slice.
    pub counts: Counts,
}

/// Totals counted by the store. `None` means "count what is in the slice".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Open tasks due before the end of today (overdue included).
    pub due_or_overdue: Option<usize>,
    /// Tasks completed in the briefing's period.
    pub completed: Option<usize>,
    /// Tasks completed in the week before the weekly review's.
    pub completed_previous: Option<usize>,
    /// Tasks queued for the agent.
    pub agent_queued: Option<usize>,
}

/// One composed briefing: when and for whom it was made, a headline, and
/// the kind's sections.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Briefing {
    /// "Morning plan for Tuesday 3 March 2026".
    pub title: String,
    /// One sentence with the numbers that matter most.
    pub summary: String,
    /// The IANA zone the days were taken in.
    pub timezone: String,
    /// The instant it was composed for.
    pub generated_at: DateTime<Utc>,
    /// The period it covers: the user's local day, or the seven local days
    /// ending today for the weekly review.
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    /// The kind, as `kind`, and its sections.
    #[serde(flatten)]
    pub content: Content,
}

/// The sections of each kind.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    Morning(Morning),
    Midday(Midday),
    Evening(Evening),
    Weekly(Weekly),
}

impl Briefing {
    /// Which kind this is.
    pub fn kind(&self) -> BriefingKind {
        match self.content {
            Content::Morning(_) => BriefingKind::Morning,
            Content::Midday(_) => BriefingKind::Midday,
            Content::Evening(_) => BriefingKind::Evening,
            Content::Weekly(_) => BriefingKind::Weekly,
        }
    }

    /// The zone its times are shown in (UTC if the name is unknown).
    pub fn tz(&self) -> Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }
}

/// The period a briefing of `kind` covers at `now` in `tz`.
fn period(kind: BriefingKind, now: DateTime<Utc>, tz: Tz) -> Period {
    let days = clock::Days::at(now, tz);
    match kind {
        BriefingKind::Weekly => days.week,
        _ => days.today,
    }
}

/// Composes a briefing of `kind` for `now` in the user's zone `tz`.
pub fn compose(kind: BriefingKind, inputs: &Inputs, now: DateTime<Utc>, tz: Tz) -> Briefing {
    let days = clock::Days::at(now, tz);
    let (content, summary) = match kind {
        BriefingKind::Morning => {
            let m = morning::compose(inputs, now, &days);
            let s = m.summary();
            (Content::Morning(m), s)
        }
        BriefingKind::Midday => {
            let m = midday::compose(inputs, now, &days);
            let s = m.summary();
            (Content::Midday(m), s)
        }
        BriefingKind::Evening => {
            let e = evening::compose(inputs, now, &days);
            let s = e.summary();
            (Content::Evening(e), s)
        }
        BriefingKind::Weekly => {
            let w = weekly::compose(inputs, now, &days);
            let s = w.summary();
            (Content::Weekly(w), s)
        }
    };
    let period = period(kind, now, tz);
    let title = match kind {
        BriefingKind::Weekly => format!(
            "{} for {} to {}",
            kind.label(),
            clock::long_date(days.week.start, tz),
            clock::long_date(days.today.start, tz),
        ),
        _ => format!("{} for {}", kind.label(), clock::long_date(now, tz)),
    };
    Briefing {
        title,
        summary,
        timezone: tz.name().to_string(),
        generated_at: now,
        period_start: period.start,
        period_end: period.end,
        content,
    }
}

/// "1 task", "3 tasks".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
