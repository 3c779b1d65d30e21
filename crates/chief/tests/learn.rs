//! `chief learn` end to end, on SQLite and PostgreSQL: a learning is routed
//! to the person it names, `--dry-run` shows the same decision and writes
//! nothing, two people of one name leave it for review with both as
//! candidates, and bad input is a one-line error.

mod support;

use chief_testkit::both_backends;
use predicates::prelude::*;
use support::Store;

both_backends! {
    fn learn_routes_to_the_person_named_and_dry_run_writes_nothing(s: &Store) {
        s.init();
        s.chief().args(["people", "add", "Patrick Fields"]).assert().success();

        let plan = s.json(&["learn", "--dry-run", "remember that Patrick prefers short emails"]);
        assert_eq!(plan["category"], "person", "{plan}");
        assert_eq!(plan["status"], "routed");
        assert_eq!(plan["target"]["name"], "Patrick Fields");
        assert_eq!(plan["target"]["field_updated"], "communication_notes");
        assert_eq!(plan["matched"]["how"], "first_name");
        let shown = s.json(&["people", "show", "Patrick Fields"]);
        assert!(shown["communication_notes"].is_null(), "a dry run writes nothing: {shown}");

        s.chief()
            .args(["learn", "remember", "that", "Patrick", "prefers", "short", "emails"])
            .assert()
            .success()
            .stdout(predicate::str::contains("category: person"))
            .stdout(predicate::str::contains("routed to: person Patrick Fields (communication_notes)"))
            .stdout(predicate::str::contains("status: routed"));
        let shown = s.json(&["people", "show", "Patrick Fields"]);
        assert_eq!(shown["communication_notes"], "[2026-11-24] remember that Patrick prefers short emails");

        let routed = s.json(&["learn", "Patricks daughter starts college in september"]);
        assert_eq!(routed["routed_to"]["field_updated"], "context_notes", "{routed}");
        assert_eq!(routed["matched"]["how"], "possessive");
    }

    fn learn_leaves_an_ambiguous_name_for_review_with_the_candidates(s: &Store) {
        s.init();
        s.chief().args(["people", "add", "Sarah Lee"]).assert().success();
        s.chief().args(["people", "add", "Sarah Connor"]).assert().success();
        s.chief()
            .args(["learn", "Sarah wants the numbers before the meeting"])
            .assert()
            .success()
            .stdout(predicate::str::contains("status: pending_review (it could be about any of several persons: Sarah Connor, Sarah Lee)"))
            .stdout(predicate::str::contains("candidate: person Sarah Lee (first_name"))
            .stdout(predicate::str::contains("candidate: person Sarah Connor (first_name"));
        let plan = s.json(&["learn", "--dry-run", "never book Sarah before 10"]);
        assert_eq!(plan["status"], "pending_review");
        assert_eq!(plan["candidates"].as_array().unwrap().len(), 2);
        assert!(plan["target"].is_null());
    }
}

#[test]
fn learn_refuses_empty_text_with_a_one_line_error() {
    let s = Store::sqlite();
    s.init();
    let out = s.chief().args(["learn", "  "]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("chief: nothing to learn"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    s.chief().arg("learn").assert().code(2);
    // Emoji and right-to-left text are learnings like any other.
    s.chief()
        .args(["learn", "--dry-run", "🙂 שלום always"])
        .assert()
        .success()
        .stdout(predicate::str::contains("category: rule"));
}
