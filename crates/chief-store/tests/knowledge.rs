//! Knowledge: capturing learnings, the status moves routing allows (routed
//! and dismissed are final), the audit row every move writes, and isolation
//! between workspaces.

use chief_domain::knowledge::{
    Knowledge, KnowledgeCategory, KnowledgeSource, KnowledgeStatus, NewKnowledge,
};
use chief_domain::{DomainError, TenantId};
use chief_store::knowledge::{self, KnowledgeFilter};
use chief_store::{Db, Page, Scope, StoreError, audit};
use chief_testkit as common;
use common::{assert_not_found, both_backends, in_tx, scope, transition_error, workspace};
use uuid::Uuid;

/// A learning about a person, said in conversation.
fn learning(content: &str) -> NewKnowledge {
    NewKnowledge {
        content: content.into(),
        category: KnowledgeCategory::Person,
        source_type: KnowledgeSource::Conversation,
        source_task_id: None,
        trigger_phrase: None,
        learned_at: None,
    }
}

async fn capture(db: &Db, s: &Scope, new: NewKnowledge) -> Result<Knowledge, StoreError> {
    let user = s.actor.user_id.expect("learnings are captured by a user");
    in_tx(db, s, async |tx| knowledge::capture(tx, user, new).await).await
}

/// The actions logged for one entity, oldest first.
async fn actions_of(db: &Db, tenant: TenantId, id: Uuid) -> Vec<String> {
    let mut log = audit::list(db, tenant, Some(id), 100)
        .await
        .expect("the audit log lists");
    log.reverse();
    log.into_iter().map(|l| l.action).collect()
}

both_backends! {
    async fn a_captured_learning_is_held_for_review_then_routed_and_audited(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let task = common::add_task(&db, &s, common::task("Call Dana")).await?;
        let person = common::add_person(&db, &s, common::person("Dana")).await?;
        let captured = capture(
            &db,
            &s,
            NewKnowledge {
                source_task_id: Some(task.id),
                source_type: KnowledgeSource::Task,
                ..learning("  Dana prefers calls before ten.  ")
            },
        )
        .await?;
        assert_eq!(captured.status, KnowledgeStatus::Captured);
        assert_eq!(captured.content, "Dana prefers calls before ten.");
        assert_eq!(captured.source_task_id, Some(task.id));

        let held = in_tx(&db, &s, async |tx| {
            knowledge::mark_pending_review(tx, captured.id).await
        })
        .await?;
        assert_eq!(held.status, KnowledgeStatus::PendingReview);
        assert_eq!(
            knowledge::pending(&db, tenant, Page::default())
                .await?
                .items,
            [held]
        );

        let routed = in_tx(&db, &s, async |tx| {
            knowledge::mark_routed(tx, captured.id, "person", person.id).await
        })
        .await?;
        assert_eq!(routed.status, KnowledgeStatus::Routed);
        assert_eq!(routed.routed_to_type.as_deref(), Some("person"));
        assert_eq!(routed.routed_to_id, Some(person.id));
        assert!(
            knowledge::pending(&db, tenant, Page::default())
                .await?
                .items
                .is_empty()
        );

        assert_eq!(
            actions_of(&db, tenant, captured.id).await,
            [
                "knowledge.captured",
                "knowledge.status_changed",
                "knowledge.routed"
            ]
        );
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn routed_and_dismissed_learnings_cannot_move_again(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let dismissed = capture(&db, &s, learning("Not useful")).await?;
        in_tx(&db, &s, async |tx| {
            knowledge::dismiss(tx, dismissed.id, None).await
        })
        .await?;
        let logs_before = common::count_rows(&db, "logs", tenant).await;

        let err = transition_error(
            in_tx(&db, &s, async |tx| {
                knowledge::mark_routed(tx, dismissed.id, "rule", Uuid::nil()).await
            })
            .await,
        );
        assert_eq!((err.from, err.operation), ("dismissed", "route"));
        transition_error(
            in_tx(&db, &s, async |tx| {
                knowledge::mark_pending_review(tx, dismissed.id).await
            })
            .await,
        );
        transition_error(
            in_tx(&db, &s, async |tx| {
                knowledge::dismiss(tx, dismissed.id, None).await
            })
            .await,
        );
        assert_eq!(common::count_rows(&db, "logs", tenant).await, logs_before);
        assert_eq!(
            knowledge::get(&db, tenant, dismissed.id).await?.status,
            KnowledgeStatus::Dismissed
        );

        let routed = capture(&db, &s, learning("Always cc finance")).await?;
        in_tx(&db, &s, async |tx| {
            knowledge::mark_routed(tx, routed.id, "rule", Uuid::nil()).await
        })
        .await?;
        let err = transition_error(
            in_tx(&db, &s, async |tx| {
                knowledge::dismiss(tx, routed.id, None).await
            })
            .await,
        );
        assert_eq!((err.from, err.operation), ("routed", "dismiss"));
        Ok(())
    }
}

both_backends! {
    async fn empty_learnings_are_refused(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        match capture(&db, &s, learning("   ")).await {
            Err(StoreError::Domain(DomainError::Invalid {
                field: "content", ..
            })) => {}
            other => panic!("expected content to be invalid, got {other:?}"),
        }
        assert_eq!(common::count_rows(&db, "knowledge", tenant).await, 0);
        Ok(())
    }
}

both_backends! {
    async fn learnings_are_listed_by_category_status_and_source_task(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let task = common::add_task(&db, &s, common::task("Quarterly review")).await?;
        let from_task = capture(
            &db,
            &s,
            NewKnowledge {
                source_task_id: Some(task.id),
                category: KnowledgeCategory::Playbook,
                ..learning("Send the deck a day early")
            },
        )
        .await?;
        let about_person = capture(&db, &s, learning("Sam is on leave in July")).await?;
        let third = capture(&db, &s, learning("Sam likes short emails")).await?;
        in_tx(&db, &s, async |tx| {
            knowledge::dismiss(tx, third.id, None).await
        })
        .await?;

        let by_category = KnowledgeFilter {
            category: Some(KnowledgeCategory::Person),
            ..Default::default()
        };
        let people = knowledge::list(&db, tenant, &by_category, Page::default()).await?;
        assert_eq!(people.total, 2);
        let captured_people = KnowledgeFilter {
            status: Some(KnowledgeStatus::Captured),
            ..by_category
        };
        let open = knowledge::list(&db, tenant, &captured_people, Page::default()).await?;
        assert_eq!(open.total, 1);
        assert_eq!(open.items, [about_person]);
        let by_task = KnowledgeFilter {
            source_task_id: Some(task.id),
            ..Default::default()
        };
        let linked = knowledge::list(&db, tenant, &by_task, Page::default()).await?;
        assert_eq!(linked.items, [from_task]);

        let first_page =
            knowledge::list(&db, tenant, &KnowledgeFilter::default(), Page::new(2, 0)).await?;
        assert_eq!((first_page.items.len(), first_page.total), (2, 3));
        Ok(())
    }
}

both_backends! {
    async fn learnings_of_another_tenant_cannot_be_read_routed_or_linked(db: Db) -> anyhow::Result<()> {
        let (a_tenant, a_user) = workspace(&db, "a").await;
        let (b_tenant, b_user) = workspace(&db, "b").await;
        let a = scope(a_tenant, a_user);
        let b = scope(b_tenant, b_user);
        let b_task = common::add_task(&db, &b, common::task("B's task")).await?;
        let b_person = common::add_person(&db, &b, common::person("B's contact")).await?;
        let b_learning = capture(&db, &b, learning("B's secret")).await?;
        let a_learning = capture(&db, &a, learning("A's own")).await?;

        assert_not_found(knowledge::get(&db, a_tenant, b_learning.id).await);
        assert_not_found(
            in_tx(&db, &a, async |tx| {
                knowledge::mark_routed(tx, b_learning.id, "rule", Uuid::nil()).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a, async |tx| {
                knowledge::mark_pending_review(tx, b_learning.id).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a, async |tx| {
                knowledge::dismiss(tx, b_learning.id, None).await
            })
            .await,
        );
        // Nor can A link its own learnings to B's rows.
        let from_b_task = NewKnowledge {
            source_task_id: Some(b_task.id),
            ..learning("Sneak in")
        };
        assert_not_found(capture(&db, &a, from_b_task).await);
        assert_not_found(
            in_tx(&db, &a, async |tx| {
                knowledge::mark_routed(tx, a_learning.id, "person", b_person.id).await
            })
            .await,
        );
        let everything = KnowledgeFilter::default();
        let a_list = knowledge::list(&db, a_tenant, &everything, Page::default()).await?;
        assert_eq!(a_list.items, std::slice::from_ref(&a_learning));
        assert_eq!(
            knowledge::pending(&db, a_tenant, Page::default())
                .await?
                .items,
            [a_learning]
        );

        assert_eq!(
            knowledge::get(&db, b_tenant, b_learning.id).await?,
            b_learning,
            "B's learning is unchanged"
        );
        Ok(())
    }
}
