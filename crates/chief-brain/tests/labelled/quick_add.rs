//! The quick-add set: `tests/data/quick_add.jsonl`, one JSON object per
//! line: `text`, optional `now` (local, default 2026-11-24T10:00:00), `tz`
//! (default Europe/Berlin) and `order` (`dmy` or `mdy`, default mdy), and
//! `want`: the title always, and whichever of due, priority, project,
//! contexts, tags, people and recurrence the line gives (a `null` checks
//! that the field is absent).

use super::{Report, data_lines};
use chief_brain::quick_add::{DateOrder, ParseOptions, parse};
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde_json::{Value, json};

const DATA: &str = include_str!("../data/quick_add.jsonl");

const FIELDS: [&str; 7] = [
    "due",
    "priority",
    "project",
    "contexts",
    "tags",
    "people",
    "recurrence",
];

/// A recurrence as the set writes it, with the defaults filled in.
fn normalise_rule(v: &Value) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    json!({
        "frequency": v["frequency"],
        "interval": v.get("interval").cloned().unwrap_or(json!(1)),
        "weekdays": v.get("weekdays").cloned().unwrap_or(json!([])),
    })
}

/// Scores [`parse`] on every phrase, per field.
pub fn score() -> Report {
    let mut report = Report::new("quick_add");
    for (line, row) in data_lines(DATA) {
        let case: Value =
            serde_json::from_str(row).unwrap_or_else(|e| panic!("quick_add.jsonl:{line}: {e}"));
        let text = case["text"].as_str().expect("text");
        let tz: Tz = case["tz"]
            .as_str()
            .unwrap_or("Europe/Berlin")
            .parse()
            .expect("tz");
        let local = NaiveDateTime::parse_from_str(
            case["now"].as_str().unwrap_or("2026-11-24T10:00:00"),
            "%Y-%m-%dT%H:%M:%S",
        )
        .expect("now");
        let now = tz
            .from_local_datetime(&local)
            .earliest()
            .expect("now exists");
        let opts = ParseOptions {
            date_order: DateOrder::parse(case["order"].as_str().unwrap_or("mdy")).expect("order"),
        };
        let got = serde_json::to_value(parse(text, now, &opts)).expect("serialises");
        let want = &case["want"];
        report.cases += 1;
        report.check("title", got["title"] == want["title"], || {
            format!(
                "line {line} {text:?}: want {}, got {}",
                want["title"], got["title"]
            )
        });
        for field in FIELDS {
            let Some(w) = want.get(field) else { continue };
            let (w, g) = if field == "recurrence" {
                (normalise_rule(w), normalise_rule(&got[field]))
            } else {
                (w.clone(), got[field].clone())
            };
            report.check(field, w == g, || {
                format!(
                    "line {line} {text:?}: want {w}, got {g} {:?}",
                    got["warnings"]
                )
            });
        }
    }
    report
}
