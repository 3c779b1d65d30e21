//! Sales: deals advancing stage by stage to closed_won, losing a deal,
//! validation of value and probability, the audit row each change writes,
//! and isolation between workspaces.

use chief_domain::sales::{NewSalesOpportunity, SalesOpportunity, SalesPatch, SalesStage};
use chief_domain::{DomainError, TenantId};
use chief_store::{Db, Scope, StoreError, audit, sales};
use chief_testkit as common;
use common::{assert_not_found, both_backends, in_tx, scope, transition_error, workspace};
use uuid::Uuid;

/// A new deal with only a name.
fn deal(name: &str) -> NewSalesOpportunity {
    NewSalesOpportunity {
        name: name.into(),
        ..Default::default()
    }
}

async fn add(db: &Db, s: &Scope, new: NewSalesOpportunity) -> Result<SalesOpportunity, StoreError> {
    let user = s.actor.user_id.expect("deals are added by a user");
    in_tx(db, s, async |tx| sales::create(tx, user, new).await).await
}

async fn actions_of(db: &Db, tenant: TenantId, id: Uuid) -> Vec<String> {
    let mut log = audit::list(db, tenant, Some(id), 100)
        .await
        .expect("the audit log lists");
    log.reverse();
    log.into_iter().map(|l| l.action).collect()
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(result: Result<T, StoreError>, field: &str) {
    match result {
        Err(StoreError::Domain(DomainError::Invalid { field: f, .. })) if f == field => {}
        other => panic!("expected {field} to be invalid, got {other:?}"),
    }
}

both_backends! {
    async fn a_deal_advances_stage_by_stage_to_closed_won_and_then_stops(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let lead = add(
            &db,
            &s,
            NewSalesOpportunity {
                value_cents: Some(1_250_000),
                probability: Some(20),
                ..deal("Harbour renewal")
            },
        )
        .await?;
        assert_eq!((lead.stage, lead.closed_at), (SalesStage::Lead, None));

        let mut stages = Vec::new();
        for _ in 0..4 {
            let moved = in_tx(&db, &s, async |tx| sales::advance(tx, lead.id).await).await?;
            stages.push(moved.stage);
        }
        use SalesStage::*;
        assert_eq!(stages, [Qualified, Proposal, Negotiation, ClosedWon]);
        let won = sales::get(&db, tenant, lead.id).await?;
        assert!(won.closed_at.is_some());

        let err =
            transition_error(in_tx(&db, &s, async |tx| sales::advance(tx, lead.id).await).await);
        assert_eq!((err.from, err.operation), ("closed_won", "advance"));
        transition_error(in_tx(&db, &s, async |tx| sales::lose(tx, lead.id).await).await);
        assert_eq!(sales::get(&db, tenant, lead.id).await?, won);

        let mut actions = vec!["sales.created"];
        actions.extend(["sales.stage_changed"; 4]);
        assert_eq!(actions_of(&db, tenant, lead.id).await, actions);
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn a_lost_deal_is_closed_and_cannot_advance(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let d = add(&db, &s, deal("Long shot")).await?;
        let lost = in_tx(&db, &s, async |tx| sales::lose(tx, d.id).await).await?;
        assert_eq!(lost.stage, SalesStage::ClosedLost);
        assert!(lost.closed_at.is_some());
        let err = transition_error(in_tx(&db, &s, async |tx| sales::advance(tx, d.id).await).await);
        assert_eq!(err.from, "closed_lost");
        assert_eq!(
            sales::list(&db, tenant, Some(SalesStage::ClosedLost)).await?,
            [lost]
        );
        assert!(
            sales::list(&db, tenant, Some(SalesStage::Lead))
                .await?
                .is_empty()
        );
        Ok(())
    }
}

both_backends! {
    async fn updating_a_deal_validates_and_audits_only_the_changed_fields(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        assert_invalid(
            add(
                &db,
                &s,
                NewSalesOpportunity {
                    probability: Some(101),
                    ..deal("Too sure")
                },
            )
            .await,
            "probability",
        );
        assert_invalid(
            add(
                &db,
                &s,
                NewSalesOpportunity {
                    value_cents: Some(-1),
                    ..deal("Negative")
                },
            )
            .await,
            "value_cents",
        );
        let d = add(&db, &s, deal("Harbour")).await?;
        let patch = SalesPatch {
            probability: Some(Some(60)),
            next_action: Some(Some("Send the proposal".into())),
            ..Default::default()
        };
        let updated = in_tx(&db, &s, async |tx| sales::update(tx, d.id, patch).await).await?;
        assert_eq!(updated.probability, Some(60));
        assert_eq!(updated.next_action.as_deref(), Some("Send the proposal"));
        assert_eq!(updated.stage, SalesStage::Lead);

        let bad = SalesPatch {
            probability: Some(Some(-5)),
            ..Default::default()
        };
        assert_invalid(
            in_tx(&db, &s, async |tx| sales::update(tx, d.id, bad).await).await,
            "probability",
        );
        let unchanged = in_tx(&db, &s, async |tx| {
            sales::update(tx, d.id, SalesPatch::default()).await
        })
        .await?;
        assert_eq!(unchanged, updated);

        let log = audit::list(&db, tenant, Some(d.id), 1).await?;
        assert_eq!(log[0].action, "sales.updated");
        assert_eq!(
            actions_of(&db, tenant, d.id).await,
            ["sales.created", "sales.updated"]
        );
        Ok(())
    }
}

both_backends! {
    async fn deals_of_another_tenant_cannot_be_read_changed_or_linked(db: Db) -> anyhow::Result<()> {
        let (a_tenant, a_user) = workspace(&db, "a").await;
        let (b_tenant, b_user) = workspace(&db, "b").await;
        let a = scope(a_tenant, a_user);
        let b = scope(b_tenant, b_user);
        let b_client = common::add_client(&db, &b, common::client("B Corp")).await?;
        let b_deal = add(
            &db,
            &b,
            NewSalesOpportunity {
                client_id: Some(b_client.id),
                ..deal("B's deal")
            },
        )
        .await?;

        assert_not_found(sales::get(&db, a_tenant, b_deal.id).await);
        let rename = SalesPatch {
            name: Some("Taken over".into()),
            ..Default::default()
        };
        assert_not_found(
            in_tx(&db, &a, async |tx| {
                sales::update(tx, b_deal.id, rename).await
            })
            .await,
        );
        assert_not_found(in_tx(&db, &a, async |tx| sales::advance(tx, b_deal.id).await).await);
        assert_not_found(in_tx(&db, &a, async |tx| sales::lose(tx, b_deal.id).await).await);
        let into_b = NewSalesOpportunity {
            client_id: Some(b_client.id),
            ..deal("Sneak in")
        };
        assert_not_found(add(&db, &a, into_b).await);
        assert!(sales::list(&db, a_tenant, None).await?.is_empty());

        assert_eq!(
            sales::get(&db, b_tenant, b_deal.id).await?,
            b_deal,
            "B's deal is unchanged"
        );
        Ok(())
    }
}
