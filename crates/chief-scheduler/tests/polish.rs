//! The optional model polish of delivered briefings, against a local fake
//! Anthropic server speaking the real wire format: with a model, the
//! morning briefing gains the model's summary above the composed details;
//! when the model fails, it is delivered exactly as composed.

use chief_ai::briefing_polish::ModelPolish;
use chief_domain::TenantId;
use chief_domain::task::NewTask;
use chief_llm::ProviderKind;
use chief_llm::testing::{FakeModel, Reply, Turn};
use chief_scheduler::Scheduler;
use chief_store::delivery::{self, DeliveryFilter};
use chief_store::{Db, Page};
use chief_testkit as common;
use chrono::{DateTime, Utc};
use common::{both_backends, my_task, scope_at, workspace};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a test instant")
}

async fn morning_markdown(db: &Db, tenant: TenantId) -> Vec<String> {
    let filter = DeliveryFilter {
        topic: Some("briefing.morning".into()),
        channel_id: Some(None),
        ..DeliveryFilter::default()
    };
    let page = Page {
        limit: 10,
        offset: 0,
    };
    delivery::list(db, tenant, &filter, page)
        .await
        .expect("deliveries list")
        .items
        .into_iter()
        .map(|d| d.payload.markdown)
        .collect()
}

async fn one_task_due_today(db: &Db) -> (TenantId, uuid::Uuid) {
    let (tenant, user) = workspace(db, "polish").await;
    common::add_task(
        db,
        &scope_at(tenant, user, at("2026-11-23T12:00:00Z")),
        NewTask {
            due_date: Some(at("2026-11-24T17:00:00Z")),
            ..my_task("Send the board deck")
        },
    )
    .await
    .expect("a task");
    (tenant, user)
}

both_backends! {
    async fn with_a_model_the_briefing_gains_its_summary_above_the_composed_details(db: Db) -> anyhow::Result<()> {
        let (tenant, _) = one_task_due_today(&db).await;
        let model = FakeModel::start(ProviderKind::Anthropic).await;
        model.script([Reply::Answer(Turn::text(
            "Good morning! Send the board deck first: it is due today.",
        ))]);
        let (provider, _) = model.provider("claude-sonnet-4-5");
        let s = Scheduler::new(db.clone(), "one")
            .with_polish(std::sync::Arc::new(ModelPolish::with(provider)));
        s.provision(at("2026-11-23T12:00:00Z")).await?;
        s.tick(at("2026-11-24T08:00:00Z")).await?;
        let sent = morning_markdown(&db, tenant).await;
        assert_eq!(sent.len(), 1);
        assert!(
            sent[0].starts_with("Good morning! Send the board deck first: it is due today.\n\n_Summary by claude-sonnet-4-5"),
            "{}",
            sent[0]
        );
        assert!(
            sent[0].contains("Send the board deck"),
            "the composed details stay"
        );
        let asked = model.received();
        assert_eq!(asked.len(), 1);
        let prompt = asked[0].body["messages"][0]["content"].to_string();
        assert!(
            prompt.contains("Send the board deck"),
            "the model sees the composed briefing: {prompt}"
        );
        assert!(
            asked[0].body["system"]
                .to_string()
                .contains("never invent tasks")
        );
        Ok(())
    }
}

both_backends! {
    async fn when_the_model_fails_the_briefing_is_delivered_as_composed(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = one_task_due_today(&db).await;
        let model = FakeModel::start(ProviderKind::Anthropic).await;
        model.script((0..8).map(|_| Reply::overloaded()));
        let (provider, _) = model.provider("claude-sonnet-4-5");
        let polished = Scheduler::new(db.clone(), "one")
            .with_polish(std::sync::Arc::new(ModelPolish::with(provider)));
        polished.provision(at("2026-11-23T12:00:00Z")).await?;
        polished.tick(at("2026-11-24T08:00:00Z")).await?;
        let sent = morning_markdown(&db, tenant).await;
        assert_eq!(sent.len(), 1);
        let composed = chief_app::briefing::compose(
            &db,
            tenant,
            user,
            chief_domain::briefing::BriefingKind::Morning,
            at("2026-11-24T08:00:00Z"),
        )
        .await?;
        assert_eq!(sent[0], composed.markdown, "exactly as composed");
        assert!(
            model.received().len() > 1,
            "the model was retried before giving up"
        );
        Ok(())
    }
}
