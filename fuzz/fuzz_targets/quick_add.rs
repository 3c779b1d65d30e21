//! The quick-add parser on any text: it must not panic, must give the same
//! answer twice, and a priority it reads is 1 to 5. Each input is read at
//! two clocks (an evening before a spring-forward night in Madrid, New
//! Year's Eve in New York) and in both date orders.

#![no_main]

use chief_brain::quick_add::{DateOrder, ParseOptions, parse};
use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;
use libfuzzer_sys::fuzz_target;

fn clock(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Tz> {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("the fuzz clocks are unambiguous local times")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let clocks = [
        clock(chrono_tz::Europe::Madrid, 2026, 3, 28, 21, 30),
        clock(chrono_tz::America::New_York, 2026, 12, 31, 23, 59),
    ];
    let orders = [DateOrder::MonthDay, DateOrder::DayMonth];
    for (now, date_order) in clocks.into_iter().zip(orders) {
        let opts = ParseOptions { date_order };
        let read = parse(&text, now, &opts);
        if let Some(p) = read.priority {
            assert!((1..=5).contains(&p), "priority {p} out of range");
        }
        assert_eq!(read, parse(&text, now, &opts), "the parser is not pure");
    }
});
