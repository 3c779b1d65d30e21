//! Recurrence phrases: "daily", "weekly", "every Monday", "every mon, wed
//! and fri", "every 2 weeks", "every other day", "every weekday", "on
//! Tuesdays", "quarterly", "every morning". The result is a frequency, an
//! interval and the weekdays, and [`Recurrence::schedule`] turns it into
//! what `chief_domain::recurring` stores: daily, weekly or monthly when
//! that says it exactly, else a cron expression.

use super::dates::weekday;
use super::times::{Time, part_of_day};
use super::tokens::{Token, count};
use chief_domain::recurring::Frequency;
use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use serde::{Serialize, Serializer};

/// How often a repeating task comes round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A repeat rule read from the phrase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Recurrence {
    pub frequency: Every,
    /// Every `interval` days, weeks, months or years; at least 1.
    pub interval: u32,
    /// For weekly rules: the days it falls on, Monday first; empty means
    /// the weekday of the first occurrence.
    #[serde(serialize_with = "weekday_names")]
    #[schemars(with = "Vec<String>")]
    pub weekdays: Vec<Weekday>,
}

fn weekday_names<S: Serializer>(days: &[Weekday], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(days.iter().map(|d| short_name(*d)))
}

/// "mon" to "sun", as the recurrence serialises weekdays.
pub fn short_name(d: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.num_days_from_monday() as usize]
}

/// What `chief_domain::recurring` can store for a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSchedule {
    pub frequency: Frequency,
    /// The cron expression of a custom frequency, read in the user's zone.
    pub cron_expression: Option<String>,
}

impl Recurrence {
    fn new(frequency: Every, interval: u32, weekdays: Vec<Weekday>) -> Recurrence {
        Recurrence {
            frequency,
            interval: interval.max(1),
            weekdays,
        }
    }

    /// The first day on or after `from` that the rule falls on.
    pub fn first_on_or_after(&self, from: NaiveDate) -> NaiveDate {
        self.weekdays
            .iter()
            .map(|wd| super::dates::next_weekday(from, *wd, true))
            .min()
            .unwrap_or(from)
    }

    /// The schedule to store for a rule whose first occurrence is `first`
    /// at `time` (00:00 when no time was given), or why chief's recurring
    /// tasks cannot repeat this way yet: every N weeks for N > 1 and every
    /// N years for N > 1 have no cron form. Every N days for N > 1 is kept
    /// as a day-of-month step, which starts again at each month's 1st.
    pub fn schedule(
        &self,
        first: NaiveDate,
        time: Option<NaiveTime>,
    ) -> Result<StoredSchedule, String> {
        use chrono::Timelike;
        let time = time.unwrap_or(NaiveTime::MIN);
        let (h, m) = (time.hour(), time.minute());
        let exact = |frequency| {
            Ok(StoredSchedule {
                frequency,
                cron_expression: None,
            })
        };
        let cron = |expr: String| {
            Ok(StoredSchedule {
                frequency: Frequency::Custom,
                cron_expression: Some(expr),
            })
        };
        let single_day = self.weekdays.len() <= 1;
        match (self.frequency, self.interval) {
            (Every::Daily, 1) => exact(Frequency::Daily),
            (Every::Daily, n) => cron(format!("{m} {h} */{n} * *")),
            (Every::Weekly, 1) if single_day => exact(Frequency::Weekly),
            (Every::Weekly, 1) => {
                let days: Vec<String> = self
                    .weekdays
                    .iter()
                    .map(|d| d.num_days_from_sunday().to_string())
                    .collect();
                cron(format!("{m} {h} * * {}", days.join(",")))
            }
            (Every::Monthly, 1) => exact(Frequency::Monthly),
            (Every::Monthly, n) if n <= 12 => {
                let mut months: Vec<u32> = (0..12 / n.min(12))
                    .map(|k| (first.month0() + k * n) % 12 + 1)
                    .collect();
                months.sort_unstable();
                let months: Vec<String> = months.iter().map(u32::to_string).collect();
                cron(format!("{m} {h} {} {} *", first.day(), months.join(",")))
            }
            (Every::Yearly, 1) => cron(format!("{m} {h} {} {} *", first.day(), first.month())),
            (every, n) => Err(format!(
                "chief's recurring tasks cannot yet repeat every {n} {}",
                match every {
                    Every::Daily => "days",
                    Every::Weekly => "weeks",
                    Every::Monthly => "months",
                    Every::Yearly => "years",
                }
            )),
        }
    }
}

fn plural_weekday(w: &str) -> Option<Weekday> {
    let singular = w.strip_suffix('s')?;
    weekday(singular)
        .filter(|(_, strong)| *strong)
        .map(|(d, _)| d)
}

const WORKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// Weekdays listed from token `i`: "mon, wed and fri", "tue/thu",
/// "mondays and thursdays". Returns how many tokens they span.
fn weekday_list(toks: &[Token], i: usize, plural: bool) -> Option<(usize, Vec<Weekday>)> {
    let one = |w: &str| {
        if plural {
            plural_weekday(w).or_else(|| weekday(w).filter(|(_, s)| *s).map(|(d, _)| d))
        } else {
            weekday(w).map(|(d, _)| d).or_else(|| plural_weekday(w))
        }
    };
    let mut days = Vec::new();
    let mut k = i;
    loop {
        let w = toks.get(k)?.w();
        if w.contains('/') {
            for piece in w.split('/') {
                days.push(one(piece)?);
            }
        } else {
            days.push(one(w)?);
        }
        k += 1;
        let ended_with_comma = toks[k - 1].raw.ends_with(',');
        let joiner = toks.get(k).map(|t| t.w());
        let next_is_day = |at: usize| toks.get(at).is_some_and(|t| one(t.w()).is_some());
        if matches!(joiner, Some("and" | "&" | "+")) && next_is_day(k + 1) {
            k += 1;
        } else if !((ended_with_comma || !plural) && next_is_day(k)) {
            // After "every", "mon wed fri" is a list without commas.
            break;
        }
    }
    days.sort_by_key(|d| d.num_days_from_monday());
    days.dedup();
    Some((k - i, days))
}

/// A recurrence phrase at token `i`: its length, the rule, and the time of
/// day it names ("every morning").
pub(crate) fn recurrence_at(toks: &[Token], i: usize) -> Option<(usize, Recurrence, Option<Time>)> {
    let w = |k: usize| toks.get(i + k).map(|t| t.w()).unwrap_or("");
    let simple = |f, n| Some((1, Recurrence::new(f, n, vec![]), None));
    match w(0) {
        "daily" | "everyday" => return simple(Every::Daily, 1),
        "nightly" => {
            return Some((
                1,
                Recurrence::new(Every::Daily, 1, vec![]),
                part_of_day("night"),
            ));
        }
        "weekly" => return simple(Every::Weekly, 1),
        "fortnightly" | "biweekly" | "bi-weekly" => return simple(Every::Weekly, 2),
        "monthly" => return simple(Every::Monthly, 1),
        "quarterly" => return simple(Every::Monthly, 3),
        "yearly" | "annually" => return simple(Every::Yearly, 1),
        "weekdays" => {
            return Some((
                1,
                Recurrence::new(Every::Weekly, 1, WORKDAYS.to_vec()),
                None,
            ));
        }
        "weekends" => {
            let days = vec![Weekday::Sat, Weekday::Sun];
            return Some((1, Recurrence::new(Every::Weekly, 1, days), None));
        }
        "every" | "each" | "evry" | "ever" => {}
        other => {
            // "on mondays", "tuesdays and thursdays"
            plural_weekday(other)?;
            let (len, days) = weekday_list(toks, i, true)?;
            return Some((len, Recurrence::new(Every::Weekly, 1, days), None));
        }
    }
    let mut k = 1;
    let mut interval = 1;
    if w(k) == "other" || w(k) == "second" {
        interval = 2;
        k += 1;
    } else if let Some(n) = count(w(k)).filter(|_| !matches!(w(k), "a" | "an")) {
        interval = n;
        k += 1;
    }
    let unit = w(k);
    let (frequency, mut days, time) = match unit {
        "day" | "days" => (Every::Daily, vec![], None),
        "week" | "weeks" | "wk" | "wks" => (Every::Weekly, vec![], None),
        "month" | "months" => (Every::Monthly, vec![], None),
        "quarter" | "quarters" => {
            interval *= 3;
            (Every::Monthly, vec![], None)
        }
        "year" | "years" => (Every::Yearly, vec![], None),
        "weekday" | "weekdays" | "workday" | "workdays" => (Every::Weekly, WORKDAYS.to_vec(), None),
        "weekend" | "weekends" => (Every::Weekly, vec![Weekday::Sat, Weekday::Sun], None),
        "morning" | "afternoon" | "evening" | "night" => (Every::Daily, vec![], part_of_day(unit)),
        _ => {
            let (len, days) = weekday_list(toks, i + k, false)?;
            return Some((
                k + len,
                Recurrence::new(Every::Weekly, interval, days),
                None,
            ));
        }
    };
    k += 1;
    if frequency == Every::Weekly
        && days.is_empty()
        && w(k) == "on"
        && let Some((len, listed)) = weekday_list(toks, i + k + 1, false)
    {
        days = listed;
        k += 1 + len;
    }
    Some((k, Recurrence::new(frequency, interval, days), time))
}

/// The first occurrence from `today`, or from tomorrow when the rule's
/// time today has already passed.
pub(crate) fn first_occurrence(
    rule: &Recurrence,
    today: NaiveDate,
    time_passed: bool,
) -> NaiveDate {
    let from = if time_passed {
        today.checked_add_days(Days::new(1)).unwrap_or(today)
    } else {
        today
    };
    rule.first_on_or_after(from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quick_add::tokens::tokenize;

    fn read(s: &str) -> Option<(usize, Recurrence)> {
        let (toks, _) = tokenize(s, 16);
        recurrence_at(&toks, 0).map(|(n, r, _)| (n, r))
    }

    #[test]
    fn every_phrases_read_frequency_interval_and_days() {
        use Weekday::*;
        assert_eq!(
            read("every Monday"),
            Some((2, Recurrence::new(Every::Weekly, 1, vec![Mon])))
        );
        assert_eq!(
            read("every 2 weeks"),
            Some((3, Recurrence::new(Every::Weekly, 2, vec![])))
        );
        assert_eq!(
            read("every other day"),
            Some((3, Recurrence::new(Every::Daily, 2, vec![])))
        );
        assert_eq!(
            read("every mon, wed and fri"),
            Some((5, Recurrence::new(Every::Weekly, 1, vec![Mon, Wed, Fri])))
        );
        assert_eq!(
            read("tuesdays and thursdays"),
            Some((3, Recurrence::new(Every::Weekly, 1, vec![Tue, Thu])))
        );
        assert_eq!(
            read("every weekday").map(|(_, r)| r.weekdays.len()),
            Some(5)
        );
        assert_eq!(
            read("every 2 weeks on friday"),
            Some((5, Recurrence::new(Every::Weekly, 2, vec![Fri])))
        );
        assert_eq!(read("every"), None);
        assert_eq!(read("every penny"), None);
    }

    #[test]
    fn schedules_are_exact_where_the_store_can_say_them() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let nine = NaiveTime::from_hms_opt(9, 0, 0);
        let weekly = Recurrence::new(Every::Weekly, 1, vec![Weekday::Thu]);
        assert_eq!(
            weekly.schedule(first, nine).unwrap().frequency,
            Frequency::Weekly
        );
        let mwf = Recurrence::new(
            Every::Weekly,
            1,
            vec![Weekday::Mon, Weekday::Wed, Weekday::Sun],
        );
        assert_eq!(
            mwf.schedule(first, nine)
                .unwrap()
                .cron_expression
                .as_deref(),
            Some("0 9 * * 1,3,0")
        );
        let quarterly = Recurrence::new(Every::Monthly, 3, vec![]);
        assert_eq!(
            quarterly
                .schedule(first, None)
                .unwrap()
                .cron_expression
                .as_deref(),
            Some("0 0 3 3,6,9,12 *")
        );
        let yearly = Recurrence::new(Every::Yearly, 1, vec![]);
        assert_eq!(
            yearly
                .schedule(first, None)
                .unwrap()
                .cron_expression
                .as_deref(),
            Some("0 0 3 12 *")
        );
        let fortnightly = Recurrence::new(Every::Weekly, 2, vec![]);
        assert!(
            fortnightly
                .schedule(first, None)
                .unwrap_err()
                .contains("every 2 weeks")
        );
    }
}
