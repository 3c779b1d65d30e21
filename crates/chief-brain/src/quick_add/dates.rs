//! Date phrases, relative to the user's today: "today", "tomorrow" (and
//! its usual misspellings), weekday names, "next week", "this weekend",
//! "in 3 days", "end of month", ISO dates, "Dec 3", "3rd of December",
//! "3/12" read by the locale's order, `due:2026-12-01`, "the 15th".
//!
//! Choices, documented in the README: a weekday name is its next
//! occurrence after today ("monday" said on a Monday is a week away), and
//! "next monday" is the same day; "this monday" may be today. "next week"
//! is the Monday of next week, "end of week" the coming Friday, "this
//! weekend" the coming Saturday. A day and month with no year that has
//! already passed this year is next year's. A date that does not exist
//! ("Feb 30") is reported and left in the title.

use super::relative;
use super::times::{Time, part_of_day};
use super::tokens::{Token, count};
use super::{Clock, DateOrder};
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// A date or time phrase found at a token: how many tokens it spans and
/// what it says.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Hit {
    pub len: usize,
    pub date: Option<NaiveDate>,
    pub time: Option<Time>,
}

pub(crate) fn on(len: usize, date: Option<NaiveDate>) -> Option<Result<Hit, String>> {
    date.map(|d| {
        Ok(Hit {
            len,
            date: Some(d),
            time: None,
        })
    })
}

/// The weekday a word names; `strong` is false for "sat" and "sun", which
/// are ordinary words too and count only after a preposition.
pub(crate) fn weekday(w: &str) -> Option<(Weekday, bool)> {
    use Weekday::*;
    Some(match w {
        "monday" | "mon" | "mondy" | "monady" => (Mon, true),
        "tuesday" | "tue" | "tues" | "tuesdy" | "tuseday" | "teusday" => (Tue, true),
        "wednesday" | "wed" | "weds" | "wednsday" | "wensday" | "wendsday" | "wedensday"
        | "wednesay" => (Wed, true),
        "thursday" | "thu" | "thur" | "thurs" | "thrusday" | "thursdy" | "thurday" => (Thu, true),
        "friday" | "fri" | "firday" | "fryday" | "fridy" => (Fri, true),
        "saturday" | "saterday" | "satuday" => (Sat, true),
        "sunday" | "sundy" => (Sun, true),
        "sat" => (Sat, false),
        "sun" => (Sun, false),
        _ => return None,
    })
}

/// The month a word names.
fn month(w: &str) -> Option<u32> {
    Some(match w {
        "jan" | "january" => 1,
        "feb" | "february" | "febuary" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    })
}

/// A day of the month: "3", "03", "3rd", "21st".
fn day_number(w: &str) -> Option<u32> {
    let digits = w
        .strip_suffix("st")
        .or_else(|| w.strip_suffix("nd"))
        .or_else(|| w.strip_suffix("rd"))
        .or_else(|| w.strip_suffix("th"))
        .unwrap_or(w);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: u32 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn is_ordinal(w: &str) -> bool {
    w.len() > 2 && w.ends_with(['t', 'd', 'h']) && day_number(w).is_some()
}

/// A four-digit year.
fn year(w: &str) -> Option<i32> {
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1900..=2999).contains(y))
}

/// The name a person would use for a month and day, for warnings.
fn spoken(m: u32, d: u32) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{} {d}", NAMES[(m as usize).saturating_sub(1).min(11)])
}

/// A month and day with an optional year; a past date with no year is next
/// year's.
fn calendar(y: Option<i32>, m: u32, d: u32, today: NaiveDate) -> Result<NaiveDate, String> {
    let not_a_date = || format!("{} is not a date: left in the title", spoken(m, d));
    match y {
        Some(y) => NaiveDate::from_ymd_opt(y, m, d).ok_or_else(not_a_date),
        None => {
            // Feb 29 exists only in leap years: look up to four years ahead.
            for y in today.year()..today.year() + 5 {
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
                    && date >= today
                {
                    return Ok(date);
                }
            }
            Err(not_a_date())
        }
    }
}

/// The next `wd` after `today`, or from today on when `today_counts`.
pub(crate) fn next_weekday(today: NaiveDate, wd: Weekday, today_counts: bool) -> NaiveDate {
    let ahead = (7 + wd.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 && !today_counts {
        7
    } else {
        ahead
    };
    today + Days::new(u64::from(ahead))
}

fn monday_of_next_week(today: NaiveDate) -> NaiveDate {
    today + Days::new(u64::from(7 - today.weekday().num_days_from_monday()))
}

pub(crate) fn end_of_month(today: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// The next date whose day of the month is `d`, from today on.
fn next_day_of_month(today: NaiveDate, d: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?;
    (0..13).find_map(|k| {
        let m = first.checked_add_months(Months::new(k))?;
        NaiveDate::from_ymd_opt(m.year(), m.month(), d).filter(|date| *date >= today)
    })
}

/// "3/12", "3/12/2026", "2026-12-03", "12.03.2026": a date in one token.
fn numeric(w: &str, clock: &Clock, order: DateOrder) -> Option<Result<NaiveDate, String>> {
    let sep = if w.contains('/') {
        '/'
    } else if w.contains('-') {
        '-'
    } else if w.contains('.') {
        '.'
    } else {
        return None;
    };
    let mut parts = [0u32; 3];
    let mut lens = [0usize; 3];
    let mut n = 0;
    for piece in w.trim_end_matches('.').split(sep) {
        if n == 3
            || piece.is_empty()
            || piece.len() > 4
            || !piece.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        parts[n] = piece.parse().ok()?;
        lens[n] = piece.len();
        n += 1;
    }
    if lens[0] == 4 {
        // ISO order, whatever the locale.
        if n != 3 || lens[1] > 2 || lens[2] > 2 {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(parts[0] as i32, parts[1], parts[2]);
        return Some(date.ok_or_else(|| format!("{w} is not a date: left in the title")));
    }
    // A dotted pair with no trailing dot is a decimal number ("3.5").
    if n < 2 || lens[0] > 2 || lens[1] > 2 || (sep == '.' && n == 2 && !w.ends_with('.')) {
        return None;
    }
    if sep == '-' && n == 2 {
        return None;
    }
    let y = match (n, lens[2]) {
        (2, _) => None,
        (3, 4) => Some(parts[2] as i32),
        (3, 2) => Some(2000 + parts[2] as i32),
        _ => return None,
    };
    // Dots are only ever day-first.
    let day_first = sep == '.' || order == DateOrder::DayMonth;
    let (d, m) = if day_first {
        (parts[0], parts[1])
    } else {
        (parts[1], parts[0])
    };
    if m > 12 && d <= 12 {
        // "25/12" in a month-first locale can only be day-first.
        return Some(calendar(y, d, m, clock.today));
    }
    Some(
        calendar(y, m, d, clock.today).map_err(|_| format!("{w} is not a date: left in the title")),
    )
}

/// A date that fits in one token: "today", "tomorrow", a weekday, a numeric
/// date. Used for `due:` values too.
fn one_token(w: &str, clock: &Clock, order: DateOrder) -> Option<Result<NaiveDate, String>> {
    let today = clock.today;
    match w {
        "today" | "tdy" | "2day" | "tonite" => Some(Ok(today)),
        "tomorrow" | "tmrw" | "tmr" | "tmrow" | "tomorow" | "tommorow" | "tommorrow"
        | "tomorrrow" | "2moro" | "2morrow" | "tomorrows" | "tomorrow's" | "tmw" => {
            today.succ_opt().map(Ok)
        }
        "eow" => Some(Ok(next_weekday(today, Weekday::Fri, true))),
        "eom" => end_of_month(today).map(Ok),
        "eoy" => NaiveDate::from_ymd_opt(today.year(), 12, 31).map(Ok),
        _ => match weekday(w) {
            Some((wd, true)) => Some(Ok(next_weekday(today, wd, false))),
            _ => numeric(w, clock, order),
        },
    }
}

/// A date phrase starting at token `i`. `Err` is a phrase that names a date
/// that does not exist; its tokens stay in the title. `after_prep` says a
/// preposition came just before, which lets the weak weekdays count.
pub(crate) fn date_at(
    toks: &[Token],
    i: usize,
    clock: &Clock,
    order: DateOrder,
    after_prep: bool,
) -> Option<Result<Hit, String>> {
    let today = clock.today;
    let w = |k: usize| toks.get(i + k).map(|t| t.w()).unwrap_or("");
    match w(0) {
        "tonight" | "tonite" => {
            return Some(Ok(Hit {
                len: 1,
                date: Some(today),
                time: part_of_day("tonight"),
            }));
        }
        "day" if w(1) == "after" && w(2) == "tomorrow" => {
            return on(3, today.checked_add_days(Days::new(2)));
        }
        "in" | "within" => return relative::in_phrase(toks, i, clock),
        "end" => return relative::end_phrase(toks, i, today),
        "this" | "next" | "coming" => {
            let next = w(0) == "next";
            if let Some(t) = part_of_day(w(1)).filter(|_| !next) {
                return Some(Ok(Hit {
                    len: 2,
                    date: Some(today),
                    time: Some(t),
                }));
            }
            if let Some((wd, _)) = weekday(w(1)) {
                return on(2, Some(next_weekday(today, wd, !next)));
            }
            return match (w(1), next) {
                ("week", true) | ("wk", true) => on(2, Some(monday_of_next_week(today))),
                ("week", false) => on(2, Some(next_weekday(today, Weekday::Fri, true))),
                ("weekend", false) => on(2, Some(next_weekday(today, Weekday::Sat, true))),
                ("weekend", true) => on(2, Some(monday_of_next_week(today) + Days::new(5))),
                ("month", true) => on(2, end_of_month(today).and_then(|d| d.succ_opt())),
                ("month", false) => on(2, end_of_month(today)),
                ("year", true) => on(2, NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)),
                _ => None,
            };
        }
        "the" => {
            if w(1) == "end" {
                return relative::end_phrase(toks, i + 1, today).map(|r| {
                    r.map(|h| Hit {
                        len: h.len + 1,
                        ..h
                    })
                });
            }
            if w(1) == "last" && w(2) == "day" && w(3) == "of" {
                let mut len = 4;
                if w(len) == "the" || w(len) == "this" {
                    len += 1;
                }
                return (w(len) == "month")
                    .then(|| on(len + 1, end_of_month(today)))
                    .flatten();
            }
            if w(1) == "weekend" {
                return on(2, Some(next_weekday(today, Weekday::Sat, true)));
            }
            if w(1) == "day" && w(2) == "after" && w(3) == "tomorrow" {
                return on(4, today.checked_add_days(Days::new(2)));
            }
            if is_ordinal(w(1)) {
                let d = day_number(w(1))?;
                let of = usize::from(w(2) == "of");
                if let Some(m) = month(w(2 + of)) {
                    let y = year(w(3 + of));
                    let len = 3 + of + usize::from(y.is_some());
                    return Some(calendar(y, m, d, today).map(|date| Hit {
                        len,
                        date: Some(date),
                        time: None,
                    }));
                }
                return on(2, next_day_of_month(today, d));
            }
            return None;
        }
        _ => {}
    }
    if let Some(value) = w(0).strip_prefix("due:") {
        return match one_token(value, clock, order)? {
            Ok(d) => on(1, Some(d)),
            Err(e) => Some(Err(e)),
        };
    }
    if let Some((wd, strong)) = weekday(w(0)) {
        // "sat" and "sun" count after a preposition, at the end, or before a time.
        let weak_ok =
            after_prep || i + 1 == toks.len() || w(1).starts_with(|c: char| c.is_ascii_digit());
        return (strong || weak_ok).then(|| {
            Ok(Hit {
                len: 1,
                date: Some(next_weekday(today, wd, false)),
                time: None,
            })
        });
    }
    if let Some(m) = month(w(0)) {
        // "Dec 3", "December 3rd, 2026"; a month alone is not a due date.
        let d = day_number(w(1))?;
        if w(0) == "may" && !toks[i].raw.starts_with('M') && !is_ordinal(w(1)) {
            // "you may 2 …" is rare, but "may" is a verb before it is a month.
            return None;
        }
        let y = year(w(2));
        let len = 2 + usize::from(y.is_some());
        return Some(calendar(y, m, d, today).map(|date| Hit {
            len,
            date: Some(date),
            time: None,
        }));
    }
    if let Some(d) = day_number(w(0)) {
        // "3 Dec", "3rd of December 2026".
        let of = usize::from(w(1) == "of");
        if let Some(m) = month(w(1 + of)) {
            let y = year(w(2 + of));
            let len = 2 + of + usize::from(y.is_some());
            return Some(calendar(y, m, d, today).map(|date| Hit {
                len,
                date: Some(date),
                time: None,
            }));
        }
        if after_prep && is_ordinal(w(0)) {
            // "by 15th"
            return on(1, next_day_of_month(today, d));
        }
    }
    if w(1) == "of" {
        // "1/2 of the deposit" is a fraction.
        return None;
    }
    if let Some(n) = count(w(0)).filter(|_| matches!(w(2), "from" | "later"))
        && (w(2) == "later" || matches!(w(3), "now" | "today"))
    {
        // "3 weeks from now": the same as "in 3 weeks".
        let len = if w(2) == "later" { 3 } else { 4 };
        return relative::in_span(n, w(1), len, clock).map(Ok);
    }
    match one_token(w(0), clock, order)? {
        Ok(d) => on(1, Some(d)),
        Err(e) => Some(Err(e)),
    }
}
