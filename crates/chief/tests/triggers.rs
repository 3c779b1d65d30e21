//! `chief triggers` end to end, on SQLite and PostgreSQL: the template
//! library, adding triggers from a template and from flags, firing one as a
//! test, its history, pausing, removing, and one-line errors for bad input.

mod support;

use chief_testkit::both_backends;
use predicates::prelude::*;
use support::Store;

both_backends! {
    fn triggers_are_added_fired_listed_paused_and_removed(s: &Store) {
        s.init();
        let library = s.json(&["triggers", "templates"]);
        assert!(library.as_array().unwrap().len() >= 8, "{library}");
        s.chief().args(["triggers", "add", "--template", "monday-priorities"]).assert().success()
            .stdout(predicate::str::contains("Added trigger monday-priorities: cron 30 8 * * 1"));
        s.chief().args(["add", "Renew the domain tomorrow !1"]).assert().success();
        s.chief().args(["triggers", "fire", "monday-priorities"]).assert().success()
            .stdout(predicate::str::contains("delivered Monday priorities: 1 task"));
        let history = s.json(&["triggers", "history", "monday-priorities"]);
        assert_eq!(history["items"][0]["status"], "fired");

        s.chief().args(["triggers", "add", "vip", "--on", "question.created", "--notify", "Question for you"]).assert().success()
            .stdout(predicate::str::contains("on question.created, notify: Question for you"));
        let hook = s.json(&["triggers", "add", "leads", "--on", "webhook.received", "--task", "{{payload.title|New lead}} +Sales"]);
        assert!(hook["webhook_token"].as_str().unwrap().starts_with("chwh_"), "{hook}");
        s.chief().args(["triggers", "pause", "vip"]).assert().success().stdout(predicate::str::contains("Paused vip"));
        let listed = s.json(&["triggers", "list"]);
        let names: Vec<&str> = listed.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["leads", "monday-priorities", "vip"]);
        assert_eq!(listed[2]["enabled"], false);
        s.chief().args(["triggers", "remove", "vip"]).assert().success();
        s.chief().args(["triggers", "show", "vip"]).assert().code(1)
            .stderr(predicate::str::contains("no trigger \"vip\"; yours are: leads, monday-priorities"));
    }

    fn bad_triggers_are_one_line_errors_that_change_nothing(s: &Store) {
        s.init();
        s.chief().args(["triggers", "add", "x", "--cron", "every friday", "--notify"]).assert().code(1)
            .stderr(predicate::str::starts_with("chief: schedule is not a cron expression"));
        s.chief().args(["triggers", "add", "x", "--cron", "@daily", "--tz", "Mars/Base", "--notify"]).assert().code(1)
            .stderr(predicate::str::contains("timezone"));
        s.chief().args(["triggers", "add", "x", "--on", "task.exploded", "--notify"]).assert().code(1)
            .stderr(predicate::str::contains("--on takes task.overdue, question.created"));
        s.chief().args(["triggers", "add", "x", "--cron", "@daily", "--brief", "nightly"]).assert().code(1)
            .stderr(predicate::str::contains("--brief takes morning"));
        s.chief().args(["triggers", "add", "x", "--cron", "@daily", "--webhook", "nowhere"]).assert().code(1)
            .stderr(predicate::str::contains("no channel \"nowhere\""));
        s.chief().args(["triggers", "add", "--template", "sunday-week-ahed"]).assert().code(1)
            .stderr(predicate::str::contains("no template \"sunday-week-ahed\""));
        assert_eq!(s.json(&["triggers", "list"]), serde_json::json!([]));
    }
}
