//! Cron schedules: five fields (minute, hour, day of month, month, weekday),
//! an optional leading seconds field, or an alias such as `@daily`; read in
//! a time zone, so `0 9 * * 1` is nine on Monday morning where the user is.

use chrono::{DateTime, TimeZone, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds};

/// The longest expression accepted.
const MAX_LEN: usize = 100;

/// A parsed cron expression.
#[derive(Clone, Debug)]
pub struct CronSchedule(Cron);

impl CronSchedule {
    /// Parses an expression; the error says what is wrong, for a person.
    pub fn parse(expr: &str) -> Result<CronSchedule, String> {
        let expr = expr.trim();
        if expr.is_empty() {
            return Err("must not be empty".into());
        }
        if expr.len() > MAX_LEN {
            return Err(format!("must be at most {MAX_LEN} characters"));
        }
        if !expr.starts_with('@') {
            check_fields(expr)?;
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Optional)
            .build()
            .parse(expr)
            .map_err(|e| {
                format!(
                    "is not a cron expression ({e}); use five fields such as \"0 9 * * 1\" or an alias such as @daily"
                )
            })?;
        let schedule = CronSchedule(cron);
        // Five or six fields name no year, so an expression that matches no
        // date after some instant matches none after any: a fixed one keeps
        // parsing free of the clock.
        if schedule.next_after(DateTime::UNIX_EPOCH, &Utc).is_none() {
            return Err("never matches a date".into());
        }
        Ok(schedule)
    }

    /// The first matching time strictly after `after`, with the fields read
    /// in `tz`; `None` when there is none.
    pub fn next_after<Tz: TimeZone>(&self, after: DateTime<Utc>, tz: &Tz) -> Option<DateTime<Utc>> {
        self.0
            .find_next_occurrence(&after.with_timezone(tz), false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// Five or six fields, none with an empty list item: the parser would take
/// a seventh field as a year, and an empty item as a field that matches
/// nothing, which it then searches for, second by second, until the year
/// 5000.
fn check_fields(expr: &str) -> Result<(), String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    if !(5..=6).contains(&fields.len()) {
        return Err(format!(
            "is not a cron expression (it has {} fields); use five fields such as \"0 9 * * 1\", six with a leading seconds field, or an alias such as @daily",
            fields.len()
        ));
    }
    if let Some(field) = fields.iter().find(|f| f.split(',').any(str::is_empty)) {
        return Err(format!(
            "is not a cron expression (the list {field:?} has an empty item)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn five_fields_aliases_and_seconds_parse() {
        for ok in [
            "0 9 * * 1",
            "*/15 * * * *",
            "@daily",
            "@weekly",
            "30 0 9 * * MON-FRI",
        ] {
            assert!(CronSchedule::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn bad_expressions_say_what_is_wrong() {
        for bad in [
            "",
            "not cron",
            "61 * * * *",
            "* * *",
            "0 0 31 2 *",
            // Found by the trigger_text fuzz target: a seventh field (a year
            // to the parser) and an empty list item, which never matches.
            "*/29 , * * * * *",
            "*/29 , * * * *",
            "0 1,,2 * * *",
            "0 9 * * 1 2026",
        ] {
            let err = CronSchedule::parse(bad).unwrap_err();
            assert!(!err.is_empty(), "{bad}");
        }
        assert!(
            CronSchedule::parse(&"1 ".repeat(60))
                .unwrap_err()
                .contains("at most")
        );
    }

    #[test]
    fn the_next_run_is_read_in_the_time_zone() {
        let monday_nine = CronSchedule::parse("0 9 * * 1").unwrap();
        // Sunday 2026-03-01 12:00 UTC: the next Monday 09:00 in UTC ...
        assert_eq!(
            monday_nine.next_after(at("2026-03-01T12:00:00Z"), &Utc),
            Some(at("2026-03-02T09:00:00Z"))
        );
        // ... and in New York (UTC-5 in early March) five hours later.
        let ny = chrono::FixedOffset::west_opt(5 * 3600).unwrap();
        assert_eq!(
            monday_nine.next_after(at("2026-03-01T12:00:00Z"), &ny),
            Some(at("2026-03-02T14:00:00Z"))
        );
        // Strictly after: at the matching minute, the following week.
        assert_eq!(
            monday_nine.next_after(at("2026-03-02T09:00:00Z"), &Utc),
            Some(at("2026-03-09T09:00:00Z"))
        );
    }
}
