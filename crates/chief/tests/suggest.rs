//! `chief suggest` end to end, on SQLite and PostgreSQL: ranking with
//! reasons, a given context filtering, minutes and energy, the context
//! inferred from a pinned clock, and bad flags as one-line errors.

mod support;

use chief_testkit::both_backends;
use predicates::prelude::*;
use serde_json::Value;
use support::Store;

fn suggest_at(s: &Store, now: &str, args: &[&str]) -> Value {
    let out = s
        .chief()
        .env("CHIEF_NOW", now)
        .args(["--json", "suggest"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn titles(v: &Value) -> Vec<String> {
    v["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["task"]["title"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    fn suggest_ranks_by_context_time_and_energy_with_reasons(s: &Store) {
        s.init();
        // Monday 23 November 2026, local time: the owner is in Europe/Berlin.
        let monday = |hm: &str| format!("2026-11-23T{hm}:00+01:00");
        for line in [
            "Call the bank @phone est:10m",
            "(A) Write the quarterly report est:2h",
            "Buy stamps @errands",
            "Plan the week due:2026-11-23",
        ] {
            s.chief().args(["add", line]).assert().success();
        }
        let phone = suggest_at(&s, &monday("11:00"), &["--context", "phone", "--minutes", "30"]);
        assert_eq!(phone["context"]["value"], "phone");
        assert_eq!(titles(&phone), vec!["Plan the week", "Call the bank"], "errands are elsewhere; the report takes 2h");
        assert_eq!(phone["suggestions"][0]["reasons"][0], "due today");
        let bank: Vec<&str> = phone["suggestions"][1]["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        assert_eq!(bank, vec!["matches @phone", "fits 30 min"]);

        // Energy moves the long report past the quick call, or behind it.
        let high = suggest_at(&s, &monday("11:00"), &["--energy", "high", "-n", "2"]);
        assert_eq!(titles(&high), vec!["Plan the week", "Write the quarterly report"]);
        assert!(high["suggestions"][1]["reasons"].to_string().contains("suits high energy"));
        let low = suggest_at(&s, &monday("11:00"), &["--energy", "low"]);
        assert_eq!(titles(&low)[..3], ["Plan the week", "Call the bank", "Write the quarterly report"]);
        assert!(low["suggestions"][1]["reasons"].to_string().contains("quick win for low energy"));

        // On the way to work the context is inferred: @phone, by the default rules.
        let commute = suggest_at(&s, &monday("08:10"), &[]);
        assert_eq!(commute["context"]["inferred"], true);
        assert_eq!(commute["context"]["value"], "phone");
        assert!(commute["context"]["reason"].as_str().unwrap().contains("07:00–09:00"));

        s.chief().env("CHIEF_NOW", monday("11:00")).args(["suggest", "--context", "phone"]).assert().success()
            .stdout(predicate::str::contains("Call the bank").and(predicate::str::contains("matches @phone")));
        s.chief().args(["suggest", "--energy", "medium"]).assert().code(2).stderr(predicate::str::contains("low, high"));
        s.chief().args(["suggest", "--minutes", "0"]).assert().code(2).stderr(predicate::str::contains("--minutes"));
        s.chief().args(["suggest", "--context", "two words"]).assert().code(1).stderr(predicate::str::contains("context"));
        // Tasks tied to no context stay, whatever the context.
        s.chief().args(["suggest", "--context", "nowhere"]).assert().success()
            .stdout(predicate::str::contains("Plan the week").and(predicate::str::contains("Buy stamps").not()));
    }

    fn suggest_with_nothing_to_do_says_so(s: &Store) {
        s.init();
        s.chief().arg("suggest").assert().success().stdout(predicate::str::contains("Nothing fits now"));
        let empty = suggest_at(&s, "2026-11-23T12:00:00+01:00", &[]);
        assert_eq!(empty["suggestions"], serde_json::json!([]));
    }
}
