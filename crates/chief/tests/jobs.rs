//! `chief jobs` and `chief run-job` end to end, on SQLite and PostgreSQL.

mod support;

use chief_testkit::both_backends;
use predicates::prelude::*;
use support::Store;

both_backends! {
    fn jobs_are_listed_run_paused_resumed_and_their_history_shown(s: &Store) {
        s.init();
        let jobs = s.json(&["jobs", "list"]);
        let names: Vec<&str> = jobs.as_array().unwrap().iter().filter_map(|j| j["name"].as_str()).collect();
        assert!(names.contains(&"recurring_tasks"), "{jobs}");
        s.chief().args(["jobs", "run", "recurring_tasks"]).assert().success()
            .stdout(predicate::str::contains("succeeded (manual): no recurring task was due"));
        let history = s.json(&["jobs", "history", "recurring_tasks"]);
        assert_eq!(history["total"], 1);
        assert_eq!(history["items"][0]["status"], "succeeded");
        s.chief().args(["jobs", "pause", "recurring_tasks"]).assert().success().stdout(predicate::str::contains("Paused"));
        let listed = s.json(&["jobs", "list"]);
        let recurring = listed.as_array().unwrap().iter().find(|j| j["name"] == "recurring_tasks").unwrap();
        assert_eq!(recurring["enabled"], false);
        // A system cron runs enabled jobs only.
        s.chief().args(["run-job", "recurring_tasks"]).assert().code(1)
            .stderr(predicate::str::contains("no enabled job named \"recurring_tasks\""));
        s.chief().args(["jobs", "resume", "recurring_tasks"]).assert().success().stdout(predicate::str::contains("Resumed"));
        let ran = s.json(&["run-job", "recurring_tasks"]);
        assert_eq!(ran.as_array().unwrap().len(), 1, "one user, one run");
        s.chief().args(["jobs", "run", "nightly_backup"]).assert().code(1)
            .stderr(predicate::str::contains("no job \"nightly_backup\"; yours are: deadline_check, evening_summary, event_prep, midday_check, morning_briefing, recurring_tasks, waiting_follow_up, weekly_review"));
    }
}
