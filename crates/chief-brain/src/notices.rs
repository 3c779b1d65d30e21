//! The reminders the scheduler sends, composed from the data: deadline
//! notices, the waiting-for digest and event prep. Pure: the clock and the
//! reader's time zone are passed in. Each comes as a [`Notice`] with a
//! title, plain text, Markdown and the structured data.

use chief_domain::calendar::CalendarEvent;
use chief_domain::delivery::Notice;
use chief_domain::person::Person;
use chief_domain::task::Task;
use chief_domain::waiting::WaitingItem;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

/// How close a task's due date is, as the deadline checker reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeadlineBucket {
    Overdue,
    DueIn1Day,
    DueIn3Days,
    DueIn7Days,
}

impl DeadlineBucket {
    /// The topic and dedupe part: `deadline.due_in_3_days`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineBucket::Overdue => "overdue",
            DeadlineBucket::DueIn1Day => "due_in_1_day",
            DeadlineBucket::DueIn3Days => "due_in_3_days",
            DeadlineBucket::DueIn7Days => "due_in_7_days",
        }
    }

    fn phrase(self) -> &'static str {
        match self {
            DeadlineBucket::Overdue => "is overdue",
            DeadlineBucket::DueIn1Day => "is due within a day",
            DeadlineBucket::DueIn3Days => "is due within 3 days",
            DeadlineBucket::DueIn7Days => "is due within 7 days",
        }
    }
}

/// Which notice a task due at `due` gets at `now`: only the nearest one,
/// so a task first seen 12 hours before its deadline gets the one-day
/// notice and not the three- and seven-day ones as well.
pub fn deadline_bucket(due: DateTime<Utc>, now: DateTime<Utc>) -> Option<DeadlineBucket> {
    let left = due - now;
    if left < Duration::zero() {
        Some(DeadlineBucket::Overdue)
    } else if left <= Duration::days(1) {
        Some(DeadlineBucket::DueIn1Day)
    } else if left <= Duration::days(3) {
        Some(DeadlineBucket::DueIn3Days)
    } else if left <= Duration::days(7) {
        Some(DeadlineBucket::DueIn7Days)
    } else {
        None
    }
}

pub(crate) fn when<Tz: TimeZone>(t: DateTime<Utc>, with_time: bool, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let local = t.with_timezone(tz);
    if with_time {
        local.format("%a %d %b %H:%M").to_string()
    } else {
        local.format("%a %d %b").to_string()
    }
}

/// The notice for one task in one bucket.
pub fn deadline_notice<Tz: TimeZone>(task: &Task, bucket: DeadlineBucket, tz: &Tz) -> Notice
where
    Tz::Offset: std::fmt::Display,
{
    let due = task
        .due_date
        .map(|d| when(d, task.due_has_time, tz))
        .unwrap_or_default();
    let title = format!("\"{}\" {}", task.title, bucket.phrase());
    Notice {
        text: format!("{title} (due {due}, priority {}).", task.priority.get()),
        markdown: format!(
            "**{}** {} — due {due}, priority {}.",
            task.title,
            bucket.phrase(),
            task.priority.get()
        ),
        data: json!({"task_id": task.id, "title": task.title, "due_date": task.due_date, "bucket": bucket.as_str(), "priority": task.priority.get()}),
        title,
    }
}

/// The weekly digest of waiting-for items past their follow-up date; `None`
/// when there are none.
pub fn waiting_digest<Tz: TimeZone>(
    items: &[WaitingItem],
    now: DateTime<Utc>,
    tz: &Tz,
) -> Option<Notice>
where
    Tz::Offset: std::fmt::Display,
{
    if items.is_empty() {
        return None;
    }
    let lines: Vec<(String, String)> = items
        .iter()
        .map(|w| {
            let who = w.who.as_deref().unwrap_or("someone");
            let days = w.follow_up_date.map(|f| (now - f).num_days()).unwrap_or(0);
            let since = when(w.since, false, tz);
            let late = match days {
                0 => "follow-up due today".to_string(),
                1 => "1 day past follow-up".to_string(),
                n => format!("{n} days past follow-up"),
            };
            (
                format!("- {} from {who}, waiting since {since} ({late})", w.what),
                format!(
                    "- **{}** from {who}, waiting since {since} ({late})",
                    w.what
                ),
            )
        })
        .collect();
    let title = match items.len() {
        1 => "1 waiting-for item needs a follow-up".to_string(),
        n => format!("{n} waiting-for items need a follow-up"),
    };
    Some(Notice {
        text: format!(
            "{title}:\n{}",
            lines
                .iter()
                .map(|l| l.0.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        ),
        markdown: format!(
            "### {title}\n{}",
            lines
                .iter()
                .map(|l| l.1.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        ),
        data: json!({"items": items.iter().map(|w| json!({"id": w.id, "what": w.what, "who": w.who, "since": w.since, "follow_up_date": w.follow_up_date})).collect::<Vec<_>>()}),
        title,
    })
}

/// Prep for an event: when and where, who is coming (with what to keep in
/// mind about them) and the open tasks that concern it.
pub fn event_prep<Tz: TimeZone>(
    event: &CalendarEvent,
    people: &[Person],
    tasks: &[Task],
    tz: &Tz,
) -> Notice
where
    Tz::Offset: std::fmt::Display,
{
    let at = when(event.starts_at, true, tz);
    let title = format!(
        "Coming up at {}: {}",
        event.starts_at.with_timezone(tz).format("%H:%M"),
        event.title
    );
    let mut text = vec![format!("{} — {at}", event.title)];
    let mut md = vec![format!("### {} — {at}", event.title)];
    if let Some(place) = &event.location {
        text.push(format!("Where: {place}"));
        md.push(format!("Where: {place}"));
    }
    if !people.is_empty() {
        text.push("People:".into());
        md.push("**People**".into());
        for p in people {
            let notes: Vec<&str> = [
                p.relationship_to_user.as_deref(),
                p.communication_notes.as_deref(),
                p.political_context.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect();
            let line = if notes.is_empty() {
                p.name.clone()
            } else {
                format!("{}: {}", p.name, notes.join("; "))
            };
            text.push(format!("- {line}"));
            md.push(format!("- {line}"));
        }
    }
    if !tasks.is_empty() {
        text.push("Open tasks:".into());
        md.push("**Open tasks**".into());
        for t in tasks {
            text.push(format!("- {}", t.title));
            md.push(format!("- {}", t.title));
        }
    }
    Notice {
        title,
        text: text.join("\n"),
        markdown: md.join("\n"),
        data: json!({
            "event_id": event.id, "title": event.title, "starts_at": event.starts_at, "location": event.location,
            "people": people.iter().map(|p| json!({"id": p.id, "name": p.name})).collect::<Vec<_>>(),
            "tasks": tasks.iter().map(|t| json!({"id": t.id, "title": t.title})).collect::<Vec<_>>(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn only_the_nearest_deadline_bucket_applies() {
        let now = at("2026-11-24T10:00:00Z");
        let bucket = |h: i64| deadline_bucket(now + Duration::hours(h), now);
        assert_eq!(bucket(-1), Some(DeadlineBucket::Overdue));
        assert_eq!(bucket(0), Some(DeadlineBucket::DueIn1Day));
        assert_eq!(bucket(12), Some(DeadlineBucket::DueIn1Day));
        assert_eq!(bucket(24), Some(DeadlineBucket::DueIn1Day));
        assert_eq!(bucket(25), Some(DeadlineBucket::DueIn3Days));
        assert_eq!(bucket(72), Some(DeadlineBucket::DueIn3Days));
        assert_eq!(bucket(73), Some(DeadlineBucket::DueIn7Days));
        assert_eq!(bucket(7 * 24), Some(DeadlineBucket::DueIn7Days));
        assert_eq!(bucket(7 * 24 + 1), None);
    }

    #[test]
    fn an_empty_waiting_list_sends_no_digest() {
        assert!(waiting_digest(&[], at("2026-11-24T10:00:00Z"), &Utc).is_none());
    }
}
