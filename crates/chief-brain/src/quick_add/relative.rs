//! Spans of time from today: "in 3 days", "within 14 days", "in a couple
//! of weeks", "in 2h", "3 weeks from now", "in the morning", and the ends of
//! periods: "end of (the) day/week/month/year", "end of next month".

use super::Clock;
use super::dates::{Hit, end_of_month, next_weekday, on};
use super::times::{Time, part_of_day};
use super::tokens::{Token, count};
use chrono::{Datelike, Days, Duration, Months, NaiveDate, Weekday};

/// How far "in 3 days" reaches: a count and a unit.
fn span(count: u32, unit: &str) -> Option<Span> {
    let n = count.min(3650);
    Some(match unit {
        "day" | "days" | "d" => Span::Days(u64::from(n)),
        "week" | "weeks" | "wk" | "wks" | "w" => Span::Days(u64::from(n) * 7),
        "month" | "months" | "mo" | "mos" | "mth" | "mths" => Span::Months(n),
        "year" | "years" | "yr" | "yrs" | "y" => Span::Months(n * 12),
        "hour" | "hours" | "hr" | "hrs" | "h" => Span::Minutes(i64::from(n) * 60),
        "minute" | "minutes" | "min" | "mins" | "m" => Span::Minutes(i64::from(n)),
        _ => return None,
    })
}

enum Span {
    Days(u64),
    Months(u32),
    Minutes(i64),
}

/// "in 3 days", "in a couple of weeks", "in 2h", "in the morning".
pub(crate) fn in_phrase(toks: &[Token], i: usize, clock: &Clock) -> Option<Result<Hit, String>> {
    let w = |k: usize| toks.get(i + k).map(|t| t.w()).unwrap_or("");
    if w(1) == "the"
        && let Some(t) = part_of_day(w(2))
    {
        return Some(Ok(Hit {
            len: 3,
            date: None,
            time: Some(t),
        }));
    }
    // "3d", "2wks": count and unit in one token.
    let glued = w(1)
        .find(|c: char| !c.is_ascii_digit())
        .filter(|&k| k > 0)
        .and_then(|k| Some((w(1)[..k].parse::<u32>().ok()?, &w(1)[k..])));
    let (n, unit, len) = match glued {
        Some((n, unit)) => (n, unit, 2),
        None => {
            let mut k = 1;
            let mut n = count(w(k))?;
            if matches!(w(k), "a" | "an") && matches!(w(k + 1), "couple" | "few") {
                k += 1;
                n = if w(k) == "few" { 3 } else { 2 };
            } else if w(k) == "couple" {
                n = 2;
            }
            if w(k + 1) == "of" {
                k += 1;
            }
            (n, w(k + 1), k + 2)
        }
    };
    in_span(n, unit, len, clock).map(Ok)
}

/// The date (and, for hours and minutes, the time) `n` `unit`s from now.
pub(crate) fn in_span(n: u32, unit: &str, len: usize, clock: &Clock) -> Option<Hit> {
    let hit = match span(n, unit)? {
        Span::Days(d) => Hit {
            len,
            date: clock.today.checked_add_days(Days::new(d)),
            time: None,
        },
        Span::Months(m) => Hit {
            len,
            date: clock.today.checked_add_months(Months::new(m)),
            time: None,
        },
        Span::Minutes(m) => {
            let at = clock.now.checked_add_signed(Duration::minutes(m))?;
            Hit {
                len,
                date: Some(at.date()),
                time: Some(Time {
                    at: at.time().with_nanosecond_zero(),
                    soft: false,
                    bare: false,
                }),
            }
        }
    };
    hit.date.map(|_| hit)
}

trait ZeroNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl ZeroNanos for chrono::NaiveTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(self)
    }
}

/// "end of (the) day/week/month/year", "end of next week".
pub(crate) fn end_phrase(
    toks: &[Token],
    i: usize,
    today: NaiveDate,
) -> Option<Result<Hit, String>> {
    let w = |k: usize| toks.get(i + k).map(|t| t.w()).unwrap_or("");
    if w(1) != "of" {
        return None;
    }
    let mut k = 2;
    if w(k) == "the" || w(k) == "this" {
        k += 1;
    }
    let next = w(k) == "next";
    if next {
        k += 1;
    }
    let len = k + 1;
    match (w(k), next) {
        ("day", false) => Some(Ok(Hit {
            len,
            date: None,
            // The end of the working day, as "eod".
            time: chrono::NaiveTime::from_hms_opt(17, 0, 0).map(|at| Time {
                at,
                soft: false,
                bare: false,
            }),
        })),
        ("week", n) => on(
            len,
            Some(next_weekday(today, Weekday::Fri, true) + Days::new(7 * u64::from(n))),
        ),
        ("month", n) => on(
            len,
            end_of_month(today.checked_add_months(Months::new(u32::from(n)))?),
        ),
        ("year", n) => on(
            len,
            NaiveDate::from_ymd_opt(today.year() + i32::from(n), 12, 31),
        ),
        _ => None,
    }
}
