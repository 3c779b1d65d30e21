//! `chief brief`: the four briefings printed as plain text, Markdown or
//! JSON, kept only with --save, and one-line errors for bad input; on
//! SQLite and on PostgreSQL.

mod support;

use chief_testkit::both_backends;
use predicates::prelude::*;
use support::Store;

/// The store's audit log as text.
fn audit_log(s: &Store) -> String {
    s.json(&["audit", "log", "-n", "100"]).to_string()
}

both_backends! {
    fn brief_prints_text_by_default_and_markdown_or_json_on_request(s: &Store) {
        s.init();
        // The clock is pinned at 10:00 on Tuesday 24 November 2026 in Berlin.
        s.chief().args(["add", "(A) Call Patrick due:2026-11-24"]).assert().success();
        s.chief().args(["add", "Old thing due:2026-11-20"]).assert().success();
        s.chief().args(["add", "Later thing due:2026-11-25"]).assert().success();

        let out = s.chief().args(["brief", "morning"]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with("Morning plan for Tuesday 24 November 2026\n"), "{text}");
        assert!(text.contains("  - P1  Call Patrick (due today)"), "{text}");
        assert!(text.contains("  - P3  Old thing (4d overdue)"), "{text}");
        assert!(text.contains("No questions waiting for you."), "{text}");
        assert!(!text.contains("**"), "{text}");

        s.chief().args(["brief", "morning", "--markdown"]).assert().success()
            .stdout(predicate::str::starts_with("# Morning plan for Tuesday 24 November 2026"))
            .stdout(predicate::str::contains("- **P1** Call Patrick — due today"));

        let v = s.json(&["brief", "morning"]);
        assert_eq!(v["kind"], "morning");
        assert_eq!(v["due"]["total"], 2);
        assert_eq!(v["timezone"], "Europe/Berlin");

        s.chief().args(["brief", "evening"]).assert().success()
            .stdout(predicate::str::contains("Due tomorrow\n  - P3  Later thing (due tomorrow)"));
        s.chief().args(["brief", "Weekly"]).assert().success()
            .stdout(predicate::str::contains("Weekly review for"));
        s.chief().args(["brief", "midday", "--now", "2026-11-26T12:30:00+01:00"]).assert().success()
            .stdout(predicate::str::starts_with("Midday check for Thursday 26 November 2026"));
        assert!(!audit_log(&s).contains("briefing.created"), "printing keeps nothing");
    }

    fn brief_save_keeps_it_once_and_says_so(s: &Store) {
        s.init();
        let out = s.chief().args(["brief", "evening", "--save", "--json"]).output().unwrap();
        assert!(out.status.success());
        let kept: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = kept["id"].as_str().unwrap().to_string();
        assert_eq!(kept["kind"], "evening");
        assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("saved briefing {id}")));
        let log = audit_log(&s);
        assert_eq!(log.matches("briefing.created").count(), 1, "{log}");
        assert!(log.contains(&id));
    }

    fn brief_refuses_bad_input_with_one_line(s: &Store) {
        s.init();
        let cases: [(&[&str], &str); 6] = [
            (&["brief", "monthly"], "not a briefing kind: expected one of morning, midday, evening, weekly"),
            (&["brief", ""], "not a briefing kind"),
            (&["brief", "🌅 صباح"], "not a briefing kind"),
            (&["brief", "morning", "--now", "yesterday"], "--now \"yesterday\" is not an RFC 3339 time"),
            (&["brief", "morning", "--now", "2026-13-45T99:00:00Z"], "is not an RFC 3339 time"),
            (&["--json", "brief", "morning", "--markdown"], "choose one of --json and --markdown"),
        ];
        for (args, message) in cases {
            let out = s.chief().args(args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(err.contains(message), "{args:?}: {err}");
            assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
            assert!(out.stdout.is_empty());
        }
    }
}
