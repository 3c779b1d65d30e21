//! `chief agent run` and `chief agent undo` end to end, on SQLite and
//! PostgreSQL, with the model faked by a local Anthropic-speaking server:
//! a run drafts and completes the agent's task, prints its run id, and
//! undo puts the task back as it was; without a model, or with a bad run
//! id, the command says so in one line and exits non-zero.

mod support;

use chief_llm::testing::{FAKE_KEY, FakeModel, Flavor, Reply, Turn};
use chief_testkit::both_backends;
use predicates::prelude::*;
use serde_json::json;
use support::Store;

both_backends! {
    fn agent_run_drafts_completes_and_undo_restores_the_task(s: &Store) {
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
        let out = s
            .with_fake_model(&fake.base_url())
            .args(["agent", "run", "--once", "--json"])
            .output()
            .expect("chief runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(report["status"], "completed", "{report}");
        assert_eq!(report["persona"], "execution");
        assert_eq!(s.json(&["show", &id])["task"]["status"], "completed");

        let run = report["run"].as_str().expect("the run id");
        let runs = s.json(&["agent", "runs"]);
        assert_eq!(runs[0]["id"], run, "{runs}");
        assert_eq!(runs[0]["status"], "completed");
        assert_eq!(runs[0]["routing"], "keyword:draft");
        assert_eq!(runs[0]["input_tokens"], 200);
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
        assert_eq!(s.json(&["agent", "runs"])[0]["status"], "undone");
        drop(rt);
    }
}

#[test]
fn agent_run_without_a_model_says_so_in_one_line() {
    let s = Store::sqlite();
    s.init();
    s.without_model()
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

both_backends! {
    fn agent_run_waits_for_work_and_takes_a_task_added_meanwhile(s: &Store) {
        s.init();
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        let fake = rt.block_on(FakeModel::start(Flavor::OpenAi));
        // The task is the user's until the agent is running and idle.
        let task = s.json(&["add", "Research the venues"]);
        let id = task["id"].as_str().expect("the task's id").to_string();
        fake.script([Reply::Answer(Turn::tool_call("r1", "complete_task",
            json!({"task_id": id, "learnings": ["The venue books out three months ahead"]})))]);
        // The poll is an hour: only the change's event can wake the loop.
        let mut agent = std::process::Command::new(assert_cmd::cargo::cargo_bin("chief"));
        agent
            .envs(s.chief().get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))))
            .env("CHIEF_MODEL", "openai:gpt-4o-mini")
            .env("OPENAI_API_KEY", FAKE_KEY)
            .env("OPENAI_BASE_URL", fake.base_url())
            .env_remove("ANTHROPIC_API_KEY")
            .args(["agent", "run", "--poll-secs", "3600"])
            .stdout(std::process::Stdio::piped());
        let mut child = agent.spawn().expect("chief agent run starts");
        s.chief().args(["edit", &id, "--assignee", "agent"]).assert().success();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
            &mut line,
        )
        .expect("the run line");
        child.kill().expect("the agent stops");
        child.wait().expect("the agent exits");
        assert!(line.contains(&format!("task {id} completed (discovery persona")), "{line}");
        assert_eq!(s.json(&["show", &id])["task"]["status"], "completed");
    }
}

both_backends! {
    fn agent_policy_and_personas_are_shown_and_set_with_one_line_errors(s: &Store) {
        s.init();
        let policy = s.json(&["agent", "policy"]);
        assert_eq!((policy["admin"].as_str(), policy["write"].as_str()), (Some("ask"), Some("auto")));
        let changed = s.json(&["agent", "policy", "set", "write", "ask"]);
        assert_eq!(changed["write"], "ask");
        assert_eq!(s.json(&["agent", "policy"])["write"], "ask", "it was stored");
        s.chief()
            .args(["agent", "policy", "set", "write", "sometimes"])
            .assert()
            .failure()
            .stderr(predicate::eq("chief: approval must be auto, ask or deny, not \"sometimes\"\n"));
        s.chief()
            .args(["agent", "policy", "set", "daily_token_budget", "0"])
            .assert()
            .failure()
            .stderr(predicate::str::contains("daily_token_budget must be 1 to"));

        let added = s.json(&["agent", "personas", "add", "legal", "--prompt", "Contracts.",
            "--keyword", "NDA", "--tool", "create_draft", "--kind", "client"]);
        assert_eq!(added[0]["knowledge_scope"]["kinds"][0], "client");
        let all = s.json(&["agent", "personas", "list"]);
        assert_eq!(all[0]["name"], "legal");
        assert_eq!(all.as_array().unwrap().len(), 6, "five built in and one added");
        s.chief()
            .args(["agent", "personas", "add", "legal2", "--prompt", "x", "--tool", "send_email"])
            .assert()
            .failure()
            .stderr(predicate::str::starts_with("chief: tools has \"send_email\", which is not a tool"));
        s.chief().args(["agent", "personas", "remove", "legal"]).assert().success();
        s.chief()
            .args(["agent", "personas", "remove", "legal"])
            .assert()
            .failure()
            .stderr(predicate::str::contains("no persona legal"));
    }
}

#[test]
fn agent_check_is_quiet_the_second_time() {
    let s = Store::sqlite();
    s.init();
    s.json(&["add", "Renew the domain"]);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let fake = rt.block_on(FakeModel::start(Flavor::Anthropic));
    fake.script([Reply::Answer(Turn::text("Nothing needs doing."))]);
    let check = || {
        s.with_fake_model(&fake.base_url())
            .args(["agent", "check"])
            .output()
            .expect("chief runs")
    };
    let first = check();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let said = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(
        said.contains("completed (100 tokens in, 20 out): Nothing needs doing."),
        "{said}"
    );
    let second = check();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("the model was not asked"));
    assert_eq!(fake.received().len(), 1);
    drop(rt);
}
