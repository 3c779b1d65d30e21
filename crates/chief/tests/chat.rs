//! `chief chat` end to end, on SQLite and PostgreSQL, with the model faked
//! by a local Anthropic-speaking server: one message streams its answer
//! and the tools it used, a conversation continues and can be listed and
//! read back, lines typed on stdin make a conversation, and a missing
//! model or a bad conversation id is one line and a non-zero exit.

mod support;

use chief_llm::testing::{FakeModel, Flavor, Reply, Turn};
use chief_testkit::both_backends;
use predicates::prelude::*;
use serde_json::json;
use support::Store;

both_backends! {
    fn chat_answers_continues_and_keeps_the_conversation(s: &Store) {
        s.init();
        s.json(&["add", "Send the Acme renewal quote"]);
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        let fake = rt.block_on(FakeModel::start(Flavor::Anthropic));
        fake.script([
            Reply::Answer(Turn::tool_call("c1", "search", json!({"q": "Acme"}))),
            Reply::Answer(Turn::text("One Acme task: Send the Acme renewal quote.")),
            Reply::Answer(Turn::text("It is not due yet.")),
        ]);
        let out = s.with_fake_model(&fake.base_url())
            .args(["chat", "What", "is", "open", "for", "Acme?"])
            .output()
            .expect("chief runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(printed.contains("· search {\"q\":\"Acme\"}"), "{printed}");
        assert!(printed.contains("One Acme task: Send the Acme renewal quote."), "{printed}");

        let list = s.json(&["chat", "--list"]);
        assert_eq!(list.as_array().expect("a list").len(), 1);
        assert_eq!(list[0]["title"], "What is open for Acme?");
        let id = list[0]["id"].as_str().expect("an id").to_string();
        s.with_fake_model(&fake.base_url())
            .args(["chat", "-c", &id, "When", "is", "it", "due?"])
            .assert()
            .success()
            .stdout(predicate::str::contains("It is not due yet."));
        let sent = &fake.received()[2].body["messages"];
        assert_eq!(sent.as_array().expect("messages").len(), 5, "the whole conversation went back: {sent}");
        s.chief()
            .args(["chat", "--show", &id])
            .assert()
            .success()
            .stdout(predicate::str::contains("you> What is open for Acme?")
                .and(predicate::str::contains("chief> It is not due yet.")));
        drop(rt);
    }

    fn lines_on_stdin_make_a_conversation_and_new_starts_another(s: &Store) {
        s.init();
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        let fake = rt.block_on(FakeModel::start(Flavor::Anthropic));
        fake.script([
            Reply::Answer(Turn::text("Hello.")),
            Reply::Answer(Turn::text("Still here.")),
            Reply::Answer(Turn::text("A fresh start.")),
        ]);
        s.with_fake_model(&fake.base_url())
            .arg("chat")
            .write_stdin("Hi\nAre you there?\n/new\nStart over\n")
            .assert()
            .success()
            .stdout(predicate::str::contains("Still here.").and(predicate::str::contains("A fresh start.")));
        let list = s.json(&["chat", "--list"]);
        let titles: Vec<&str> = list.as_array().expect("a list").iter().map(|c| c["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["Start over", "Hi"]);
        drop(rt);
    }
}

#[test]
fn chat_without_a_model_or_with_a_bad_conversation_says_so_in_one_line() {
    let s = Store::sqlite();
    s.init();
    s.without_model()
        .args(["chat", "hello"])
        .assert()
        .failure()
        .stderr(predicate::eq(
            "chief: no model is configured: set CHIEF_MODEL and ANTHROPIC_API_KEY or OPENAI_API_KEY\n",
        ));
    s.chief()
        .args(["chat", "--show", "not-an-id"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("is not a conversation id")
                .and(predicate::str::ends_with("\n")),
        )
        .stderr(predicate::str::contains('\n').count(1));
    s.chief()
        .args(["chat", "--show", "01936f8e-0000-7000-8000-000000000000"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("conversation").and(
            predicate::str::contains("not found").or(predicate::str::contains("no conversation")),
        ));
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let fake = rt.block_on(FakeModel::start(Flavor::Anthropic));
    s.with_fake_model(&fake.base_url())
        .args([
            "chat",
            "-c",
            "01936f8e-0000-7000-8000-000000000000",
            "hello",
        ])
        .assert()
        .failure();
    assert!(fake.received().is_empty(), "nothing reached the model");
}
