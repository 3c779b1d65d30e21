//! Personas and quiet checks end to end on SQLite and PostgreSQL, with a
//! fake model: a workspace's persona is routed to by its keywords, sees
//! only the knowledge in its scope and only its tools; with no keyword the
//! model classifies (strictly parsed, confidence journaled) after an
//! explicitly skipped embedding step; a proactive check makes no model call
//! when nothing changed, and calls again after a change.

mod support;

use chief_ai::Registry;
use chief_ai::agent::check::Checked;
use chief_ai::agent::persona::KnowledgeScope;
use chief_ai::agent::persona_store::{self, NewPersona};
use chief_ai::agent::{AgentOptions, RunStatus};
use chief_llm::testing::{FakeModel, Flavor, Reply, Turn};
use chief_store::agent::journal_reads;
use chief_store::{Db, StoreError};
use chief_testkit as common;
use common::both_backends;
use serde_json::json;
use support::*;

fn legal() -> NewPersona {
    NewPersona {
        name: "legal".into(),
        prompt: "You are the Legal persona: contracts and their risks.".into(),
        keywords: vec!["Contract".into(), "NDA".into()],
        tools: vec!["create_draft".into()],
        knowledge_scope: KnowledgeScope {
            kinds: vec!["client".into()],
            topics: vec![],
        },
    }
}

both_backends! {
    async fn a_workspace_persona_is_routed_by_keyword_and_sees_only_its_scope(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let registry = Registry::work_loop();
        persona_store::add(&db, &c.scope, &registry, &legal()).await?;
        let acme = common::add_client(&db, &c.scope, common::client("Acme Corp")).await?;
        let patrick = common::add_person(&db, &c.scope, common::person("Patrick Fields")).await?;
        for (target_type, id, content) in [
            (
                "client",
                acme.id,
                "Acme's contract renewals need legal sign-off",
            ),
            (
                "person",
                patrick.id,
                "Patrick likes the contract summaries short",
            ),
        ] {
            registry
                .call(
                    &c,
                    "capture_knowledge",
                    json!({"content": content,
                    "target_type": target_type, "target_id": id}),
                )
                .await?;
        }
        let t = agent_task(
            &c,
            "Review the Acme contract",
            "Patrick Fields sent the Acme Corp contract",
        )
        .await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        fake.script([completes("l1", &t)]);
        let report = run(&agent_for(&fake, AgentOptions::default()), &c).await;
        assert_eq!(report.status, RunStatus::Completed);
        assert_eq!(report.persona, "legal");
        let body = &fake.received()[0].body;
        let system = body["system"].to_string();
        assert!(system.contains("Legal persona"), "{system}");
        let first = body["messages"][0]["content"][0]["text"].as_str().unwrap();
        assert!(
            first.contains(r#""content":"Acme's contract renewals need legal sign-off""#),
            "client knowledge is in scope: {first}"
        );
        assert!(
            !first.contains(r#""content":"Patrick likes"#),
            "knowledge about a person is not: {first}"
        );
        assert!(first.contains(r#""knowledge_out_of_scope":1"#));
        let tools: Vec<&str> = body["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(
            tools.contains(&"create_draft") && !tools.contains(&"update_person"),
            "{tools:?}"
        );
        let trail = decision(&c, report.run_id, "routing").await;
        assert_eq!(trail[0]["keyword"], "contract", "{trail}");
        Ok(())
    }
}

both_backends! {
    async fn with_no_keyword_the_model_classifies_after_a_skipped_embedding_step(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let t = agent_task(&c, "Think about Q3 hiring", "").await;
        let fake = FakeModel::start(Flavor::OpenAi).await;
        fake.script(classified(
            r#"{"persona": "strategy", "confidence": 72}"#,
            "s1",
            &t,
        ));
        let options = AgentOptions {
            route_by_model: true,
            ..AgentOptions::default()
        };
        let report = run(&agent_for(&fake, options), &c).await;
        assert_eq!(report.persona, "strategy");
        assert_eq!(report.status, RunStatus::Completed);
        assert_eq!(report.input_tokens, 200, "the classification call counts");
        let classify = fake.received()[0].body.to_string();
        assert!(classify.contains("stakeholder") && classify.contains("Think about Q3 hiring"));
        let trail = decision(&c, report.run_id, "routing").await;
        let steps: Vec<&str> = trail
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["step"].as_str())
            .collect();
        assert_eq!(steps, ["keywords", "embedding", "llm"]);
        assert_eq!(trail[1]["result"], "skipped");
        assert_eq!(trail[2]["confidence"], 72);
        let routing = journal_reads::routing_of(&c.db, c.scope.tenant, report.run_id).await?;
        assert_eq!(routing, ("llm:strategy".into(), 72));

        // An answer that is not exactly the asked shape falls to General.
        let t2 = agent_task(&c, "Think about Q4", "").await;
        fake.script(classified("I think strategy fits best.", "s2", &t2));
        let options = AgentOptions {
            route_by_model: true,
            ..AgentOptions::default()
        };
        let general = run(&agent_for(&fake, options), &c).await;
        assert_eq!(general.persona, "general");
        let trail = decision(&c, general.run_id, "routing").await;
        assert_eq!(trail[2]["result"], "unparseable");
        Ok(())
    }
}

both_backends! {
    async fn persona_validation_names_the_field(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let registry = Registry::work_loop();
        let cases = [
            (
                NewPersona {
                    name: "Bad Name".into(),
                    ..legal()
                },
                "name",
            ),
            (
                NewPersona {
                    name: "execution".into(),
                    ..legal()
                },
                "built-in",
            ),
            (
                NewPersona {
                    prompt: " ".into(),
                    ..legal()
                },
                "prompt",
            ),
            (
                NewPersona {
                    tools: vec!["send_email".into()],
                    ..legal()
                },
                "tools",
            ),
            (
                NewPersona {
                    knowledge_scope: KnowledgeScope {
                        kinds: vec!["planet".into()],
                        topics: vec![],
                    },
                    ..legal()
                },
                "knowledge_scope.kinds",
            ),
        ];
        for (bad, field) in cases {
            let err = persona_store::add(&db, &c.scope, &registry, &bad)
                .await
                .unwrap_err();
            assert!(err.to_string().contains(field), "{field}: {err}");
        }
        persona_store::add(&db, &c.scope, &registry, &legal()).await?;
        let again = persona_store::add(&db, &c.scope, &registry, &legal()).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))));
        assert_eq!(persona_store::list(&db, c.scope.tenant).await?.len(), 1);
        persona_store::remove(&db, &c.scope, "legal").await?;
        assert!(matches!(
            persona_store::remove(&db, &c.scope, "legal").await,
            Err(StoreError::NotFound { .. })
        ));
        Ok(())
    }
}

both_backends! {
    async fn a_second_check_with_nothing_changed_makes_no_model_call(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        common::add_task(&db, &c.scope, common::my_task("Send the invoice")).await?;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        fake.script([
            Reply::Answer(Turn::text("Nothing needs doing.")),
            Reply::Answer(Turn::text("Still nothing.")),
        ]);
        let agent = agent_for(&fake, AgentOptions::default());
        let first = agent.check(&c).await?;
        assert!(
            matches!(
                first,
                Checked::Reviewed {
                    status: RunStatus::Completed,
                    ..
                }
            ),
            "{first:?}"
        );
        assert_eq!(fake.received().len(), 1);
        assert!(
            fake.received()[0].body["messages"][0]
                .to_string()
                .contains("Send the invoice")
        );

        let second = agent.check(&c).await?;
        assert!(matches!(second, Checked::Quiet { .. }), "{second:?}");
        assert_eq!(
            fake.received().len(),
            1,
            "no model call when nothing changed"
        );

        common::add_task(&db, &c.scope, common::my_task("Call the bank")).await?;
        let third = agent.check(&c).await?;
        assert!(matches!(third, Checked::Reviewed { .. }), "{third:?}");
        assert_eq!(fake.received().len(), 2, "a change makes it look again");
        Ok(())
    }
}
