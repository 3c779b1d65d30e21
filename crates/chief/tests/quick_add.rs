//! `chief parse` and `chief add` reading one typed line with the quick-add
//! parser, on SQLite and PostgreSQL (when `CHIEF_TEST_POSTGRES_URL` is set).

mod support;

use chief_testkit::both_backends;
use predicates::prelude::*;
use support::Store;

const EXAMPLE: &str =
    "Call Patrick tomorrow 3pm about the Liberty renewal !1 +liberty @phone #sales";

#[test]
fn parse_needs_no_store_and_prints_every_field() {
    let s = Store::sqlite();
    let out = s.json(&[
        "parse",
        EXAMPLE,
        "--now",
        "2026-11-24T10:00:00+01:00",
        "--tz",
        "Europe/Berlin",
    ]);
    assert_eq!(out["title"], "Call Patrick about the Liberty renewal");
    assert_eq!(out["due"], "2026-11-25T15:00:00+01:00");
    assert_eq!(out["priority"], 1);
    assert_eq!(out["project"], "liberty");
    assert_eq!(out["contexts"], serde_json::json!(["phone"]));
    assert_eq!(out["tags"], serde_json::json!(["sales"]));
    assert_eq!(out["people"], serde_json::json!(["Patrick"]));
    assert!(
        !s.file("probe", "")
            .parent()
            .unwrap()
            .join("chief.db")
            .exists(),
        "parse must not create a store"
    );

    s.chief()
        .args([
            "parse",
            "rent",
            "3/12",
            "--date-order",
            "dmy",
            "--tz",
            "UTC",
            "--now",
            "2026-11-24T10:00:00Z",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("title:    rent")
                .and(predicate::str::contains("due:      2026-12-03")),
        );
    let weekly = s.json(&["parse", "water plants every monday", "--tz", "UTC"]);
    assert_eq!(weekly["recurrence"]["frequency"], "weekly");
    assert_eq!(weekly["recurrence"]["weekdays"], serde_json::json!(["mon"]));
}

#[test]
fn parse_refuses_bad_flags_with_one_line_and_exit_code_1() {
    let s = Store::sqlite();
    for (flag, value, needle) in [
        ("--tz", "Mars/Olympus", "IANA"),
        ("--now", "yesterday-ish", "RFC 3339"),
        ("--date-order", "ymd", "dmy or mdy"),
    ] {
        let out = s
            .chief()
            .args(["parse", "call Anna", flag, value])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{flag}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{flag}: {err}");
    }
    // Odd text is read as well as it can be, never a crash.
    let odd = s.json(&["parse", "🎉 اتصل Feb 30 ", "--tz", "UTC"]);
    assert_eq!(odd["title"], "🎉 اتصل Feb 30");
    assert!(odd["warnings"].to_string().contains("Feb 30 is not a date"));
}

both_backends! {
    fn add_saves_what_the_line_says_and_links_known_people(s: &Store) {
        s.init();
        s.chief().args(["people", "add", "Patrick Fields"]).assert().success();
        let out = s.chief().args(["add", EXAMPLE, "with Zed", "--json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("no person named Zed: `chief people add \"Zed\"`"), "{err}");
        assert!(!err.contains("Patrick"), "Patrick Fields is found by first name: {err}");
        let task: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(task["title"], "Call Patrick about the Liberty renewal with Zed");
        assert_eq!(task["priority"], 1);
        assert_eq!(task["contexts"], serde_json::json!(["phone"]));
        assert_eq!(task["tags"], serde_json::json!(["sales"]));
        assert_eq!(task["due_has_time"], true);
        // 15:00 in Berlin on 25 November is 14:00 UTC.
        assert!(task["due_date"].as_str().unwrap().starts_with("2026-11-25T14:00:00"), "{}", task["due_date"]);
        let shown = s.json(&["show", task["id"].as_str().unwrap()]);
        assert!(shown["history"].to_string().contains("person_linked"), "{shown}");
        assert_eq!(s.json(&["list", "--project", "liberty"])["total"], 1);

        // todo.txt tokens still work through the new parser.
        let todo = s.json(&["add", "(B) Send invoice due:2026-12-01"]);
        assert_eq!(todo["priority"], 2);
        assert_eq!(todo["due_has_time"], false);
        assert_eq!(todo["title"], "Send invoice");
    }

    fn a_repeating_line_adds_the_first_task_and_a_recurring_one(s: &Store) {
        s.init();
        s.chief().args(["add", "water plants every monday"]).assert().success()
            .stdout(predicate::str::contains("repeats weekly on mon; next on Mon Dec 7"));
        s.chief().args(["add", "payroll every 2 weeks"]).assert().success()
            .stderr(predicate::str::contains("cannot yet repeat every 2 weeks"));
        assert_eq!(s.json(&["list"])["total"], 2);
    }

    fn add_refuses_dates_that_do_not_exist_and_lines_with_no_title(s: &Store) {
        s.init();
        for (line, needle) in [
            ("Pay rent due:2026-02-30", "2026-02-30 is not a date"),
            ("Invoice Feb 30", "Feb 30 is not a date"),
            ("tomorrow 3pm +work", "no title"),
        ] {
            let out = s.chief().args(["add", line]).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{line}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(err.contains(needle), "{line}: {err}");
        }
        assert_eq!(s.json(&["list"])["total"], 0);
    }
}
