//! Embedding routing with the real all-MiniLM-L6-v2 model: the embedder's
//! vectors, its accuracy on labelled tasks that no keyword routes, and
//! agent runs on SQLite and PostgreSQL that journal `embedding:<persona>`
//! — or, with a broken model folder, a failed step and the model's
//! classification instead.
//!
//! The model folder is `CHIEF_TEST_EMBEDDING_MODEL` (scripts/test fetches it
//! with scripts/embedding-model). Without it these tests are skipped with a
//! note, unless `CI` is set or `CHIEF_TEST_REQUIRE_EMBEDDINGS=1`.

mod support;

use chief_ai::Registry;
use chief_ai::agent::persona::{self, KnowledgeScope};
use chief_ai::agent::persona_store::{self, NewPersona};
use chief_ai::agent::routing::{self, Embedder, EmbeddingModel};
use chief_ai::agent::{AgentOptions, RunStatus};
use chief_llm::testing::{FakeModel, Flavor};
use chief_store::Db;
use chief_store::agent::journal_reads;
use chief_testkit as common;
use common::both_backends;
use std::sync::Arc;
use std::time::Instant;
use support::*;

const MODEL_VAR: &str = "CHIEF_TEST_EMBEDDING_MODEL";
const REQUIRE_VAR: &str = "CHIEF_TEST_REQUIRE_EMBEDDINGS";

/// The test model, loaded once for the whole test binary, or `None` (with
/// a note) when it is not configured and not required.
fn embedder() -> Option<Arc<Embedder>> {
    let Some(dir) = std::env::var_os(MODEL_VAR) else {
        let required =
            std::env::var_os("CI").is_some() || std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1");
        assert!(
            !required,
            "{MODEL_VAR} is not set but CI or {REQUIRE_VAR}=1: run scripts/embedding-model and point {MODEL_VAR} at the folder it prints"
        );
        eprintln!(
            "skipped: set {MODEL_VAR} to an all-MiniLM-L6-v2 folder (scripts/embedding-model)"
        );
        return None;
    };
    match Embedder::shared(std::path::Path::new(&dir)) {
        Ok(e) => Some(e),
        Err(e) => panic!("{MODEL_VAR} does not load: {e}"),
    }
}

/// Tasks no keyword routes, each with the persona that should take it. The
/// first half guided the built-in personas' `about` texts; the second half
/// was written afterwards and never tuned on.
const LABELLED: &[(&str, &str)] = &[
    (
        "Write to the landlord that the rent will be paid on Friday",
        "execution",
    ),
    ("Pay the electricity invoice before it is due", "execution"),
    (
        "Update the shared spreadsheet with last week's sales numbers",
        "execution",
    ),
    (
        "Order new toner cartridges for the office printer",
        "execution",
    ),
    (
        "Put the quarterly review meeting in everyone's calendar",
        "execution",
    ),
    (
        "Fill in the insurance claim form and submit it",
        "execution",
    ),
    (
        "Renew the company domain name before it expires",
        "execution",
    ),
    ("Answer Maria's message about the late invoice", "execution"),
    (
        "Should we hire a second engineer this year or outsource the work?",
        "strategy",
    ),
    ("Weigh whether to raise our prices next quarter", "strategy"),
    ("Set the team's goals for the next six months", "strategy"),
    (
        "Which of the three markets should we enter first?",
        "strategy",
    ),
    (
        "Work out the budget trade-offs between marketing and product",
        "strategy",
    ),
    (
        "Write a recommendation on moving to a four-day week",
        "strategy",
    ),
    (
        "Rank the feature requests by their impact on revenue",
        "strategy",
    ),
    (
        "Think through the long-term direction of the consulting business",
        "strategy",
    ),
    (
        "What are the tax rules for hiring a contractor in Germany?",
        "discovery",
    ),
    (
        "Compare three CRM vendors on price and features",
        "discovery",
    ),
    (
        "Gather figures on how many customers churned last year",
        "discovery",
    ),
    ("Read up on the new EU data privacy regulation", "discovery"),
    (
        "Which accounting software do similar small firms use?",
        "discovery",
    ),
    (
        "Summarise what is known about the competitor's new product",
        "discovery",
    ),
    (
        "Dig up the market size for electric bikes in Spain",
        "discovery",
    ),
    (
        "How does the new payroll law affect freelancers?",
        "discovery",
    ),
    ("Congratulate Priya on her promotion", "stakeholder"),
    (
        "Patch things up with the client after the missed deadline",
        "stakeholder",
    ),
    (
        "Keep in touch with our former colleagues at Globex",
        "stakeholder",
    ),
    (
        "Note that Tom prefers phone calls in the morning",
        "stakeholder",
    ),
    (
        "Make sure the new partner feels welcome in the first weeks",
        "stakeholder",
    ),
    (
        "Remember Anna's birthday next week and do something nice for her",
        "stakeholder",
    ),
    (
        "Smooth over the tension between the sales lead and the designer",
        "stakeholder",
    ),
    (
        "Ask how the board member's recovery from surgery is going",
        "stakeholder",
    ),
    (
        "Transfer the deposit for the venue to the caterer's account",
        "execution",
    ),
    (
        "Change the shipping address on the open purchase order",
        "execution",
    ),
    (
        "Upload the signed receipts to the expense system",
        "execution",
    ),
    ("Cancel the unused software subscription", "execution"),
    (
        "Print and post the tax forms to the accountant",
        "execution",
    ),
    (
        "Move Thursday's call with the designers to next week",
        "execution",
    ),
    ("Tell the team the office is closed on Monday", "execution"),
    ("Add the new hire to the payroll system", "execution"),
    (
        "Figure out whether opening a second office is worth it",
        "strategy",
    ),
    (
        "Choose between leasing and buying the delivery vans",
        "strategy",
    ),
    (
        "Set priorities for the engineering team next quarter",
        "strategy",
    ),
    (
        "What should our pricing look like for enterprise customers?",
        "strategy",
    ),
    (
        "Weigh the risks of expanding into Asia next year",
        "strategy",
    ),
    (
        "Sketch a three-year growth path for the company",
        "strategy",
    ),
    (
        "Should we drop the least profitable product line?",
        "strategy",
    ),
    (
        "Propose how to split next year's budget across departments",
        "strategy",
    ),
    (
        "What does the new accessibility law require of our website?",
        "discovery",
    ),
    (
        "Collect benchmark data on salaries for designers in Berlin",
        "discovery",
    ),
    (
        "Which payment processors charge the lowest fees for small shops?",
        "discovery",
    ),
    (
        "Gather what customers have said about the mobile app in reviews",
        "discovery",
    ),
    (
        "How do other agencies price retainer contracts?",
        "discovery",
    ),
    (
        "Understand how the VAT reverse charge works for EU clients",
        "discovery",
    ),
    (
        "Get background on the company we are meeting next week",
        "discovery",
    ),
    (
        "Compile statistics on website traffic sources for the last year",
        "discovery",
    ),
    (
        "Let Jana know we are thinking of her while she is in hospital",
        "stakeholder",
    ),
    (
        "Welcome the new account manager and help her settle in",
        "stakeholder",
    ),
    (
        "Mend the friendship with the supplier after the billing dispute",
        "stakeholder",
    ),
    (
        "Celebrate the team lead's ten years with the company",
        "stakeholder",
    ),
    (
        "Keep the investors warm between board meetings",
        "stakeholder",
    ),
    (
        "Remember that Omar prefers short messages and no calls",
        "stakeholder",
    ),
    (
        "Make peace between the two founders after the argument",
        "stakeholder",
    ),
    (
        "Show appreciation to the volunteers who ran the event",
        "stakeholder",
    ),
];

/// The share of labelled tasks whose closest persona is the right one
/// (measured: 52 of 64).
const ACCURACY_FLOOR: f64 = 0.75;
/// The share of the tasks embedding routing decides (close enough and
/// clearly ahead) that go to the right persona; the rest are left to the
/// model (measured: 37 of 41 decided, 64% of the tasks).
const PRECISION_FLOOR: f64 = 0.85;

#[test]
fn embeddings_are_unit_length_and_a_paraphrase_is_closer_than_an_unrelated_sentence() {
    let Some(embedder) = embedder() else { return };
    let texts = [
        "Pay the electricity bill before Friday",
        "Settle the power invoice by the end of the week",
        "The cat sleeps on the warm windowsill",
    ];
    let vectors = embedder.embed(&texts).expect("the texts embed");
    assert_eq!(vectors.len(), 3);
    for v in &vectors {
        assert_eq!(v.len(), 384, "all-MiniLM-L6-v2 gives 384 dimensions");
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length, not {norm}");
    }
    let paraphrase = routing::cosine(&vectors[0], &vectors[1]);
    let unrelated = routing::cosine(&vectors[0], &vectors[2]);
    println!("paraphrase {paraphrase:.3}, unrelated {unrelated:.3}");
    assert!(
        paraphrase > unrelated + 0.2,
        "paraphrase {paraphrase} vs unrelated {unrelated}"
    );

    // A text embeds the same alone as in a batch with longer ones: padding
    // is masked out of the mean.
    let alone = embedder.embed(&texts[..1]).expect("the text embeds");
    assert!(routing::cosine(&alone[0], &vectors[0]) > 0.9999);

    // Past the model's length the text is cut, not refused.
    let long = "word ".repeat(2000);
    assert_eq!(
        embedder.embed(&[&long]).expect("a long text embeds")[0].len(),
        384
    );

    let start = Instant::now();
    let rounds = 10;
    for (i, (text, _)) in LABELLED.iter().take(rounds).enumerate() {
        let v = embedder.embed(&[text]).expect("the text embeds");
        assert_eq!(v[0].len(), 384, "{i}");
    }
    println!(
        "embedding one short text takes {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0 / rounds as f64
    );
}

#[test]
fn labelled_tasks_are_routed_by_embedding_to_the_right_persona() {
    let Some(embedder) = embedder() else { return };
    let all = persona::built_in();
    let (mut closest_right, mut decided, mut decided_right) = (0, 0, 0);
    for (text, expected) in LABELLED {
        let lower = text.to_lowercase();
        assert!(
            all.iter().all(|p| p.keyword_in(&lower).is_none()),
            "{text:?} contains a routing keyword"
        );
        let ranked = routing::similarities(&all, text, &embedder).expect("the task embeds");
        let choice = routing::embedding_choice(&ranked);
        let scores: Vec<String> = ranked
            .iter()
            .map(|(p, s)| format!("{} {s:.3}", p.name))
            .collect();
        let verdict = match choice {
            Some((p, _)) if p.name == *expected => "right",
            Some(_) => "WRONG",
            None => "left to the model",
        };
        println!(
            "{verdict:>17}  {expected:<11} {text}  [{}]",
            scores.join(", ")
        );
        closest_right += usize::from(ranked[0].0.name == *expected);
        decided += usize::from(choice.is_some());
        decided_right += usize::from(choice.is_some_and(|(p, _)| p.name == *expected));
    }
    let n = LABELLED.len();
    let accuracy = closest_right as f64 / n as f64;
    let precision = decided_right as f64 / decided.max(1) as f64;
    println!(
        "embedding routing on {n} labelled tasks: the closest persona is right for {closest_right} ({:.0}%); \
         {decided} are decided ({:.0}%), {decided_right} of them rightly ({:.0}%); the rest go to the model",
        accuracy * 100.0,
        decided as f64 * 100.0 / n as f64,
        precision * 100.0
    );
    assert!(
        accuracy >= ACCURACY_FLOOR,
        "accuracy {accuracy:.2} is below {ACCURACY_FLOOR}"
    );
    assert!(
        precision >= PRECISION_FLOOR,
        "precision {precision:.2} is below {PRECISION_FLOOR}"
    );
    assert!(
        decided * 2 >= n,
        "embedding decides at least half the tasks"
    );
    assert!(
        embedder.remembered_count() >= 20,
        "the personas' profiles are remembered"
    );
}

fn legal() -> NewPersona {
    NewPersona {
        name: "legal".into(),
        prompt: "You are the Legal persona: contracts, agreements and their risks.\n\nBe precise."
            .into(),
        keywords: vec!["nda".into(), "contract review".into()],
        tools: vec![],
        knowledge_scope: KnowledgeScope::default(),
    }
}

both_backends! {
    async fn a_task_with_no_keyword_is_routed_by_embedding_without_asking_the_model(db: Db) -> anyhow::Result<()> {
        let Some(embedder) = embedder() else {
            return Ok(());
        };
        let c = caller(&db).await;
        let registry = Registry::work_loop();
        persona_store::add(&db, &c.scope, &registry, &legal()).await?;
        let t = agent_task(
            &c,
            "Compare three CRM vendors",
            "Price, features and what small firms say about them",
        )
        .await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        fake.script([completes("d1", &t)]);
        let options = AgentOptions {
            route_by_model: true,
            embedding: EmbeddingModel::Loaded(embedder.clone()),
            ..AgentOptions::default()
        };
        let agent = agent_for(&fake, options);
        let report = run(&agent, &c).await;
        assert_eq!(report.status, RunStatus::Completed);
        assert_eq!(report.persona, "discovery");
        assert_eq!(
            fake.received().len(),
            1,
            "embedding decided: the model was not asked to classify"
        );
        let trail = decision(&c, report.run_id, "routing").await;
        let step = &trail[1];
        assert_eq!(step["step"], "embedding", "{trail}");
        assert_eq!(step["result"], "discovery", "{trail}");
        let scores = step["scores"].as_array().expect("the top scores");
        assert_eq!(scores[0]["persona"], "discovery", "{trail}");
        let top = scores[0]["similarity"].as_f64().unwrap();
        assert!(top > scores[1]["similarity"].as_f64().unwrap(), "{trail}");
        let confidence = step["confidence"].as_i64().unwrap();
        assert_eq!(confidence, (top * 100.0).round() as i64, "{trail}");
        assert_eq!(trail[2]["decision"], "embedding:discovery", "{trail}");
        let routing = journal_reads::routing_of(&c.db, c.scope.tenant, report.run_id).await?;
        assert_eq!(routing, ("embedding:discovery".into(), confidence));

        // The workspace's own persona is a candidate too, by its profile.
        let t2 = agent_task(
            &c,
            "Review the liability clause in the supplier agreement",
            "",
        )
        .await;
        fake.script([completes("l1", &t2)]);
        let legal = run(&agent, &c).await;
        assert_eq!(legal.persona, "legal");
        let trail = decision(&c, legal.run_id, "routing").await;
        assert_eq!(trail[2]["decision"], "embedding:legal", "{trail}");
        Ok(())
    }
}

both_backends! {
    async fn a_broken_model_folder_is_recorded_as_failed_and_the_model_classifies(db: Db) -> anyhow::Result<()> {
        let c = caller(&db).await;
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("config.json"), "{}")?;
        std::fs::write(dir.path().join("tokenizer.json"), "{}")?;
        let embedding = EmbeddingModel::load(Some(dir.path()));
        assert!(
            matches!(&embedding, EmbeddingModel::Broken(e) if e.contains("model.safetensors")),
            "{embedding:?}"
        );
        let t = agent_task(&c, "Compare three CRM vendors", "").await;
        let fake = FakeModel::start(Flavor::OpenAi).await;
        fake.script(classified(
            r#"{"persona": "discovery", "confidence": 64}"#,
            "b1",
            &t,
        ));
        let options = AgentOptions {
            route_by_model: true,
            embedding,
            ..AgentOptions::default()
        };
        let report = run(&agent_for(&fake, options), &c).await;
        assert_eq!(report.status, RunStatus::Completed);
        assert_eq!(report.persona, "discovery");
        let trail = decision(&c, report.run_id, "routing").await;
        assert_eq!(trail[1]["step"], "embedding", "{trail}");
        assert_eq!(trail[1]["result"], "failed", "{trail}");
        assert!(
            trail[1]["error"]
                .as_str()
                .unwrap()
                .contains("model.safetensors"),
            "{trail}"
        );
        assert_eq!(trail[3]["decision"], "llm:discovery", "{trail}");
        Ok(())
    }
}
