//! A task's lifecycle through the store: the transitions seed 003 allows,
//! blocking on a question and being released by its answer, the transitions
//! it refuses, and soft deletion.

use chief_domain::question::QuestionStatus;
use chief_domain::task::{TaskOp, TaskStatus};
use chief_store::task_query::{self, TaskFilter};
use chief_store::{Db, Page, StoreError, audit, question, task};
use chief_testkit as common;
use common::{assert_not_found, both_backends, in_tx, noon, scope_at, transition_error, workspace};

both_backends! {
    async fn a_task_moves_from_queued_through_working_to_completed(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let created = common::add_task(&db, &s, common::task("Write the quarterly report")).await?;
        assert_eq!(created.status, TaskStatus::Queued);
        assert_eq!(created.started_at, None);

        let working = in_tx(&db, &s, async |tx| {
            task::transition(tx, created.id, TaskOp::Start, None).await
        })
        .await?;
        assert_eq!(working.status, TaskStatus::Working);
        assert_eq!(working.started_at, Some(noon()));

        let done = in_tx(&db, &s, async |tx| {
            task::transition(
                tx,
                created.id,
                TaskOp::Complete,
                Some("Sent to the board".into()),
            )
            .await
        })
        .await?;
        assert_eq!(done.status, TaskStatus::Completed);
        assert_eq!(done.completed_at, Some(noon()));

        let stored = task::get(&db, tenant, created.id).await?;
        assert_eq!(stored, done, "what transition returns is what was stored");
        assert_eq!(stored.output.as_deref(), Some("Sent to the board"));
        Ok(())
    }
}

both_backends! {
    async fn answering_the_blocking_question_requeues_the_task_and_returns_it(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let t = common::add_task(&db, &s, common::task("Book the venue")).await?;
        in_tx(&db, &s, async |tx| {
            task::transition(tx, t.id, TaskOp::Start, None).await
        })
        .await?;

        let (blocked, q) = in_tx(&db, &s, async |tx| {
            task::block(tx, t.id, common::question("Which date suits you?")).await
        })
        .await?;
        assert_eq!(blocked.status, TaskStatus::Blocked);
        assert_eq!(blocked.blocking_question_id, Some(q.id));
        assert_eq!(
            task::get(&db, tenant, t.id).await?.blocking_question_id,
            Some(q.id)
        );
        assert_eq!(q.status, QuestionStatus::Unanswered);

        let (answered, unblocked) = in_tx(&db, &s, async |tx| {
            question::answer(tx, q.id, "The 14th").await
        })
        .await?;
        assert_eq!(answered.status, QuestionStatus::Answered);
        assert_eq!(answered.answer.as_deref(), Some("The 14th"));
        assert_eq!(
            unblocked.len(),
            1,
            "the one blocked task is returned: {unblocked:?}"
        );
        assert_eq!(unblocked[0].id, t.id);
        assert_eq!(unblocked[0].status, TaskStatus::Queued);
        assert_eq!(unblocked[0].blocking_question_id, None);

        let stored = task::get(&db, tenant, t.id).await?;
        assert_eq!(stored.status, TaskStatus::Queued);
        assert_eq!(stored.blocking_question_id, None);
        Ok(())
    }
}

// The store cannot block a task on an existing question (`task::block`
// always asks a new one), so the shared question is linked to both tasks
// through `question::create`, and each task is blocked by its own question.
both_backends! {
    async fn answering_a_question_unblocks_every_task_it_blocks(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let flights = common::add_task(&db, &s, common::task("Book flights")).await?;
        let hotel = common::add_task(&db, &s, common::task("Book the hotel")).await?;
        let unrelated = common::add_task(&db, &s, common::task("Renew passport")).await?;

        let shared = in_tx(&db, &s, async |tx| {
            question::create(
                tx,
                user,
                common::question("Which week do we travel?"),
                &[flights.id, hotel.id],
            )
            .await
        })
        .await?;
        for id in [flights.id, hotel.id, unrelated.id] {
            in_tx(&db, &s, async |tx| {
                task::block(tx, id, common::question("Anything else?")).await
            })
            .await?;
        }

        let (_, unblocked) = in_tx(&db, &s, async |tx| {
            question::answer(tx, shared.id, "The first week of July").await
        })
        .await?;
        let mut ids: Vec<_> = unblocked.iter().map(|t| t.id).collect();
        ids.sort();
        let mut expected = vec![flights.id, hotel.id];
        expected.sort();
        assert_eq!(
            ids, expected,
            "both linked tasks, and only they, are returned"
        );
        for id in [flights.id, hotel.id] {
            let t = task::get(&db, tenant, id).await?;
            assert_eq!(t.status, TaskStatus::Queued, "{}", t.title);
            assert_eq!(t.blocking_question_id, None, "{}", t.title);
        }
        assert_eq!(
            task::get(&db, tenant, unrelated.id).await?.status,
            TaskStatus::Blocked
        );
        Ok(())
    }
}

both_backends! {
    async fn dismissing_a_question_also_unblocks_its_task(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let t = common::add_task(&db, &s, common::task("Order the catering")).await?;
        let (_, q) = in_tx(&db, &s, async |tx| {
            task::block(tx, t.id, common::question("Vegetarian options?")).await
        })
        .await?;

        let (dismissed, unblocked) =
            in_tx(&db, &s, async |tx| question::dismiss(tx, q.id, None).await).await?;
        assert_eq!(dismissed.status, QuestionStatus::Dismissed);
        assert_eq!(
            unblocked.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![t.id]
        );
        assert_eq!(
            task::get(&db, tenant, t.id).await?.status,
            TaskStatus::Queued
        );
        Ok(())
    }
}

both_backends! {
    async fn dismissing_with_a_reason_returns_what_was_stored_and_audits_the_reason(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let t = common::add_task(&db, &s, common::task("Order the catering")).await?;
        let (_, q) = in_tx(&db, &s, async |tx| {
            task::block(tx, t.id, common::question("Vegetarian options?")).await
        })
        .await?;

        let (returned, _) = in_tx(&db, &s, async |tx| {
            question::dismiss(tx, q.id, Some("the event was cancelled")).await
        })
        .await?;
        assert_eq!(
            returned,
            question::get(&db, tenant, q.id).await?,
            "dismiss returns the question as stored"
        );
        let history = audit::list(&db, tenant, Some(q.id), 10).await?;
        assert!(
            history
                .iter()
                .any(|l| l.details.to_string().contains("the event was cancelled")),
            "the reason is in the audit log: {history:#?}"
        );
        Ok(())
    }
}

both_backends! {
    async fn a_question_cannot_be_answered_twice(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let t = common::add_task(&db, &s, common::task("Pick a supplier")).await?;
        let (_, q) = in_tx(&db, &s, async |tx| {
            task::block(tx, t.id, common::question("Which one?")).await
        })
        .await?;
        in_tx(&db, &s, async |tx| {
            question::answer(tx, q.id, "The cheaper one").await
        })
        .await?;

        let err = transition_error(
            in_tx(&db, &s, async |tx| {
                question::answer(tx, q.id, "The other one").await
            })
            .await,
        );
        assert_eq!(err.from, "answered");
        assert_eq!(
            question::get(&db, tenant, q.id).await?.answer.as_deref(),
            Some("The cheaper one")
        );
        Ok(())
    }
}

both_backends! {
    async fn completing_a_blocked_task_fails_with_an_error_naming_blocked(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let t = common::add_task(&db, &s, common::task("Sign the lease")).await?;
        in_tx(&db, &s, async |tx| {
            task::block(tx, t.id, common::question("Is the rent final?")).await
        })
        .await?;
        let before = task::get(&db, tenant, t.id).await?;

        let err = transition_error(
            in_tx(&db, &s, async |tx| {
                task::transition(tx, t.id, TaskOp::Complete, None).await
            })
            .await,
        );
        assert_eq!(err.from, "blocked");
        assert_eq!(err.operation, "complete");
        assert!(err.to_string().contains("blocked"), "{err}");

        assert_eq!(
            task::get(&db, tenant, t.id).await?,
            before,
            "the refused transition changed nothing"
        );
        Ok(())
    }
}

both_backends! {
    async fn blocking_a_completed_task_fails_and_asks_no_question(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let t = common::add_task(&db, &s, common::task("File the expenses")).await?;
        in_tx(&db, &s, async |tx| {
            task::transition(tx, t.id, TaskOp::Complete, None).await
        })
        .await?;

        let err = transition_error(
            in_tx(&db, &s, async |tx| {
                task::block(tx, t.id, common::question("Receipts?")).await
            })
            .await,
        );
        assert_eq!(err.from, "completed");
        assert_eq!(err.operation, "block");

        assert_eq!(
            task::get(&db, tenant, t.id).await?.status,
            TaskStatus::Completed
        );
        assert_eq!(
            question::list(&db, tenant, None, Page::default())
                .await?
                .total,
            0
        );
        Ok(())
    }
}

both_backends! {
    async fn blocking_goes_through_block_not_transition(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let t = common::add_task(&db, &s, common::task("Call the plumber")).await?;

        let result = in_tx(&db, &s, async |tx| {
            task::transition(tx, t.id, TaskOp::Block, None).await
        })
        .await;
        assert!(matches!(result, Err(StoreError::Domain(_))), "{result:?}");
        assert_eq!(
            task::get(&db, tenant, t.id).await?.status,
            TaskStatus::Queued
        );
        Ok(())
    }
}

both_backends! {
    async fn cancelled_is_final(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let t = common::add_task(&db, &s, common::task("Plan the offsite")).await?;
        let cancelled = in_tx(&db, &s, async |tx| {
            task::transition(tx, t.id, TaskOp::Cancel, None).await
        })
        .await?;
        assert_eq!(cancelled.status, TaskStatus::Cancelled);
        assert_eq!(cancelled.completed_at, Some(noon()));

        for op in TaskOp::ALL.into_iter().filter(|op| *op != TaskOp::Block) {
            let err = transition_error(
                in_tx(&db, &s, async |tx| {
                    task::transition(tx, t.id, op, None).await
                })
                .await,
            );
            assert_eq!(err.from, "cancelled", "{op:?}");
        }
        let err = transition_error(
            in_tx(&db, &s, async |tx| {
                task::block(tx, t.id, common::question("Why?")).await
            })
            .await,
        );
        assert_eq!(err.from, "cancelled");

        assert_eq!(task::get(&db, tenant, t.id).await?, cancelled);
        Ok(())
    }
}

both_backends! {
    async fn a_soft_deleted_task_is_hidden_from_get_and_list_but_kept_in_the_audit_log(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "acme").await;
        let s = scope_at(tenant, user, noon());
        let kept = common::add_task(&db, &s, common::my_task("Water the plants")).await?;
        let gone = common::add_task(&db, &s, common::my_task("Throw out the old printer")).await?;

        in_tx(&db, &s, async |tx| task::delete(tx, gone.id).await).await?;

        assert_not_found(task::get(&db, tenant, gone.id).await);
        let listed = task_query::list(&db, tenant, &TaskFilter::default(), Page::default()).await?;
        assert_eq!(
            listed.items.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![kept.id]
        );
        assert_eq!(listed.total, 1);
        let queue = task_query::next_for_user(&db, tenant, user, noon(), 10).await?;
        assert!(queue.iter().all(|r| r.task.id != gone.id), "{queue:?}");
        assert_not_found(
            in_tx(&db, &s, async |tx| {
                task::transition(tx, gone.id, TaskOp::Start, None).await
            })
            .await,
        );
        assert_not_found(in_tx(&db, &s, async |tx| task::delete(tx, gone.id).await).await);

        let history = audit::list(&db, tenant, Some(gone.id), 10).await?;
        let actions: Vec<_> = history.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(actions, ["task.deleted", "task.created"]);
        Ok(())
    }
}
