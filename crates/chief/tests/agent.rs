//! `chief agent run` and `chief agent undo` end to end, on SQLite and
//! PostgreSQL, with the model faked by a local Anthropic-speaking server:
//! a run drafts and completes the agent's task, prints its run id, and
//! undo puts the task back as it was; without a model, or with a bad run
//! id, the command says so in one line and exits non-zero.

mod support;

use chief_llm::testing::{FAKE_KEY, FakeModel, Flavor, Reply, Turn};
use predicates::prelude::*;
use serde_json::json;
use support::Store;

/// A command with no model configuration from the environment.
fn without_model(s: &Store) -> assert_cmd::Command {
    let mut cmd = s.chief();
    for var in [
        "CHIEF_MODEL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

both_backends! {
    agent_run_drafts_completes_and_undo_restores_the_task(s) {
        s.init();
        let task = s.json(&["add", "Draft a thank-you email to Dana", "--agent"]);
        let id = task["id"].as_str().expect("the task's id").to_string();
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        let fake = rt.block_on(FakeModel::start(Flavor::Anthropic));
        fake.script([
            Reply::Answer(Turn::tool_call("d1", "create_draft",
                json!({"type": "email", "recipient": "Dana", "body": "Thank you, Dana.", "task_id": id}))),
            Reply::Answer(Turn::tool_call("d2", "complete_task",
                json!({"task_id": id, "nothing_learned": true}))),
        ]);
        let out = without_model(&s)
            .env("CHIEF_MODEL", "anthropic:claude-sonnet-4-5")
            .env("ANTHROPIC_API_KEY", FAKE_KEY)
            .env("ANTHROPIC_BASE_URL", fake.base_url())
            .args(["agent", "run", "--once", "--json"])
            .output()
            .expect("chief runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(report["status"], "completed", "{report}");
        assert_eq!(report["persona"], "execution");
        assert_eq!(s.json(&["show", &id])["task"]["status"], "completed");

        let run = report["run"].as_str().expect("the run id");
        s.chief()
            .args(["agent", "undo", run])
            .assert()
            .success()
            .stdout(predicate::str::contains("removed 1 created"));
        let after = s.json(&["show", &id])["task"].clone();
        assert_eq!(after["status"], "queued", "{after}");
        assert!(after["completed_at"].is_null() && after["started_at"].is_null());
        s.chief()
            .args(["agent", "undo", run])
            .assert()
            .failure()
            .stderr(predicate::str::contains("already undone"));
        drop(rt);
    }
}

#[test]
fn agent_run_without_a_model_says_so_in_one_line() {
    let s = Store::sqlite();
    s.init();
    without_model(&s)
        .args(["agent", "run", "--once"])
        .assert()
        .failure()
        .stderr(predicate::eq(
            "chief: no model is configured: set CHIEF_MODEL and ANTHROPIC_API_KEY or OPENAI_API_KEY\n",
        ));
}

#[test]
fn agent_undo_refuses_a_bad_or_unknown_run() {
    let s = Store::sqlite();
    s.init();
    s.chief()
        .args(["agent", "undo", "yesterday"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not a run id"));
    s.chief()
        .args(["agent", "undo", "7d444840-9dc0-11d1-b245-5ffdce74fad2"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not found").or(predicate::str::contains("no agent run")));
}
