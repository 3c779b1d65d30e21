//! A trigger's text on any input: its cron schedule, its event name, the
//! `{{field}}` template it fills and the event payload it fills it from.
//! The input is lines: the schedule (also read as an event name), the
//! template, then the payload as JSON.
//!
//! Besides not panicking: a template with no `{{` comes back unchanged, a
//! subject is clipped to 300 characters, and for a schedule that parses,
//! the first run is strictly after its start and a due job's plan runs
//! nothing outside [due, now], records missed runs in order and is next due
//! strictly after now, in a zone with a spring-forward night ahead.

#![no_main]

use chief_brain::job_timing::{first_run, plan};
use chief_brain::trigger_text::{event_fields, event_notice, fill, subject_of};
use chief_domain::job::MisfirePolicy;
use chief_domain::schedule::CronSchedule;
use chief_domain::trigger::TriggerEvent;
use chrono::{DateTime, Duration, Utc};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(3, '\n');
    let expr = lines.next().unwrap_or_default();
    let template = lines.next().unwrap_or_default();
    let payload: Value = serde_json::from_str(lines.next().unwrap_or_default()).unwrap_or_default();

    let _ = expr.parse::<TriggerEvent>();
    let fields = event_fields(expr, &payload);
    if let Some(subject) = subject_of(&fields) {
        assert!(subject.chars().count() <= 300, "subject not clipped");
    }
    let filled = fill(template, &fields);
    if !template.contains("{{") {
        assert_eq!(filled, template, "a template without placeholders changed");
    }
    let _ = event_notice("fuzz", Some(template), Some((expr, &fields)));

    let Ok(schedule) = CronSchedule::parse(expr) else {
        return;
    };
    let tz = chrono_tz::Europe::Madrid;
    // 01:30 in Madrid, half an hour before the clocks jump to 03:00.
    let start: DateTime<Utc> = "2026-03-29T00:30:00Z".parse().expect("a valid instant");
    let Some(due) = first_run(&schedule, &tz, start) else {
        return;
    };
    assert!(due > start, "first run {due} not after {start}");
    // How late the scheduler takes it, from on time to two days late; the
    // template's length picks one so each input is planned once.
    let late = [0, 45, 600, 2 * 86_400][template.len() % 4];
    let now = due + Duration::seconds(late);
    for policy in [MisfirePolicy::CatchUpOnce, MisfirePolicy::Skip] {
        let p = plan(&schedule, &tz, due, now, policy, Duration::hours(1));
        if let Some((at, _)) = p.run {
            assert!(due <= at && at <= now, "ran {at} outside [{due}, {now}]");
        }
        if let Some(m) = &p.missed {
            assert!(m.count >= 1, "missed nothing");
            assert!(
                m.first <= m.last && m.last <= now,
                "missed {m:?} out of order"
            );
        }
        if let Some(next) = p.next_run_at {
            assert!(next > now, "next run {next} not after now {now}");
        }
    }
});
