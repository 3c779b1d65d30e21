//! The bounds of a local day as instants: a task due on a date is due at
//! the end of that day in its owner's time zone.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The last second of `date` in `tz`, in UTC: a task due on a date is not
/// overdue until that day is over.
pub fn end_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"));
    tz.from_local_datetime(&local)
        .earliest()
        .unwrap_or_else(|| Utc.from_utc_datetime(&local).with_timezone(&tz))
        .with_timezone(&Utc)
}

/// The start of `date` in `tz`, in UTC.
pub fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&local)
        .earliest()
        .unwrap_or_else(|| Utc.from_utc_datetime(&local).with_timezone(&tz))
        .with_timezone(&Utc)
}
