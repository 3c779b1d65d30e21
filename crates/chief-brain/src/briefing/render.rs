//! The two renderers: Markdown (for chat channels and the web) and plain
//! text (for terminals and plain email), over the same structure. Each kind
//! lays itself out as [`Section`]s of [`Line`]s; these functions only
//! print them, so the two forms always say the same thing.
//!
//! Text from users and outside sources (titles, names) is flattened to one
//! line; in Markdown its special characters are escaped so a title cannot
//! inject formatting or links.

use super::clock::{hm, short_date};
use super::items::{TaskLine, WaitingLine};
use super::{Briefing, Content};
use chief_domain::task::{Assignee, TaskStatus};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// One section: a heading, its lines, what to say when it is empty, and how
/// many lines were left out.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub heading: &'static str,
    pub empty: &'static str,
    pub lines: Vec<Line>,
    pub more: usize,
}

/// One line: a short lead (a time, a priority), the text, and details.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub lead: Option<String>,
    pub text: String,
    pub tail: Option<String>,
}

impl Line {
    /// A line with only text.
    pub fn plain(text: String) -> Line {
        Line {
            lead: None,
            text,
            tail: None,
        }
    }
}

impl Section {
    pub(crate) fn new(heading: &'static str, empty: &'static str) -> Section {
        Section {
            heading,
            empty,
            lines: Vec::new(),
            more: 0,
        }
    }

    pub(crate) fn lines(mut self, lines: impl IntoIterator<Item = Line>) -> Section {
        self.lines.extend(lines);
        self
    }

    pub(crate) fn more(mut self, more: usize) -> Section {
        self.more = more;
        self
    }
}

/// The briefing's sections, in reading order.
pub fn sections(b: &Briefing) -> Vec<Section> {
    let (tz, now) = (b.tz(), b.generated_at);
    match &b.content {
        Content::Morning(m) => m.sections(tz, now),
        Content::Midday(m) => m.sections(tz, now),
        Content::Evening(e) => e.sections(tz, now),
        Content::Weekly(w) => w.sections(tz, now),
    }
}

/// The briefing as Markdown.
pub fn markdown(b: &Briefing) -> String {
    let mut out = format!("# {}\n\n{}\n", escape(&b.title), escape(&b.summary));
    for s in sections(b) {
        out.push_str(&format!("\n## {}\n\n", s.heading));
        if s.lines.is_empty() {
            out.push_str(&format!("_{}_\n", s.empty));
            continue;
        }
        for l in &s.lines {
            out.push_str("- ");
            if let Some(lead) = &l.lead {
                out.push_str(&format!("**{}** ", escape(lead)));
            }
            out.push_str(&escape(&l.text));
            if let Some(tail) = &l.tail {
                out.push_str(&format!(" — {}", escape(tail)));
            }
            out.push('\n');
        }
        if s.more > 0 {
            out.push_str(&format!("- …and {} more\n", s.more));
        }
    }
    out
}

/// The briefing as plain text.
pub fn text(b: &Briefing) -> String {
    let title = one_line(&b.title);
    let mut out = format!(
        "{title}\n{}\n\n{}\n",
        "=".repeat(title.chars().count()),
        one_line(&b.summary)
    );
    for s in sections(b) {
        out.push_str(&format!("\n{}\n", s.heading));
        if s.lines.is_empty() {
            out.push_str(&format!("  {}\n", s.empty));
            continue;
        }
        for l in &s.lines {
            out.push_str("  - ");
            if let Some(lead) = &l.lead {
                out.push_str(&format!("{}  ", one_line(lead)));
            }
            out.push_str(&one_line(&l.text));
            if let Some(tail) = &l.tail {
                out.push_str(&format!(" ({})", one_line(tail)));
            }
            out.push('\n');
        }
        if s.more > 0 {
            out.push_str(&format!("  ...and {} more\n", s.more));
        }
    }
    out
}

/// Text on one line: line breaks and other control characters become
/// spaces, runs of spaces collapse.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if !(c == ' ' && (out.is_empty() || out.ends_with(' '))) {
            out.push(c);
        }
    }
    out.trim_end().to_string()
}

/// One line with Markdown's inline syntax escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in one_line(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// "due today 15:00", "3d overdue", "due tomorrow", "due Mon 9 Mar".
pub(crate) fn due_phrase(due: DateTime<Utc>, has_time: bool, now: DateTime<Utc>, tz: Tz) -> String {
    let today = now.with_timezone(&tz).date_naive();
    let day = due.with_timezone(&tz).date_naive();
    let days = (day - today).num_days();
    let time = if has_time {
        format!(" {}", hm(due, tz))
    } else {
        String::new()
    };
    if due < now {
        return match (days < 0, has_time) {
            (true, _) => format!("{}d overdue", -days),
            (false, true) => format!("overdue since{time}"),
            (false, false) => "overdue".into(),
        };
    }
    match days {
        0 => format!("due today{time}"),
        1 => format!("due tomorrow{time}"),
        _ => format!("due {}", short_date(due, tz)),
    }
}

/// A task: "P1 Call Patrick (due today, Liberty)".
pub(crate) fn task_line(t: &TaskLine, tz: Tz, now: DateTime<Utc>) -> Line {
    let mut tail = Vec::new();
    match (t.status, t.completed_at, t.due_date) {
        (TaskStatus::Completed, Some(done), _) => tail.push(format!("done {}", hm(done, tz))),
        (_, _, Some(due)) if t.status.is_open() => {
            tail.push(due_phrase(due, t.due_has_time, now, tz))
        }
        _ => {}
    }
    if t.status == TaskStatus::Working {
        tail.push("in progress".into());
    }
    if let Some(p) = &t.project {
        tail.push(p.clone());
    }
    if t.assignee == Assignee::Agent {
        tail.push("agent".into());
    }
    Line {
        lead: Some(format!("P{}", t.priority)),
        text: t.title.clone(),
        tail: (!tail.is_empty()).then(|| tail.join(", ")),
    }
}

/// A waiting-for item: "Ana: signed contract (follow up was Mon 2 Mar)".
pub(crate) fn waiting_line(w: &WaitingLine, tz: Tz) -> Line {
    let tail = match w.follow_up_date {
        Some(d) if w.overdue => format!("follow-up was {}", short_date(d, tz)),
        Some(d) => format!("follow up {}", short_date(d, tz)),
        None => format!("since {}", short_date(w.since, tz)),
    };
    Line {
        lead: w.who.clone(),
        text: w.what.clone(),
        tail: Some(tail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_formatting_and_flattens_lines() {
        assert_eq!(
            escape("**bold** [x](http://a)\nnext"),
            "\\*\\*bold\\*\\* \\[x\\](http://a) next"
        );
        assert_eq!(one_line("  a\n\tb\r\n  c "), "a b c");
        assert_eq!(escape("שלום 👋 مرحبا"), "שלום 👋 مرحبا");
    }
}
