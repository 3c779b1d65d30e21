//! Tenant isolation, repository by repository: workspace A holds the ids of
//! workspace B's rows and tries to read, change, link to and delete them.
//! Every attempt answers `NotFound` (or an empty result for lists and
//! searches), and B's rows are exactly as they were.

use chief_domain::TenantId;
use chief_domain::project::NewProject;
use chief_domain::question::QuestionStatus;
use chief_domain::task::{Assignee, NewTask, TaskOp, TaskPatch, TaskStatus};
use chief_domain::tenant::Role;
use chief_domain::waiting::{NewWaitingItem, WaitingStatus};
use chief_store::search::search;
use chief_store::short_id::{self, Kind};
use chief_store::task_query::{self, TaskFilter};
use chief_store::tenancy::{self, NewUser};
use chief_store::{Db, Page, Scope, audit, events, person, project, question, task, waiting};
use chief_testkit as common;
use common::{assert_not_found, both_backends, in_tx, scope, workspace};
use uuid::Uuid;

/// One side of the test: a workspace, its owner, and a scope to write as them.
struct Side {
    tenant: TenantId,
    user: Uuid,
    scope: Scope,
}

async fn side(db: &Db, slug: &str) -> Side {
    let (tenant, user) = workspace(db, slug).await;
    Side {
        tenant,
        user,
        scope: scope(tenant, user),
    }
}

/// The last `n` hex digits of an id, as tables show them.
fn tail(id: Uuid, n: usize) -> String {
    let simple = id.simple().to_string();
    simple[simple.len() - n..].to_string()
}

both_backends! {
    async fn tasks_of_another_tenant_cannot_be_read_changed_or_deleted(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        let b_project = common::add_project(
            &db,
            &b.scope,
            NewProject {
                name: "Harbour".into(),
                ..Default::default()
            },
        )
        .await?;
        let b_task = common::add_task(
            &db,
            &b.scope,
            NewTask {
                project_id: Some(b_project.id),
                ..common::task("B's secret plan")
            },
        )
        .await?;
        let a_task = common::add_task(&db, &a.scope, common::task("A's own task")).await?;

        assert_not_found(task::get(&db, a.tenant, b_task.id).await);
        assert_not_found(short_id::resolve(&db, a.tenant, Kind::Task, &tail(b_task.id, 12)).await);
        let rename = TaskPatch {
            title: Some("Taken over".into()),
            ..Default::default()
        };
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                task::update(tx, b_task.id, rename).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                task::transition(tx, b_task.id, TaskOp::Start, None).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                task::transition(tx, b_task.id, TaskOp::Cancel, None).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                task::block(tx, b_task.id, common::question("Whose is this?")).await
            })
            .await,
        );
        assert_not_found(in_tx(&db, &a.scope, async |tx| task::delete(tx, b_task.id).await).await);

        // Nor can A point its own rows at B's project.
        let into_b = NewTask {
            project_id: Some(b_project.id),
            ..common::task("Sneak in")
        };
        assert_not_found(common::add_task(&db, &a.scope, into_b).await);
        let move_to_b = TaskPatch {
            project_id: Some(Some(b_project.id)),
            ..Default::default()
        };
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                task::update(tx, a_task.id, move_to_b).await
            })
            .await,
        );

        assert_eq!(
            task::get(&db, b.tenant, b_task.id).await?,
            b_task,
            "B's task is unchanged"
        );
        assert_eq!(task::get(&db, a.tenant, a_task.id).await?.project_id, None);
        Ok(())
    }
}

both_backends! {
    async fn questions_of_another_tenant_cannot_be_read_answered_or_linked(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        let b_task = common::add_task(&db, &b.scope, common::task("Choose the caterer")).await?;
        let (_, b_question) = in_tx(&db, &b.scope, async |tx| {
            task::block(tx, b_task.id, common::question("Fish or meat?")).await
        })
        .await?;
        let a_task = common::add_task(&db, &a.scope, common::task("A's own task")).await?;

        assert_not_found(question::get(&db, a.tenant, b_question.id).await);
        assert_not_found(
            short_id::resolve(&db, a.tenant, Kind::Question, &tail(b_question.id, 12)).await,
        );
        assert_eq!(
            question::list(&db, a.tenant, None, Page::default())
                .await?
                .total,
            0
        );
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                question::answer(tx, b_question.id, "Fish").await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                question::dismiss(tx, b_question.id, Some("not ours")).await
            })
            .await,
        );
        // A question of A cannot claim to unblock B's task, even alongside A's.
        let claim = common::question("Shall I finish B's work?");
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                question::create(tx, a.user, claim, &[a_task.id, b_task.id]).await
            })
            .await,
        );
        assert_eq!(
            question::list(&db, a.tenant, None, Page::default())
                .await?
                .total,
            0,
            "the refused question was not kept"
        );

        assert_eq!(
            question::get(&db, b.tenant, b_question.id).await?,
            b_question,
            "B's question is unchanged"
        );
        let b_task_now = task::get(&db, b.tenant, b_task.id).await?;
        assert_eq!(b_task_now.status, TaskStatus::Blocked);
        assert_eq!(b_task_now.blocking_question_id, Some(b_question.id));
        assert_eq!(b_question.status, QuestionStatus::Unanswered);
        Ok(())
    }
}

both_backends! {
    async fn projects_of_another_tenant_cannot_be_read_or_used_as_a_parent(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        let b_project = common::add_project(
            &db,
            &b.scope,
            NewProject {
                name: "Harbour".into(),
                ..Default::default()
            },
        )
        .await?;

        assert_not_found(project::get(&db, a.tenant, b_project.id).await);
        assert_not_found(
            short_id::resolve(&db, a.tenant, Kind::Project, &tail(b_project.id, 12)).await,
        );
        assert_eq!(project::find_by_name(&db, a.tenant, "Harbour").await?, None);
        assert!(project::list(&db, a.tenant, None, None).await?.is_empty());
        let child = NewProject {
            name: "Pier".into(),
            parent_id: Some(b_project.id),
            ..Default::default()
        };
        assert_not_found(common::add_project(&db, &a.scope, child).await);

        // The same name in A is A's own project, not B's.
        let a_harbour = in_tx(&db, &a.scope, async |tx| {
            project::find_or_create(tx, a.user, "Harbour").await
        })
        .await?;
        assert_ne!(a_harbour.id, b_project.id);
        assert_eq!(a_harbour.tenant_id, a.tenant);

        assert_eq!(
            project::get(&db, b.tenant, b_project.id).await?,
            b_project,
            "B's project is unchanged"
        );
        assert_eq!(
            project::list(&db, b.tenant, None, None).await?,
            vec![b_project]
        );
        Ok(())
    }
}

both_backends! {
    async fn people_of_another_tenant_cannot_be_read_or_linked(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        let b_person = common::add_person(&db, &b.scope, common::person("Grace Hopper")).await?;

        assert_not_found(person::get(&db, a.tenant, b_person.id).await);
        assert_not_found(
            short_id::resolve(&db, a.tenant, Kind::Person, &tail(b_person.id, 12)).await,
        );
        assert!(
            person::find_by_name(&db, a.tenant, "Grace Hopper")
                .await?
                .is_empty()
        );
        assert!(
            person::find_by_name(&db, a.tenant, "grace")
                .await?
                .is_empty()
        );
        assert!(person::list(&db, a.tenant).await?.is_empty());
        let owed = NewWaitingItem {
            what: "Her slides".into(),
            person_id: Some(b_person.id),
            ..Default::default()
        };
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                waiting::create(tx, a.user, owed).await
            })
            .await,
        );

        assert_eq!(
            person::get(&db, b.tenant, b_person.id).await?,
            b_person,
            "B's person is unchanged"
        );
        Ok(())
    }
}

both_backends! {
    async fn waiting_items_of_another_tenant_cannot_be_read_or_resolved(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        let b_task = common::add_task(&db, &b.scope, common::task("Close the sale")).await?;
        let owed = NewWaitingItem {
            what: "The signed contract".into(),
            task_id: Some(b_task.id),
            ..Default::default()
        };
        let b_item = in_tx(&db, &b.scope, async |tx| {
            waiting::create(tx, b.user, owed).await
        })
        .await?;

        assert_not_found(waiting::get(&db, a.tenant, b_item.id).await);
        assert_not_found(
            short_id::resolve(&db, a.tenant, Kind::Waiting, &tail(b_item.id, 12)).await,
        );
        assert!(waiting::list(&db, a.tenant, None).await?.is_empty());
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                waiting::resolve(tx, b_item.id, Some("done")).await
            })
            .await,
        );
        let on_b_task = NewWaitingItem {
            what: "Hijack".into(),
            task_id: Some(b_task.id),
            ..Default::default()
        };
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                waiting::create(tx, a.user, on_b_task).await
            })
            .await,
        );

        let b_item_now = waiting::get(&db, b.tenant, b_item.id).await?;
        assert_eq!(b_item_now, b_item, "B's waiting item is unchanged");
        assert_eq!(b_item_now.status, WaitingStatus::Waiting);
        Ok(())
    }
}

both_backends! {
    async fn users_and_keys_of_another_tenant_cannot_be_read_or_revoked(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        let (b_key, b_key_record) = in_tx(&db, &b.scope, async |tx| {
            tenancy::create_key(tx, b.user, "laptop").await
        })
        .await?;

        assert_not_found(tenancy::get_user(&db, a.tenant, b.user).await);
        assert_eq!(
            tenancy::list_users(&db, a.tenant)
                .await?
                .iter()
                .map(|u| u.id)
                .collect::<Vec<_>>(),
            vec![a.user]
        );
        assert!(
            tenancy::list_keys(&db, a.tenant)
                .await?
                .iter()
                .all(|k| k.tenant_id == a.tenant && k.id != b_key_record.id)
        );
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                tenancy::create_key(tx, b.user, "stolen").await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                tenancy::revoke_key(tx, &b_key_record.id.to_string()).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a.scope, async |tx| {
                tenancy::revoke_key(tx, &b_key_record.prefix).await
            })
            .await,
        );

        // Emails are unique per workspace, so A may have a user with B's email.
        let same_email = NewUser {
            email: "owner@b.example".into(),
            name: None,
            role: Role::Member,
            timezone: "UTC".into(),
        };
        let a_member = in_tx(&db, &a.scope, async |tx| {
            tenancy::add_user(tx, same_email).await
        })
        .await?;
        assert_ne!(a_member.id, b.user);

        let b_keys = tenancy::list_keys(&db, b.tenant).await?;
        let still = b_keys
            .iter()
            .find(|k| k.id == b_key_record.id)
            .expect("B's key is still listed");
        assert_eq!(still.revoked_at, None, "B's key was not revoked");
        let (user, key) = tenancy::authenticate(&db, &b_key)
            .await?
            .expect("B's key still signs in");
        assert_eq!((user.id, key.tenant_id), (b.user, b.tenant));
        assert_eq!(
            tenancy::get_user(&db, b.tenant, b.user).await?.email,
            "owner@b.example"
        );
        Ok(())
    }
}

both_backends! {
    async fn search_never_returns_another_tenants_rows(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        common::add_task(&db, &b.scope, common::task("Zanzibar shipping manifest")).await?;
        common::add_person(&db, &b.scope, common::person("Zanzibar Consul")).await?;
        common::add_project(
            &db,
            &b.scope,
            NewProject {
                name: "Zanzibar expansion".into(),
                ..Default::default()
            },
        )
        .await?;

        assert_eq!(
            search(&db, b.tenant, "zanzibar", &[], 50).await?.len(),
            3,
            "B finds its own rows"
        );
        assert_eq!(search(&db, a.tenant, "zanzibar", &[], 50).await?, vec![]);
        Ok(())
    }
}

both_backends! {
    async fn task_lists_and_queues_never_show_another_tenants_tasks(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        common::add_task(&db, &b.scope, common::my_task("B's errand")).await?;
        common::add_task(&db, &b.scope, common::task("B's agent job")).await?;

        let all = task_query::list(&db, a.tenant, &TaskFilter::default(), Page::default()).await?;
        assert_eq!((all.total, all.items.len()), (0, 0));
        let of_b_user = TaskFilter {
            user_id: Some(b.user),
            ..Default::default()
        };
        assert_eq!(
            task_query::list(&db, a.tenant, &of_b_user, Page::default())
                .await?
                .total,
            0
        );
        assert!(
            task_query::next_for_user(&db, a.tenant, b.user, common::noon(), 50)
                .await?
                .is_empty()
        );
        assert!(
            task_query::next_for_agent(&db, a.tenant, b.user, 50)
                .await?
                .is_empty()
        );

        assert_eq!(
            task_query::list(&db, b.tenant, &TaskFilter::default(), Page::default())
                .await?
                .total,
            2
        );
        assert_eq!(
            task_query::next_for_agent(&db, b.tenant, b.user, 50)
                .await?
                .len(),
            1
        );
        let b_user_tasks = TaskFilter {
            assignee: Some(Assignee::User),
            ..Default::default()
        };
        assert_eq!(
            task_query::list(&db, b.tenant, &b_user_tasks, Page::default())
                .await?
                .total,
            1
        );
        Ok(())
    }
}

both_backends! {
    async fn the_audit_log_and_events_never_show_another_tenants_changes(db: Db) -> anyhow::Result<()> {
        let a = side(&db, "a").await;
        let b = side(&db, "b").await;
        let b_task = common::add_task(&db, &b.scope, common::task("B's audited work")).await?;
        in_tx(&db, &b.scope, async |tx| {
            task::transition(tx, b_task.id, TaskOp::Start, None).await
        })
        .await?;
        let b_rows_before = common::count_rows(&db, "logs", b.tenant).await;
        common::add_task(&db, &a.scope, common::task("A's audited work")).await?;
        let _ = in_tx(&db, &a.scope, async |tx| task::delete(tx, b_task.id).await).await;

        assert!(
            audit::list(&db, a.tenant, Some(b_task.id), 100)
                .await?
                .is_empty()
        );
        let a_log = audit::list(&db, a.tenant, None, 1000).await?;
        assert!(
            a_log
                .iter()
                .all(|l| l.tenant_id == a.tenant && l.entity_id != Some(b_task.id))
        );
        let a_events = events::since(&db, a.tenant, 0, 1000).await?;
        assert!(a_events.iter().all(|e| e.entity_id != Some(b_task.id)));
        assert_eq!(a_events.len(), a_log.len());

        let a_check = audit::verify(&db, Some(a.tenant)).await?;
        assert_eq!(
            (a_check.tenants, a_check.rows, a_check.broken),
            (1, a_log.len() as u64, None)
        );
        let b_check = audit::verify(&db, Some(b.tenant)).await?;
        assert_eq!(
            (b_check.rows, b_check.broken),
            (b_rows_before as u64, None),
            "A's writes left B's chain alone"
        );
        assert_eq!(
            task::get(&db, b.tenant, b_task.id).await?.status,
            TaskStatus::Working
        );
        Ok(())
    }
}
