//! The quick-add parser: one line as a person types it ("Call Patrick
//! tomorrow 3pm about the Liberty renewal !1 +liberty @phone #sales")
//! becomes a task's fields: title, due, priority, project, contexts, tags,
//! the people it names, a recurrence and an assignee, with warnings for
//! what it could not read. Pure: the clock and the user's zone come in as
//! `now`, and the edges resolve names and projects against the store.
//!
//! The phrase is cut into tokens once; matchers for sigils, markers,
//! recurrences, dates and times walk it left to right, each looking a few
//! tokens ahead, so the work is linear in the length of the text. What no
//! matcher took is the title. Two due dates: the last one wins, with a
//! warning. A time with no date is today when it is still ahead, else
//! tomorrow. A recurrence with no date is due at its first occurrence.

mod dates;
mod markers;
mod people;
mod recurrence;
mod relative;
mod times;
mod title;
mod tokens;

pub use recurrence::{Every, Recurrence, StoredSchedule, short_name};

use chief_domain::task::Assignee;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};
use times::Time;
use tokens::{Sigil, sigil, tokenize};

/// Past this many tokens the text is kept in the title unread, so a
/// megabyte of text costs no more than a long sentence.
const MAX_TOKENS: usize = 256;

/// How "3/12" is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateOrder {
    /// 3 December (most of the world).
    DayMonth,
    /// March 12 (the United States).
    #[default]
    MonthDay,
}

impl DateOrder {
    /// Reads `dmy` or `mdy`.
    pub fn parse(text: &str) -> Option<DateOrder> {
        match text.trim().to_ascii_lowercase().as_str() {
            "dmy" | "day-month" | "daymonth" => Some(DateOrder::DayMonth),
            "mdy" | "month-day" | "monthday" => Some(DateOrder::MonthDay),
            _ => None,
        }
    }
}

/// What the parser needs besides the text and the clock.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    pub date_order: DateOrder,
}

/// When a task is due: a day, or an instant when a time was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    Date(NaiveDate),
    At(DateTime<FixedOffset>),
}

impl Due {
    /// The day it falls on, in the user's zone.
    pub fn date(&self) -> NaiveDate {
        match self {
            Due::Date(d) => *d,
            Due::At(t) => t.date_naive(),
        }
    }
}

impl Serialize for Due {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Due::Date(d) => s.collect_str(&d.format("%Y-%m-%d")),
            Due::At(t) => s.serialize_str(&t.to_rfc3339()),
        }
    }
}

/// A task's fields read from one line of text.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct QuickAdd {
    /// What is left once the fields are taken out, tidied.
    pub title: String,
    /// `YYYY-MM-DD`, or RFC 3339 with the user's offset when a time was given.
    #[schemars(with = "Option<String>")]
    pub due: Option<Due>,
    /// 1 (highest) to 5.
    pub priority: Option<u8>,
    /// The first `+project`.
    pub project: Option<String>,
    /// Further `+project` tokens, after the first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_projects: Vec<String>,
    pub contexts: Vec<String>,
    pub tags: Vec<String>,
    /// todo.txt `key:value` tokens, such as `est:2h`, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    /// Names the text mentions, for the edge to resolve.
    pub people: Vec<String>,
    pub recurrence: Option<Recurrence>,
    /// `agent` for "@agent" or "for the agent"; none when the text does not say.
    pub assignee: Option<Assignee>,
    /// What could not be read, or was read with a choice made.
    pub warnings: Vec<String>,
    /// The warnings about dates that do not exist ("Feb 30"), which an
    /// edge that saves the task may refuse.
    #[serde(skip)]
    pub bad_dates: Vec<String>,
}

/// Today and now in the user's zone.
pub(crate) struct Clock {
    pub today: NaiveDate,
    pub now: NaiveDateTime,
}

/// Dates and times as they are found, before they are combined.
#[derive(Default)]
struct When {
    date: Option<NaiveDate>,
    time: Option<Time>,
    /// The text of the last date phrase, for the two-dates warning.
    date_text: String,
    time_text: String,
    evening: bool,
}

fn phrase(toks: &[tokens::Token], from: usize, to: usize) -> String {
    let mut s = String::new();
    for t in &toks[from..to.min(toks.len())] {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(t.raw.trim_end_matches([',', ';', '.']));
    }
    s
}

/// Prepositions that belong to the date or time after them and leave the
/// title with it.
fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "by" | "on"
            | "at"
            | "@"
            | "due"
            | "before"
            | "until"
            | "till"
            | "til"
            | "for"
            | "around"
            | "from"
            | "starting"
    )
}

/// Reads `text` as a task, relative to `now` in the user's zone.
pub fn parse(text: &str, now: DateTime<Tz>, opts: &ParseOptions) -> QuickAdd {
    let (toks, unread) = tokenize(text, MAX_TOKENS);
    let n = toks.len();
    let mut used = vec![false; n];
    let clock = Clock {
        today: now.date_naive(),
        now: now.naive_local(),
    };
    let mut out = QuickAdd {
        title: String::new(),
        due: None,
        priority: None,
        project: None,
        other_projects: Vec::new(),
        attributes: Vec::new(),
        contexts: Vec::new(),
        tags: Vec::new(),
        people: Vec::new(),
        recurrence: None,
        assignee: None,
        warnings: Vec::new(),
        bad_dates: Vec::new(),
    };
    let mut when = When::default();
    let mut adjective_rule = None;
    let mut i = 0;
    while i < n {
        if let Some(s) = sigil(&toks[i]) {
            match s {
                Sigil::Project(p) if out.project.is_none() => out.project = Some(p.into()),
                Sigil::Project(p) => out.other_projects.push(p.into()),
                Sigil::Context(c) => push_unique(&mut out.contexts, c),
                Sigil::Tag(t) => push_unique(&mut out.tags, t),
                Sigil::Priority(p) => out.priority = Some(p),
                Sigil::Agent => out.assignee = Some(Assignee::Agent),
                Sigil::Attribute(k, v) => out.attributes.push((k.into(), v.into())),
            }
            used[i] = true;
            i += 1;
            continue;
        }
        // Only "urgent" cares where it stands; the scans stay off the hot path.
        let (first, last) = if toks[i].w().starts_with("urgent") {
            (
                used[..i].iter().all(|u| *u),
                (i + 1..n).all(|k| sigil(&toks[k]).is_some()),
            )
        } else {
            (false, false)
        };
        if let Some((len, m)) = markers::marker_at(&toks, i, first, last) {
            match m {
                markers::Marker::Priority(p) => out.priority = Some(p),
                markers::Marker::Agent => out.assignee = Some(Assignee::Agent),
            }
            used[i..i + len].fill(true);
            i += len;
            continue;
        }
        // Up to two prepositions ("due by Friday") go with what follows.
        let mut start = i;
        while start < n && start < i + 2 && is_preposition(toks[start].w()) {
            start += 1;
        }
        let after_prep = start > i;
        let after_at = after_prep && matches!(toks[start - 1].w(), "at" | "@" | "around" | "by");
        if start >= n {
            break;
        }
        if let Some((len, rule, time)) = recurrence::recurrence_at(&toks, start) {
            if !after_prep && len == 1 && names_a_thing(&toks, start + 1, &clock, opts) {
                // "daily standup", "weekly report": the word stays in the
                // title, and repeats the task only if nothing else dates it.
                // After a determiner it names one thing ("write the
                // quarterly report"), which does not repeat.
                let determined = start > 0
                    && matches!(
                        toks[start - 1].w(),
                        "the"
                            | "a"
                            | "an"
                            | "my"
                            | "our"
                            | "this"
                            | "that"
                            | "your"
                            | "his"
                            | "her"
                            | "their"
                    );
                if !determined {
                    adjective_rule.get_or_insert(rule);
                }
                i += 1;
                continue;
            }
            if out.recurrence.is_some() {
                out.warnings.push(format!(
                    "two repeat rules: the last one, \"{}\", wins",
                    phrase(&toks, start, start + len)
                ));
            }
            out.recurrence = Some(rule);
            let mut end = start + len;
            if let Some(t) = time.or_else(|| {
                // "every sunday night"
                let t = times::part_of_day(toks.get(end)?.w())?;
                end += 1;
                Some(t)
            }) {
                when.set_time(t, String::new(), &mut out.warnings);
            }
            used[i..end].fill(true);
            i = end;
            continue;
        }
        match dates::date_at(&toks, start, &clock, opts.date_order, after_prep) {
            Some(Ok(hit)) => {
                let mut end = start + hit.len;
                let text = phrase(&toks, start, end);
                if let Some(d) = hit.date {
                    when.set_date(d, text.clone(), &mut out.warnings);
                }
                if let Some(t) = hit.time {
                    when.set_time(t, text, &mut out.warnings);
                }
                // "tomorrow morning", "Friday evening"
                if let Some(t) = toks.get(end).and_then(|t| times::part_of_day(t.w()))
                    && !matches!(toks[end].w(), "am" | "pm")
                {
                    when.set_time(t, String::new(), &mut out.warnings);
                    end += 1;
                }
                used[i..end].fill(true);
                i = end;
                continue;
            }
            Some(Err(warning)) => {
                out.bad_dates.push(warning.clone());
                out.warnings.push(warning);
                i = start + 1;
                continue;
            }
            None => {}
        }
        if let Some((len, t)) = times::time_at(&toks, start, after_at) {
            when.set_time(t, phrase(&toks, start, start + len), &mut out.warnings);
            used[i..start + len].fill(true);
            i = start + len;
            continue;
        }
        i += 1;
    }
    if out.recurrence.is_none() && when.date.is_none() {
        out.recurrence = adjective_rule;
    }
    out.people = people::people(&toks, &used);
    out.title = title::title(&toks, &used, unread);
    if out.title.is_empty() {
        out.warnings
            .push("the text has no title once its dates and tokens are taken out".into());
    }
    if !unread.is_empty() {
        out.warnings.push(format!(
            "only the first {MAX_TOKENS} words were read for dates and tokens"
        ));
    }
    if !out.other_projects.is_empty() {
        out.warnings.push(format!(
            "several projects: the first one, {}, is the task's",
            out.project.as_deref().unwrap_or_default()
        ));
    }
    out.due = when.resolve(&out.recurrence, &clock, now.timezone());
    out
}

/// Whether token `k` is a plain word that a recurrence word before it
/// would describe ("standup" in "daily standup"), not a date, time,
/// preposition or sigil.
fn names_a_thing(toks: &[tokens::Token], k: usize, clock: &Clock, opts: &ParseOptions) -> bool {
    let Some(t) = toks.get(k) else { return false };
    let w = t.w();
    w.starts_with(|c: char| c.is_ascii_alphabetic())
        && !is_preposition(w)
        && !matches!(w, "and" | "every" | "each" | "at" | "in")
        && sigil(t).is_none()
        && recurrence::recurrence_at(toks, k).is_none()
        && dates::date_at(toks, k, clock, opts.date_order, false).is_none()
        && times::time_at(toks, k, false).is_none()
        && times::part_of_day(w).is_none()
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x.eq_ignore_ascii_case(item)) {
        list.push(item.to_string());
    }
}

impl When {
    fn set_date(&mut self, d: NaiveDate, text: String, warnings: &mut Vec<String>) {
        if self.date.is_some_and(|old| old != d) {
            warnings.push(format!(
                "two due dates, \"{}\" and \"{text}\": the last one wins",
                self.date_text
            ));
        }
        self.date = Some(d);
        self.date_text = text;
    }

    fn set_time(&mut self, t: Time, text: String, warnings: &mut Vec<String>) {
        if t.soft {
            self.evening |= t.at.hour() >= 15;
            if self.time.is_none_or(|old| old.soft) {
                self.time = Some(t);
            }
            return;
        }
        if self.time.is_some_and(|old| !old.soft && old.at != t.at) {
            warnings.push(format!(
                "two times, \"{}\" and \"{text}\": the last one wins",
                self.time_text
            ));
        }
        self.time = Some(t);
        self.time_text = text;
    }

    /// Combines the date, the time and the recurrence into the due.
    fn resolve(mut self, rule: &Option<Recurrence>, clock: &Clock, tz: Tz) -> Option<Due> {
        if let Some(t) = self.time.as_mut()
            && t.bare
            && self.evening
            && t.at < NaiveTime::from_hms_opt(12, 0, 0).expect("noon")
        {
            // "tonight at 8" is 20:00.
            t.at += chrono::Duration::hours(12);
        }
        let time = self.time.map(|t| t.at);
        let passed = time.is_some_and(|t| clock.today.and_time(t) <= clock.now);
        let date = match (self.date, rule) {
            (Some(d), _) => Some(d),
            (None, Some(rule)) => Some(recurrence::first_occurrence(rule, clock.today, passed)),
            (None, None) if time.is_some() => Some(if passed {
                clock.today.succ_opt().unwrap_or(clock.today)
            } else {
                clock.today
            }),
            (None, None) => None,
        }?;
        Some(match time {
            None => Due::Date(date),
            Some(t) => Due::At(localize(date.and_time(t), tz)),
        })
    }
}

/// A wall-clock time in `tz`; in a daylight-saving gap, the hour after.
fn localize(local: NaiveDateTime, tz: Tz) -> DateTime<FixedOffset> {
    let at = tz
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .unwrap_or_else(|| tz.from_utc_datetime(&local));
    at.fixed_offset()
}

#[cfg(test)]
mod tests;
