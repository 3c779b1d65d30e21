//! The user's days: where today, tomorrow and the review week start and end,
//! as UTC instants, for a `now` and an IANA zone. The store uses the same
//! boundaries to bound its queries, so both sides agree on what "today"
//! means.
//!
//! The weekly review covers the seven local days ending today (today
//! included), compared with the seven days before: on any day, "this week"
//! is the last seven days, and the built-in Monday run reviews the week
//! that just ended.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// A half-open span of time, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Period {
    /// Whether `t` falls inside.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }
}

/// The periods a briefing looks at, for one `now` in one zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Days {
    pub today: Period,
    pub tomorrow: Period,
    /// The seven local days ending with today.
    pub week: Period,
    /// The seven local days before `week`.
    pub previous_week: Period,
}

impl Days {
    /// The periods around `now` in `tz`.
    pub fn at(now: DateTime<Utc>, tz: Tz) -> Days {
        let today = now.with_timezone(&tz).date_naive();
        let day = |offset: i64| start_of(today + Duration::days(offset), tz);
        Days {
            today: Period {
                start: day(0),
                end: day(1),
            },
            tomorrow: Period {
                start: day(1),
                end: day(2),
            },
            week: Period {
                start: day(-6),
                end: day(1),
            },
            previous_week: Period {
                start: day(-13),
                end: day(-6),
            },
        }
    }
}

/// The first instant of `day` in `tz`, in UTC. On a day that starts inside
/// a daylight-saving gap (midnight does not exist), the first instant that
/// does; on an ambiguous midnight, the earlier one.
pub fn start_of(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight is a valid time");
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + Duration::hours(h)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// "Tuesday 3 March 2026", the local date of `t`.
pub fn long_date(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%A %-d %B %Y").to_string()
}

/// "09:30", the local time of `t`.
pub fn hm(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

/// "Mon 3 Mar", the local date of `t`, short.
pub fn short_date(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%a %-d %b").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn today_is_the_users_local_day_not_the_utc_one() {
        // 23:30 UTC on 2 March is already 3 March in Madrid (UTC+1) and
        // still 2 March in New York (UTC-5).
        let now = utc("2026-03-02T23:30:00Z");
        let madrid = Days::at(now, chrono_tz::Europe::Madrid);
        assert_eq!(madrid.today.start, utc("2026-03-02T23:00:00Z"));
        assert_eq!(madrid.today.end, utc("2026-03-03T23:00:00Z"));
        let ny = Days::at(now, chrono_tz::America::New_York);
        assert_eq!(ny.today.start, utc("2026-03-02T05:00:00Z"));
        assert!(ny.today.contains(now) && madrid.today.contains(now));
    }

    #[test]
    fn a_day_with_a_clock_change_is_23_or_25_hours_long() {
        let spring = Days::at(utc("2026-03-29T10:00:00Z"), chrono_tz::Europe::Madrid);
        assert_eq!(spring.today.end - spring.today.start, Duration::hours(23));
        let autumn = Days::at(utc("2026-10-25T10:00:00Z"), chrono_tz::Europe::Madrid);
        assert_eq!(autumn.today.end - autumn.today.start, Duration::hours(25));
    }

    #[test]
    fn a_midnight_inside_a_dst_gap_starts_the_day_at_the_first_real_instant() {
        // Santiago springs forward at 00:00 on 6 September 2026: the day
        // starts at 01:00 local, 04:00 UTC.
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(
            start_of(day, chrono_tz::America::Santiago),
            utc("2026-09-06T04:00:00Z")
        );
    }

    #[test]
    fn the_review_week_is_the_seven_days_ending_today() {
        let days = Days::at(utc("2026-03-09T08:00:00Z"), chrono_tz::UTC);
        assert_eq!(days.week.start, utc("2026-03-03T00:00:00Z"));
        assert_eq!(days.week.end, utc("2026-03-10T00:00:00Z"));
        assert_eq!(days.previous_week.start, utc("2026-02-24T00:00:00Z"));
        assert_eq!(days.previous_week.end, days.week.start);
    }
}
