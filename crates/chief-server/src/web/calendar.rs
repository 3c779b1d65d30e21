//! `/calendar`: the viewer's calendar by week (the default) or by month, in
//! their time zone, with prev/next/today links. Each day shows the
//! viewer's events (`calendar::list_between`) and the open tasks due that
//! day (`task_query::first`), as the API and the briefings read them.

use crate::AppState;
use crate::web::page::{Nav, WebError, render};
use crate::web::session::Viewer;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chief_brain::local_day::start_of_day;
use chief_domain::task::TaskStatus;
use chief_store::calendar;
use chief_store::task_query::{self, TaskFilter, TaskSort};
use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

/// The most tasks due in one view that are shown.
const TASK_LIMIT: i64 = 300;

#[derive(Deserialize, Default)]
pub struct CalendarQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    date: String,
}

/// One thing on a day: an event or a task due.
pub struct Item {
    /// "09:30", "all day" or "due".
    pub time: String,
    pub title: String,
    pub href: String,
    pub task: bool,
}

/// One day of the view.
pub struct DayCell {
    /// "2026-11-24", for ids and links.
    pub iso: String,
    /// "Tue 24 Nov" in a week, "24" in a month.
    pub label: String,
    pub today: bool,
    /// In the month shown (a month view starts and ends on whole weeks).
    pub in_month: bool,
    pub items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "web/calendar.html")]
struct CalendarPage {
    nav: Nav,
    month: bool,
    title: String,
    prev: String,
    next: String,
    date: String,
    error: String,
    /// Rows of seven days (one row in a week view).
    weeks: Vec<Vec<DayCell>>,
}

/// The Monday on or before `d`.
fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Days::new(u64::from(d.weekday().num_days_from_monday()))
}

/// The days a view shows: the week of `date`, or the whole weeks that
/// cover its month.
fn span(date: NaiveDate, month: bool) -> (NaiveDate, NaiveDate) {
    if !month {
        let start = monday_of(date);
        return (start, start + Days::new(7));
    }
    let first = date.with_day(1).expect("every month has a first day");
    let next_month = first + Months::new(1);
    let last = next_month.pred_opt().expect("a month has a last day");
    let end = monday_of(last) + Days::new(7);
    (monday_of(first), end)
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, WebError> {
    let tz = viewer.tz();
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let month = q.view == "month";
    let (date, error) = match q.date.trim() {
        "" => (today, String::new()),
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => (d, String::new()),
            Err(_) => (
                today,
                format!("{raw:?} is not a date (YYYY-MM-DD); showing today"),
            ),
        },
    };
    let (first, end) = span(date, month);
    let (from, to) = (start_of_day(first, tz), start_of_day(end, tz));
    let events = calendar::list_between(&state.db, viewer.tenant(), from, to).await?;
    let due = task_query::first(
        &state.db,
        viewer.tenant(),
        &TaskFilter {
            statuses: vec![TaskStatus::Queued, TaskStatus::Working, TaskStatus::Blocked],
            user_id: Some(viewer.user_id()),
            due_after: Some(from),
            due_before: Some(to),
            sort: TaskSort::Due,
            ..TaskFilter::default()
        },
        TASK_LIMIT,
    )
    .await?;

    let mut days: Vec<DayCell> = first
        .iter_days()
        .take_while(|d| *d < end)
        .map(|d| DayCell {
            iso: d.to_string(),
            label: if month {
                d.day().to_string()
            } else {
                d.format("%a %-d %b").to_string()
            },
            today: d == today,
            in_month: !month || d.month() == date.month(),
            items: Vec::new(),
        })
        .collect();
    let index = |t: chrono::DateTime<Utc>, tz: Tz| {
        let local = t.with_timezone(&tz).date_naive();
        usize::try_from((local - first).num_days()).ok()
    };
    for e in events.iter().filter(|e| e.user_id == viewer.user_id()) {
        // An event that began before the view is shown on its first day.
        let at = e.starts_at.max(from);
        if let Some(cell) = index(at, tz).and_then(|i| days.get_mut(i)) {
            cell.items.push(Item {
                time: if e.all_day {
                    "all day".into()
                } else {
                    e.starts_at.with_timezone(&tz).format("%H:%M").to_string()
                },
                title: e.title.clone(),
                href: String::new(),
                task: false,
            });
        }
    }
    for t in &due {
        let Some(d) = t.due_date else { continue };
        if let Some(cell) = index(d, tz).and_then(|i| days.get_mut(i)) {
            cell.items.push(Item {
                time: "due".into(),
                title: t.title.clone(),
                href: format!("/tasks?open={}", t.id),
                task: true,
            });
        }
    }

    let step = |forward: bool| {
        let d = match (month, forward) {
            (true, true) => date + Months::new(1),
            (true, false) => date - Months::new(1),
            (false, true) => date + Days::new(7),
            (false, false) => date - Days::new(7),
        };
        format!(
            "/calendar?view={}&date={d}",
            if month { "month" } else { "week" }
        )
    };
    let title = if month {
        date.format("%B %Y").to_string()
    } else {
        format!("Week of {}", first.format("%-d %B %Y"))
    };
    let mut weeks = Vec::new();
    let mut rest = days.into_iter().peekable();
    while rest.peek().is_some() {
        weeks.push(rest.by_ref().take(7).collect());
    }
    render(&CalendarPage {
        nav: Nav::new(&viewer, "/calendar"),
        month,
        title,
        prev: step(false),
        next: step(true),
        date: date.to_string(),
        error,
        weeks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_starts_on_monday_and_a_month_covers_whole_weeks() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let (s, e) = span(d, false);
        assert_eq!(
            (s.to_string(), e.to_string()),
            ("2026-11-23".into(), "2026-11-30".into())
        );
        let (s, e) = span(d, true);
        assert_eq!(
            (s.to_string(), e.to_string()),
            ("2026-10-26".into(), "2026-12-07".into())
        );
    }
}
