//! Drafts: the review workflow (approve, reject, revise, send), the gate that
//! keeps an unapproved draft from being sent, the audit row every step
//! writes, and isolation between workspaces.

use chief_domain::DomainError;
use chief_domain::draft::{DraftPatch, DraftStatus, DraftType, NewDraft};
use chief_store::draft::{self, DraftFilter};
use chief_store::{Db, Page, StoreError, audit};
use chief_testkit as common;
use common::{assert_not_found, both_backends, in_tx, scope, transition_error, workspace};
use uuid::Uuid;

/// The actions logged for one entity, oldest first.
async fn actions_of(db: &Db, tenant: chief_domain::TenantId, id: Uuid) -> Vec<String> {
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
    async fn an_approved_draft_is_sent_and_every_step_is_audited(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let task = common::add_task(&db, &s, common::task("Answer the landlord")).await?;
        let new = NewDraft {
            task_id: Some(task.id),
            recipient: Some("landlord@example.com".into()),
            subject: Some("The lease".into()),
            ..common::draft("We accept the renewal.")
        };
        let pending = common::add_draft(&db, &s, new).await?;
        assert_eq!(pending.status, DraftStatus::Pending);
        assert_eq!(pending.task_id, Some(task.id));
        assert_eq!((pending.approved_at, pending.sent_at), (None, None));

        let approved = in_tx(&db, &s, async |tx| draft::approve(tx, pending.id).await).await?;
        assert_eq!(approved.status, DraftStatus::Approved);
        assert!(approved.approved_at.is_some());
        let sent = in_tx(&db, &s, async |tx| draft::mark_sent(tx, pending.id).await).await?;
        assert_eq!(sent.status, DraftStatus::Sent);
        assert!(sent.sent_at.is_some());
        assert_eq!(draft::get(&db, tenant, pending.id).await?, sent);

        assert_eq!(
            actions_of(&db, tenant, pending.id).await,
            [
                "draft.created",
                "draft.status_changed",
                "draft.status_changed"
            ]
        );
        let check = audit::verify(&db, Some(tenant)).await?;
        assert_eq!(check.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn a_pending_draft_cannot_be_sent_and_a_sent_one_cannot_change(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let pending = common::add_draft(&db, &s, common::draft("Hello")).await?;
        let logs_before = common::count_rows(&db, "logs", tenant).await;

        let err = transition_error(
            in_tx(&db, &s, async |tx| draft::mark_sent(tx, pending.id).await).await,
        );
        assert_eq!((err.from, err.operation), ("pending", "send"));
        assert_eq!(draft::get(&db, tenant, pending.id).await?, pending);
        assert_eq!(common::count_rows(&db, "logs", tenant).await, logs_before);

        in_tx(&db, &s, async |tx| draft::approve(tx, pending.id).await).await?;
        in_tx(&db, &s, async |tx| draft::mark_sent(tx, pending.id).await).await?;
        let again = transition_error(
            in_tx(&db, &s, async |tx| draft::mark_sent(tx, pending.id).await).await,
        );
        assert_eq!(again.from, "sent");
        transition_error(
            in_tx(&db, &s, async |tx| {
                draft::revise(tx, pending.id, "Too late", None).await
            })
            .await,
        );
        Ok(())
    }
}

both_backends! {
    async fn a_rejected_draft_is_revised_into_a_new_pending_draft(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let first = common::add_draft(
            &db,
            &s,
            NewDraft {
                recipient: Some("ceo@example.com".into()),
                subject: Some("Q3".into()),
                ..common::draft("Numbers look bad.")
            },
        )
        .await?;

        let rejected = in_tx(&db, &s, async |tx| {
            draft::reject(tx, first.id, Some("Too blunt")).await
        })
        .await?;
        assert_eq!(rejected.status, DraftStatus::Rejected);
        assert_eq!(rejected.feedback.as_deref(), Some("Too blunt"));
        transition_error(in_tx(&db, &s, async |tx| draft::approve(tx, first.id).await).await);

        let second = in_tx(&db, &s, async |tx| {
            draft::revise(
                tx,
                first.id,
                "Numbers need attention.",
                Some("Q3 review".into()),
            )
            .await
        })
        .await?;
        assert_eq!(second.status, DraftStatus::Pending);
        assert_eq!(second.revision_of, Some(first.id));
        assert_eq!(second.body, "Numbers need attention.");
        assert_eq!(second.subject.as_deref(), Some("Q3 review"));
        assert_eq!(second.recipient.as_deref(), Some("ceo@example.com"));
        let old = draft::get(&db, tenant, first.id).await?;
        assert_eq!(old.status, DraftStatus::Revised);
        assert_eq!(old.feedback.as_deref(), Some("Too blunt"));

        let err = transition_error(
            in_tx(&db, &s, async |tx| {
                draft::revise(tx, first.id, "Again", None).await
            })
            .await,
        );
        assert_eq!(err.from, "revised");

        let third = in_tx(&db, &s, async |tx| {
            draft::revise(tx, second.id, "Numbers need our attention.", None).await
        })
        .await?;
        assert_eq!(third.revision_of, Some(second.id));
        assert_eq!(third.subject.as_deref(), Some("Q3 review"));
        in_tx(&db, &s, async |tx| draft::approve(tx, third.id).await).await?;
        let sent = in_tx(&db, &s, async |tx| draft::mark_sent(tx, third.id).await).await?;
        assert_eq!(sent.status, DraftStatus::Sent);

        assert_eq!(
            actions_of(&db, tenant, first.id).await,
            [
                "draft.created",
                "draft.status_changed",
                "draft.status_changed"
            ]
        );
        assert_eq!(
            actions_of(&db, tenant, third.id).await,
            [
                "draft.created",
                "draft.status_changed",
                "draft.status_changed"
            ]
        );
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn only_a_pending_draft_can_be_edited_in_place(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let d = common::add_draft(&db, &s, common::draft("Draft one")).await?;
        let patch = DraftPatch {
            body: Some("Draft one, polished".into()),
            subject: Some(Some("Hello".into())),
            ..Default::default()
        };
        let edited = in_tx(&db, &s, async |tx| draft::update(tx, d.id, patch).await).await?;
        assert_eq!(edited.body, "Draft one, polished");
        assert_eq!(edited.subject.as_deref(), Some("Hello"));
        assert_eq!(draft::get(&db, tenant, d.id).await?, edited);
        let blank = DraftPatch {
            body: Some("   ".into()),
            ..Default::default()
        };
        assert_invalid(
            in_tx(&db, &s, async |tx| draft::update(tx, d.id, blank).await).await,
            "body",
        );

        in_tx(&db, &s, async |tx| draft::approve(tx, d.id).await).await?;
        let late = DraftPatch {
            body: Some("Sneaky change".into()),
            ..Default::default()
        };
        let err =
            transition_error(in_tx(&db, &s, async |tx| draft::update(tx, d.id, late).await).await);
        assert_eq!((err.from, err.operation), ("approved", "edit"));
        assert_eq!(
            draft::get(&db, tenant, d.id).await?.body,
            "Draft one, polished"
        );
        assert_eq!(
            actions_of(&db, tenant, d.id).await,
            ["draft.created", "draft.updated", "draft.status_changed"]
        );
        Ok(())
    }
}

both_backends! {
    async fn a_draft_needs_a_body_and_a_task_of_its_own_workspace(db: Db) -> anyhow::Result<()> {
        let (a, a_user) = workspace(&db, "a").await;
        let (b, b_user) = workspace(&db, "b").await;
        let s = scope(a, a_user);
        assert_invalid(
            common::add_draft(&db, &s, common::draft("  \n ")).await,
            "body",
        );
        let b_task = common::add_task(&db, &scope(b, b_user), common::task("B's work")).await?;
        let on_b_task = NewDraft {
            task_id: Some(b_task.id),
            ..common::draft("Hijack")
        };
        assert_not_found(common::add_draft(&db, &s, on_b_task).await);
        assert_eq!(common::count_rows(&db, "drafts", a).await, 0);
        Ok(())
    }
}

both_backends! {
    async fn drafts_are_listed_by_status_and_type_with_a_total(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let email = common::add_draft(&db, &s, common::draft("Email one")).await?;
        common::add_draft(&db, &s, common::draft("Email two")).await?;
        common::add_draft(&db, &s, NewDraft::new(DraftType::Slack, "Slack one")).await?;
        in_tx(&db, &s, async |tx| draft::approve(tx, email.id).await).await?;

        let all = draft::list(&db, tenant, &DraftFilter::default(), Page::default()).await?;
        assert_eq!((all.total, all.items.len()), (3, 3));
        let pending = DraftFilter {
            status: Some(DraftStatus::Pending),
            ..Default::default()
        };
        assert_eq!(
            draft::list(&db, tenant, &pending, Page::default())
                .await?
                .total,
            2
        );
        let pending_email = DraftFilter {
            draft_type: Some(DraftType::Email),
            ..pending.clone()
        };
        let listed = draft::list(&db, tenant, &pending_email, Page::default()).await?;
        assert_eq!(listed.total, 1);
        assert_eq!(listed.items[0].body, "Email two");
        let first_page = draft::list(&db, tenant, &pending, Page::new(1, 0)).await?;
        assert_eq!((first_page.total, first_page.items.len()), (2, 1));
        Ok(())
    }
}

both_backends! {
    async fn drafts_of_another_tenant_cannot_be_read_changed_or_sent(db: Db) -> anyhow::Result<()> {
        let (a, a_user) = workspace(&db, "a").await;
        let (b, b_user) = workspace(&db, "b").await;
        let a_scope = scope(a, a_user);
        let b_scope = scope(b, b_user);
        let b_pending = common::add_draft(&db, &b_scope, common::draft("B's pending")).await?;
        let b_approved = common::add_draft(&db, &b_scope, common::draft("B's approved")).await?;
        let b_approved = in_tx(&db, &b_scope, async |tx| {
            draft::approve(tx, b_approved.id).await
        })
        .await?;
        let b_logs = common::count_rows(&db, "logs", b).await;

        assert_not_found(draft::get(&db, a, b_pending.id).await);
        let listed = draft::list(&db, a, &DraftFilter::default(), Page::default()).await?;
        assert_eq!((listed.total, listed.items.len()), (0, 0));
        let patch = DraftPatch {
            body: Some("Taken over".into()),
            ..Default::default()
        };
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                draft::update(tx, b_pending.id, patch).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                draft::approve(tx, b_pending.id).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                draft::reject(tx, b_pending.id, Some("no")).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                draft::revise(tx, b_pending.id, "Mine now", None).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                draft::mark_sent(tx, b_approved.id).await
            })
            .await,
        );

        assert_eq!(draft::get(&db, b, b_pending.id).await?, b_pending);
        assert_eq!(draft::get(&db, b, b_approved.id).await?, b_approved);
        assert_eq!(common::count_rows(&db, "logs", b).await, b_logs);
        assert_eq!(common::count_rows(&db, "drafts", a).await, 0);
        Ok(())
    }
}
