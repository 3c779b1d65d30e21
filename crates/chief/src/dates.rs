//! Dates on the command line: reading `2026-12-01`, `today`, `tomorrow`,
//! `+3d`, `+2w`, and writing relative phrases like "due tomorrow" or
//! "3d overdue".

use anyhow::{Result, bail};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// Reads a date given on the command line, relative to `today`.
pub fn parse_date(text: &str, today: NaiveDate) -> Result<NaiveDate> {
    let t = text.trim().to_ascii_lowercase();
    let parsed = match t.as_str() {
        "today" => Some(today),
        "tomorrow" => today.succ_opt(),
        "yesterday" => today.pred_opt(),
        _ => None,
    };
    if let Some(d) = parsed {
        return Ok(d);
    }
    if let Some(rest) = t.strip_prefix('+') {
        let (num, unit) = rest.split_at(rest.len().saturating_sub(1));
        if let Ok(n) = num.parse::<i64>()
            && (0..=3650).contains(&n)
        {
            match unit {
                "d" => return Ok(today + Duration::days(n)),
                "w" => return Ok(today + Duration::weeks(n)),
                _ => {}
            }
        }
    }
    match NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
        Ok(d) => Ok(d),
        Err(_) => bail!("{text:?} is not a date: use YYYY-MM-DD, today, tomorrow, +3d or +2w"),
    }
}

pub use chief_brain::local_day::{end_of_day, start_of_day};

/// The local date of an instant.
pub fn local_date(ts: DateTime<Utc>, tz: Tz) -> NaiveDate {
    ts.with_timezone(&tz).date_naive()
}

/// "due today", "due tomorrow", "due in 5d", "3d overdue", "due Dec 3".
pub fn relative_due(due: DateTime<Utc>, has_time: bool, now: DateTime<Utc>, tz: Tz) -> String {
    let today = local_date(now, tz);
    let day = local_date(due, tz);
    let days = (day - today).num_days();
    let time = if has_time {
        format!(" {}", due.with_timezone(&tz).format("%H:%M"))
    } else {
        String::new()
    };
    if due < now && days < 0 {
        return format!("{}d overdue", -days);
    }
    if due < now {
        return format!("overdue{time}");
    }
    match days {
        0 => format!("due today{time}"),
        1 => format!("due tomorrow{time}"),
        2..=13 => format!("due in {days}d"),
        _ => format!("due {}", day.format("%b %-d")),
    }
}

/// "just now", "5m ago", "3h ago", "2d ago".
pub fn ago(ts: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - ts).num_seconds();
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{}m ago", s / 60),
        s if s < 86_400 => format!("{}h ago", s / 3600),
        s => format!("{}d ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn relative_and_iso_dates_parse() {
        let today = d("2026-11-24");
        assert_eq!(parse_date("tomorrow", today).unwrap(), d("2026-11-25"));
        assert_eq!(parse_date("+3d", today).unwrap(), d("2026-11-27"));
        assert_eq!(parse_date("+2w", today).unwrap(), d("2026-12-08"));
        assert_eq!(parse_date("2026-12-01", today).unwrap(), d("2026-12-01"));
        assert!(parse_date("2026-02-30", today).is_err());
        assert!(parse_date("soon", today).is_err());
    }

    #[test]
    fn due_phrases_read_naturally() {
        let tz = chrono_tz::Europe::Berlin;
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        assert_eq!(
            relative_due(end_of_day(d("2026-11-25"), tz), false, now, tz),
            "due tomorrow"
        );
        assert_eq!(
            relative_due(end_of_day(d("2026-11-21"), tz), false, now, tz),
            "3d overdue"
        );
        assert_eq!(
            relative_due(end_of_day(d("2026-11-24"), tz), false, now, tz),
            "due today"
        );
    }
}
