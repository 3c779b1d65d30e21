//! Recurring tasks: which templates are due, recording a run, deactivating,
//! the audit row each change writes, and isolation between workspaces.

use chief_domain::TenantId;
use chief_domain::recurring::{Frequency, NewRecurringTask, RecurringTask};
use chief_store::{Db, Scope, StoreError, audit, recurring};
use chief_testkit as common;
use chrono::Duration;
use common::{assert_not_found, both_backends, in_tx, noon, scope, transition_error, workspace};
use uuid::Uuid;

/// A daily template first due at `next_run`.
fn daily(title: &str, next_run: chrono::DateTime<chrono::Utc>) -> NewRecurringTask {
    NewRecurringTask {
        title: title.into(),
        description: None,
        task_template: serde_json::json!({"title": title}),
        frequency: Frequency::Daily,
        cron_expression: None,
        next_run,
    }
}

async fn add(db: &Db, s: &Scope, new: NewRecurringTask) -> Result<RecurringTask, StoreError> {
    let user = s
        .actor
        .user_id
        .expect("recurring tasks are added by a user");
    in_tx(db, s, async |tx| recurring::create(tx, user, new).await).await
}

async fn actions_of(db: &Db, tenant: TenantId, id: Uuid) -> Vec<String> {
    let mut log = audit::list(db, tenant, Some(id), 100)
        .await
        .expect("the audit log lists");
    log.reverse();
    log.into_iter().map(|l| l.action).collect()
}

both_backends! {
    async fn only_active_templates_whose_next_run_has_come_are_due(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let overdue = add(&db, &s, daily("Standup notes", noon() - Duration::hours(3))).await?;
        let exactly_now = add(&db, &s, daily("Inbox zero", noon())).await?;
        let later = add(&db, &s, daily("Review week", noon() + Duration::minutes(1))).await?;
        let stopped = add(&db, &s, daily("Old report", noon() - Duration::days(1))).await?;
        in_tx(&db, &s, async |tx| {
            recurring::deactivate(tx, stopped.id).await
        })
        .await?;

        let due = recurring::due(&db, tenant, noon()).await?;
        assert_eq!(due, [overdue, exactly_now]);
        assert_eq!(recurring::list(&db, tenant).await?.len(), 4);
        assert!(
            !recurring::get(&db, tenant, stopped.id).await?.active,
            "deactivated"
        );
        assert_eq!(recurring::get(&db, tenant, later.id).await?, later);
        Ok(())
    }
}

both_backends! {
    async fn recording_a_run_schedules_the_next_and_is_audited(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let t = add(&db, &s, daily("Standup notes", noon())).await?;
        let next = noon() + Duration::days(1);
        let ran = in_tx(&db, &s, async |tx| {
            recurring::set_next_run(tx, t.id, noon(), next).await
        })
        .await?;
        assert_eq!((ran.last_run, ran.next_run), (Some(noon()), next));
        assert!(recurring::due(&db, tenant, noon()).await?.is_empty());
        assert_eq!(recurring::due(&db, tenant, next).await?, [ran]);

        // A next run that is not after the run is refused.
        assert!(
            in_tx(&db, &s, async |tx| {
                recurring::set_next_run(tx, t.id, next, next).await
            })
            .await
            .is_err()
        );
        in_tx(&db, &s, async |tx| recurring::deactivate(tx, t.id).await).await?;
        let err = transition_error(
            in_tx(&db, &s, async |tx| {
                recurring::set_next_run(tx, t.id, next, next + Duration::days(1)).await
            })
            .await,
        );
        assert_eq!((err.from, err.operation), ("inactive", "run"));

        assert_eq!(
            actions_of(&db, tenant, t.id).await,
            ["recurring.created", "recurring.ran", "recurring.updated"]
        );
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn a_custom_frequency_needs_a_cron_expression(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let custom = NewRecurringTask {
            frequency: Frequency::Custom,
            ..daily("Payroll", noon())
        };
        assert!(add(&db, &s, custom.clone()).await.is_err());
        let with_cron = NewRecurringTask {
            cron_expression: Some("0 9 1 * *".into()),
            ..custom
        };
        let created = add(&db, &s, with_cron).await?;
        assert_eq!(created.cron_expression.as_deref(), Some("0 9 1 * *"));
        assert_eq!(
            created.task_template,
            serde_json::json!({"title": "Payroll"})
        );
        Ok(())
    }
}

both_backends! {
    async fn recurring_tasks_of_another_tenant_cannot_be_read_run_or_stopped(db: Db) -> anyhow::Result<()> {
        let (a_tenant, a_user) = workspace(&db, "a").await;
        let (b_tenant, b_user) = workspace(&db, "b").await;
        let a = scope(a_tenant, a_user);
        let b = scope(b_tenant, b_user);
        let b_task = add(&db, &b, daily("B's routine", noon())).await?;

        assert_not_found(recurring::get(&db, a_tenant, b_task.id).await);
        assert_not_found(
            in_tx(&db, &a, async |tx| {
                recurring::set_next_run(tx, b_task.id, noon(), noon() + Duration::days(1)).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a, async |tx| {
                recurring::deactivate(tx, b_task.id).await
            })
            .await,
        );
        assert!(recurring::list(&db, a_tenant).await?.is_empty());
        assert!(recurring::due(&db, a_tenant, noon()).await?.is_empty());

        assert_eq!(
            recurring::get(&db, b_tenant, b_task.id).await?,
            b_task,
            "B's recurring task is unchanged"
        );
        Ok(())
    }
}
