//! The built-in agent end to end on SQLite and PostgreSQL, with the model
//! faked by a local server speaking the real Anthropic / OpenAI wire
//! formats: it drafts under a must-consult playbook, blocks with a
//! question, captures knowledge routed to a person, survives a 429 and a
//! dropped stream without writing twice, stops a model that never stops,
//! and undo puts back exactly what the run changed.

mod support;

use chief_ai::agent::{self, Agent, AgentOptions, Outcome, RunReport, RunStatus};
use chief_ai::{Caller, Registry};
use chief_domain::task::Task;
use chief_llm::testing::{FakeModel, Flavor, Reply, Turn};
use chief_store::{Db, person, task};
use chief_testkit as common;
use common::{add_person, add_playbook, both_backends, playbook};
use serde_json::{Value, json};
use support::*;

/// The run stopped early with a note saying `why`, and its task is queued.
async fn assert_requeued(c: &Caller, report: &RunReport, status: RunStatus, why: &str) {
    assert_eq!(report.status, status);
    let note = report.note.as_deref().unwrap_or_default();
    assert!(note.contains(why), "{note}");
    let t = task::get(&c.db, c.scope.tenant, report.task_id)
        .await
        .expect("the task reads");
    assert_eq!(t.status.as_str(), "queued", "the task is back in the queue");
}

/// Everything about a task but when it last changed.
fn state(t: &Task) -> Value {
    let mut all = serde_json::to_value(t).expect("a task serializes");
    all.as_object_mut().expect("an object").remove("updated_at");
    all
}

both_backends! {
    async fn drafts_an_email_under_a_must_consult_playbook_and_undo_restores_it(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let guide = chief_domain::playbook::NewPlaybook {
            must_consult: true,
            triggers: vec!["email".into()],
            content: "Keep emails under five sentences; sign as Sam.".into(),
            ..playbook("email-drafting-guide")
        };
        add_playbook(&db, &c.scope, guide).await?;
        let t = agent_task(&c, "Draft follow-up email to Patrick", "About the pilot").await;
        let before = state(&t);
        let fake = FakeModel::start(Flavor::Anthropic).await;
        fake.script([
            call("t0", "update_task", json!({"task_id": t.id, "priority": 1,
                "tags": ["patrick"], "due_date": "2026-12-01T17:00:00Z"})),
            call("t1", "create_draft", json!({"type": "email", "recipient": "Patrick",
                "subject": "Pilot", "body": "Hi Patrick, shall we start Monday? Sam", "task_id": t.id})),
            call("t2", "complete_task", json!({"task_id": t.id, "output": "Drafted the email",
                "nothing_learned": true})),
        ]);
        let agent = agent_for(&fake, AgentOptions::default());
        let report = run(&agent, &c).await;

        assert_eq!(report.status, RunStatus::Completed);
        assert_eq!(report.persona, "execution", "routed by the word 'draft'");
        let first = &fake.received()[0].body;
        assert!(
            first["messages"][0]
                .to_string()
                .contains("under five sentences"),
            "the must-consult playbook is read before the model is asked"
        );
        let tools: Vec<&str> = first["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(tools.contains(&"create_draft") && !tools.contains(&"get_next_task"));
        assert_eq!(
            steps(&c, report.run_id).await,
            [
                "decision:routing:done",
                "tool_call:get_next_task:applied",
                "tool_call:get_playbook:applied",
                "tool_call:start_task:applied",
                "model_call::done",
                "tool_call:update_task:applied",
                "model_call::done",
                "tool_call:create_draft:applied",
                "model_call::done",
                "tool_call:complete_task:applied",
            ]
        );
        assert_eq!(count(&c, "drafts").await, 1);
        let done = task::get(&db, c.scope.tenant, t.id).await?;
        assert_eq!(done.status.as_str(), "completed");
        assert_eq!(done.priority, chief_domain::Priority::try_from(1)?);
        assert_eq!(
            report.input_tokens, 300,
            "three model calls of 100 input tokens"
        );

        let undone = agent::undo(&db, &c.scope, report.run_id).await?;
        assert_eq!(undone.removed.len(), 1, "the draft");
        assert_eq!(count(&c, "drafts").await, 0);
        let after = task::get(&db, c.scope.tenant, t.id).await?;
        assert_eq!(
            state(&after),
            before,
            "the task is as it was before the run"
        );
        assert!(
            agent::undo(&db, &c.scope, report.run_id).await.is_err(),
            "only once"
        );
        Ok(())
    }
}

both_backends! {
    async fn blocks_with_a_question_when_the_task_is_ambiguous(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let t = agent_task(&c, "Sort out the thing for Dana", "").await;
        let before = state(&t);
        let fake = FakeModel::start(Flavor::OpenAi).await;
        fake.script([call(
            "c1",
            "block_task",
            json!({"task_id": t.id,
        "question_text": "Which thing for Dana: the contract or the offsite?",
        "why_asking": "The task names no deliverable",
        "what_agent_will_do": "Draft it once I know", "priority": 2}),
        )]);
        let report = run(&agent_for(&fake, AgentOptions::default()), &c).await;
        assert_eq!(report.status, RunStatus::Blocked);
        assert_eq!(report.persona, "general");
        let blocked = task::get(&db, c.scope.tenant, t.id).await?;
        assert_eq!(blocked.status.as_str(), "blocked");
        assert!(blocked.blocking_question_id.is_some());
        assert_eq!(count(&c, "questions").await, 1);

        agent::undo(&db, &c.scope, report.run_id).await?;
        assert_eq!(count(&c, "questions").await, 0);
        assert_eq!(state(&task::get(&db, c.scope.tenant, t.id).await?), before);
        Ok(())
    }
}

both_backends! {
    async fn captures_knowledge_routed_to_a_person(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let patrick = add_person(&db, &c.scope, common::person("Patrick Fields")).await?;
        let t = agent_task(&c, "Prepare notes on Patrick", "").await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        fake.script([
            call(
                "k1",
                "capture_knowledge",
                json!({"content": "Patrick prefers brief, direct emails",
                "target_type": "person", "target_id": patrick.id, "source_task_id": t.id}),
            ),
            call(
                "k2",
                "complete_task",
                json!({"task_id": t.id, "learnings_captured": true}),
            ),
        ]);
        let report = run(&agent_for(&fake, AgentOptions::default()), &c).await;
        assert_eq!(report.status, RunStatus::Completed);
        let p = person::get(&db, c.scope.tenant, patrick.id).await?;
        let notes = format!("{:?} {:?}", p.communication_notes, p.context_notes);
        assert!(notes.contains("brief, direct emails"), "{notes}");
        assert_eq!(count(&c, "knowledge").await, 1);

        agent::undo(&db, &c.scope, report.run_id).await?;
        let p = person::get(&db, c.scope.tenant, patrick.id).await?;
        assert_eq!(
            (p.communication_notes, p.context_notes),
            (patrick.communication_notes, patrick.context_notes)
        );
        assert_eq!(count(&c, "knowledge").await, 0);
        Ok(())
    }
}

both_backends! {
    async fn survives_a_429_and_a_dropped_stream_without_writing_twice(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let t = agent_task(&c, "Draft a thank-you email to Dana", "").await;
        let draft = json!({"type": "email", "recipient": "Dana", "body": "Thank you, Dana.", "task_id": t.id});
        let fake = FakeModel::start(Flavor::Anthropic).await;
        fake.script([
            Reply::rate_limited("1"),
            Reply::CutOff {
                turn: Turn::tool_call("d1", "create_draft", draft.clone()),
                after: 4,
                drop_connection: true,
            },
            call("d1", "create_draft", draft),
            completes("d2", &t),
        ]);
        let report = run(&agent_for(&fake, AgentOptions::default()), &c).await;
        assert_eq!(report.status, RunStatus::Completed);
        assert_eq!(fake.unused(), 0);
        assert_eq!(count(&c, "drafts").await, 1, "the draft is written once");
        let s = steps(&c, report.run_id).await;
        assert_eq!(
            s.iter().filter(|s| *s == "model_call::failed").count(),
            1,
            "{s:?}"
        );
        Ok(())
    }
}

both_backends! {
    async fn a_model_that_never_stops_hits_the_step_limit(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        agent_task(&c, "Research competitors", "").await;
        let fake = FakeModel::start(Flavor::OpenAi).await;
        fake.script([
            call("x1", "send_email", json!({"to": "everyone"})),
            call(
                "x2",
                "create_draft",
                Value::String("{\"type\": \"email\", \"body".into()),
            ),
            call("x3", "search", json!({"query": "competitors"})),
        ]);
        let options = AgentOptions {
            max_turns: 3,
            ..AgentOptions::default()
        };
        let report = run(&agent_for(&fake, options), &c).await;
        assert_requeued(&c, &report, RunStatus::Requeued, "3 model turns").await;
        assert_eq!(count(&c, "drafts").await, 0);
        let received = fake.received();
        let second = received[1].body["messages"].to_string();
        assert!(second.contains("no tool \\\"send_email\\\""), "{second}");
        let third = received[2].body["messages"].to_string();
        assert!(third.contains("must be a JSON object"), "{third}");
        Ok(())
    }
}

both_backends! {
    async fn a_wrong_key_fails_the_run_and_requeues_the_task(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        agent_task(&c, "Draft the board update", "").await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        let provider = chief_llm::Provider::new(
            Flavor::Anthropic,
            fake.endpoint("sk-wrong"),
            "claude-sonnet-4-5",
            chief_llm::ClientOptions::default(),
        )?;
        let agent = Agent {
            registry: Registry::work_loop(),
            provider,
            options: AgentOptions::default(),
        };
        let report = run(&agent, &c).await;
        assert_requeued(&c, &report, RunStatus::Failed, "ANTHROPIC_API_KEY").await;
        Ok(())
    }
}

both_backends! {
    async fn an_empty_queue_is_idle_without_calling_the_model(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        let agent = agent_for(&fake, AgentOptions::default());
        assert_eq!(agent.run_once(&c).await?, Outcome::Idle);
        assert!(fake.received().is_empty());
        Ok(())
    }
}

both_backends! {
    async fn the_token_budget_is_a_hard_stop(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        agent_task(&c, "Plan the quarter", "").await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        fake.script([
            call("b1", "search", json!({"query": "quarter"})),
            call("b2", "search", json!({"query": "quarter again"})),
        ]);
        let options = AgentOptions {
            token_budget: 100,
            ..AgentOptions::default()
        };
        let report = run(&agent_for(&fake, options), &c).await;
        assert_requeued(&c, &report, RunStatus::Requeued, "budget of 100").await;
        assert_eq!(fake.unused(), 1, "no model call after the budget is spent");
        Ok(())
    }
}

both_backends! {
    async fn an_unreachable_model_fails_the_run_and_requeues_the_task(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        agent_task(&c, "Draft the board update", "").await;
        // A port nothing listens on: every attempt is refused.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let endpoint = chief_llm::Endpoint {
            base_url: format!("http://{closed}"),
            api_key: Some(chief_llm::ApiKey::new(chief_llm::testing::FAKE_KEY)),
        };
        let (backoff, waits) = chief_llm::testing::recording_backoff();
        let provider = chief_llm::Provider::new(
            Flavor::Anthropic,
            endpoint,
            "claude-sonnet-4-5",
            chief_llm::ClientOptions::default(),
        )?
        .with_backoff(backoff);
        let agent = Agent {
            registry: Registry::work_loop(),
            provider,
            options: AgentOptions::default(),
        };
        let report = run(&agent, &c).await;
        assert_requeued(&c, &report, RunStatus::Failed, "cannot reach").await;
        assert!(
            !waits.lock().unwrap().is_empty(),
            "it was retried with backoff first"
        );
        Ok(())
    }
}

both_backends! {
    async fn an_empty_queue_first_creates_due_recurring_tasks(db: Db) -> anyhow::Result<()> {
        let mut c = caller(&db).await;
        c.scope.now = Some(common::noon());
        let weekly = chief_domain::recurring::NewRecurringTask {
            title: "Weekly report".into(),
            description: None,
            task_template: json!({"title": "Weekly report", "assignee": "agent"}),
            frequency: chief_domain::recurring::Frequency::Daily,
            cron_expression: None,
            next_run: common::noon() - chrono::Duration::hours(1),
        };
        let user = c.scope.actor.user_id.expect("a user");
        let r = common::in_tx(&db, &c.scope, async |tx| {
            chief_store::recurring::create(tx, user, weekly).await
        })
        .await?;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        fake.script([Reply::fail(
            400,
            "invalid_request_error",
            "scripted refusal",
        )]);
        let report = run(&agent_for(&fake, AgentOptions::default()), &c).await;
        let made = task::get(&db, c.scope.tenant, report.task_id).await?;
        assert_eq!(
            made.title, "Weekly report",
            "the due recurring task was created and taken"
        );
        assert_eq!(
            report.status,
            RunStatus::Failed,
            "the scripted model refused"
        );
        assert_eq!(
            made.status.as_str(),
            "queued",
            "and the task went back to the queue"
        );
        let after = chief_store::recurring::get(&db, c.scope.tenant, r.id).await?;
        assert!(after.next_run > common::noon(), "the next run is scheduled");
        Ok(())
    }
}
