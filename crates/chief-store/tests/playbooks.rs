//! Playbooks: created active or proposed by the agent, approved or rejected,
//! archived and restored, edited and used; every change is audited, and one
//! workspace cannot touch another's playbooks.

use chief_domain::TenantId;
use chief_domain::playbook::{NewPlaybook, PlaybookPatch, PlaybookStatus};
use chief_store::playbook::{self, PlaybookFilter};
use chief_store::{Db, audit};
use chief_testkit as common;
use common::{assert_not_found, both_backends, in_tx, scope, transition_error, workspace};
use serde_json::json;
use uuid::Uuid;

/// The actions logged for one entity, oldest first.
async fn actions_of(db: &Db, tenant: TenantId, id: Uuid) -> Vec<String> {
    let mut log = audit::list(db, tenant, Some(id), 100)
        .await
        .expect("the audit log lists");
    log.reverse();
    log.into_iter().map(|l| l.action).collect()
}

both_backends! {
    async fn a_new_playbook_is_active_and_keeps_its_json_fields(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let new = NewPlaybook {
            category: Some("sales".into()),
            triggers: vec!["renewal".into(), " renewal ".into(), "contract end".into()],
            must_consult: true,
            scripts: json!({"check": "grep -i renewal"}),
            references: json!({"crm": "https://crm.example/renewals"}),
            examples: json!(["Acme renewal 2024"]),
            ..common::playbook("Handle a renewal")
        };
        let pb = common::add_playbook(&db, &s, new).await?;
        assert_eq!(pb.status, PlaybookStatus::Active);
        assert_eq!(pb.triggers, ["renewal", "contract end"]);
        assert!(pb.must_consult);
        assert_eq!(pb.scripts, json!({"check": "grep -i renewal"}));
        assert_eq!(
            pb.references,
            json!({"crm": "https://crm.example/renewals"})
        );
        assert_eq!(pb.examples, json!(["Acme renewal 2024"]));
        assert_eq!((pb.use_count, pb.last_used), (0, None));
        assert_eq!(playbook::get(&db, tenant, pb.id).await?, pb);

        let bare = common::add_playbook(&db, &s, common::playbook("File expenses")).await?;
        assert_eq!(
            (bare.scripts, bare.references, bare.examples),
            (json!({}), json!({}), json!([]))
        );
        assert_eq!(actions_of(&db, tenant, pb.id).await, ["playbook.created"]);
        Ok(())
    }
}

both_backends! {
    async fn a_proposal_is_approved_into_an_active_playbook(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let task = common::add_task(&db, &s, common::task("Onboard Acme")).await?;
        let proposed = in_tx(&db, &s, async |tx| {
            playbook::propose(
                tx,
                user,
                common::playbook("Onboard a client"),
                Some("Onboarding Acme went well"),
                Some(task.id),
            )
            .await
        })
        .await?;
        assert_eq!(proposed.status, PlaybookStatus::Proposed);
        assert_eq!(
            proposed.learned_from.as_deref(),
            Some("Onboarding Acme went well")
        );
        assert_eq!(proposed.source_task_id, Some(task.id));

        let active = in_tx(&db, &s, async |tx| playbook::approve(tx, proposed.id).await).await?;
        assert_eq!(active.status, PlaybookStatus::Active);
        let err = transition_error(
            in_tx(&db, &s, async |tx| playbook::approve(tx, proposed.id).await).await,
        );
        assert_eq!((err.from, err.operation), ("active", "approve"));
        assert_eq!(playbook::get(&db, tenant, proposed.id).await?, active);

        assert_eq!(
            actions_of(&db, tenant, proposed.id).await,
            ["playbook.proposed", "playbook.status_changed"]
        );
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn a_rejected_proposal_stays_rejected(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let proposed = in_tx(&db, &s, async |tx| {
            playbook::propose(tx, user, common::playbook("Reply to spam"), None, None).await
        })
        .await?;
        let rejected = in_tx(&db, &s, async |tx| playbook::reject(tx, proposed.id).await).await?;
        assert_eq!(rejected.status, PlaybookStatus::Rejected);
        for err in [
            transition_error(in_tx(&db, &s, async |tx| playbook::approve(tx, proposed.id).await).await),
            transition_error(in_tx(&db, &s, async |tx| playbook::archive(tx, proposed.id).await).await),
            transition_error(in_tx(&db, &s, async |tx| playbook::restore(tx, proposed.id).await).await),
        ] {
            assert_eq!(err.from, "rejected");
        }
        assert_eq!(
            playbook::get(&db, tenant, proposed.id).await?.status,
            PlaybookStatus::Rejected
        );
        assert_eq!(
            actions_of(&db, tenant, proposed.id).await,
            ["playbook.proposed", "playbook.status_changed"]
        );
        Ok(())
    }
}

both_backends! {
    async fn an_archived_playbook_can_be_restored(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let pb = common::add_playbook(&db, &s, common::playbook("Close the month")).await?;
        transition_error(in_tx(&db, &s, async |tx| playbook::restore(tx, pb.id).await).await);
        let archived = in_tx(&db, &s, async |tx| playbook::archive(tx, pb.id).await).await?;
        assert_eq!(archived.status, PlaybookStatus::Archived);
        let restored = in_tx(&db, &s, async |tx| playbook::restore(tx, pb.id).await).await?;
        assert_eq!(restored.status, PlaybookStatus::Active);
        assert_eq!(
            actions_of(&db, tenant, pb.id).await,
            [
                "playbook.created",
                "playbook.status_changed",
                "playbook.status_changed"
            ]
        );
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn editing_and_using_a_playbook_are_audited(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let pb = common::add_playbook(&db, &s, common::playbook("Book travel")).await?;
        let patch = PlaybookPatch {
            name: Some("Book business travel".into()),
            content: Some("Use the company portal.".into()),
            triggers: Some(vec!["flight".into(), "hotel".into()]),
            must_consult: Some(true),
            category: Some(Some("travel".into())),
            ..Default::default()
        };
        let edited = in_tx(&db, &s, async |tx| playbook::update(tx, pb.id, patch).await).await?;
        assert_eq!(edited.name, "Book business travel");
        assert_eq!(edited.triggers, ["flight", "hotel"]);
        assert_eq!(edited.category.as_deref(), Some("travel"));
        assert_eq!(playbook::get(&db, tenant, pb.id).await?, edited);

        let unchanged = in_tx(&db, &s, async |tx| {
            playbook::update(tx, pb.id, PlaybookPatch::default()).await
        })
        .await?;
        assert_eq!(unchanged, edited);

        in_tx(&db, &s, async |tx| playbook::record_use(tx, pb.id).await).await?;
        let used = in_tx(&db, &s, async |tx| playbook::record_use(tx, pb.id).await).await?;
        assert_eq!(used.use_count, 2);
        assert!(used.last_used.is_some());

        assert_eq!(
            actions_of(&db, tenant, pb.id).await,
            [
                "playbook.created",
                "playbook.updated",
                "playbook.used",
                "playbook.used"
            ]
        );
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn playbooks_are_listed_by_category_must_consult_and_status(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        common::add_playbook(
            &db,
            &s,
            NewPlaybook {
                category: Some("sales".into()),
                must_consult: true,
                ..common::playbook("Price a deal")
            },
        )
        .await?;
        common::add_playbook(
            &db,
            &s,
            NewPlaybook {
                category: Some("sales".into()),
                ..common::playbook("Follow up a lead")
            },
        )
        .await?;
        in_tx(&db, &s, async |tx| {
            playbook::propose(tx, user, common::playbook("Hire a contractor"), None, None).await
        })
        .await?;

        let names = |list: Vec<chief_domain::playbook::Playbook>| {
            list.into_iter().map(|p| p.name).collect::<Vec<_>>()
        };
        assert_eq!(
            names(playbook::list(&db, tenant, &PlaybookFilter::default()).await?),
            ["Follow up a lead", "Hire a contractor", "Price a deal"]
        );
        let sales = PlaybookFilter {
            category: Some("sales".into()),
            ..Default::default()
        };
        assert_eq!(playbook::list(&db, tenant, &sales).await?.len(), 2);
        let must = PlaybookFilter {
            must_consult: Some(true),
            ..Default::default()
        };
        assert_eq!(
            names(playbook::list(&db, tenant, &must).await?),
            ["Price a deal"]
        );
        let proposed = PlaybookFilter {
            status: Some(PlaybookStatus::Proposed),
            ..Default::default()
        };
        assert_eq!(
            names(playbook::list(&db, tenant, &proposed).await?),
            ["Hire a contractor"]
        );
        Ok(())
    }
}

both_backends! {
    async fn playbooks_of_another_tenant_cannot_be_read_changed_or_moved(db: Db) -> anyhow::Result<()> {
        let (a, a_user) = workspace(&db, "a").await;
        let (b, b_user) = workspace(&db, "b").await;
        let a_scope = scope(a, a_user);
        let b_scope = scope(b, b_user);
        let b_active = common::add_playbook(&db, &b_scope, common::playbook("B's method")).await?;
        let b_task = common::add_task(&db, &b_scope, common::task("B's task")).await?;
        let b_proposed = in_tx(&db, &b_scope, async |tx| {
            playbook::propose(tx, b_user, common::playbook("B's idea"), None, None).await
        })
        .await?;
        let b_logs = common::count_rows(&db, "logs", b).await;

        assert_not_found(playbook::get(&db, a, b_active.id).await);
        assert!(
            playbook::list(&db, a, &PlaybookFilter::default())
                .await?
                .is_empty()
        );
        let patch = PlaybookPatch {
            content: Some("Taken over".into()),
            ..Default::default()
        };
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                playbook::update(tx, b_active.id, patch).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                playbook::approve(tx, b_proposed.id).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                playbook::reject(tx, b_proposed.id).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                playbook::archive(tx, b_active.id).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                playbook::restore(tx, b_active.id).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                playbook::record_use(tx, b_active.id).await
            })
            .await,
        );
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                playbook::propose(tx, a_user, common::playbook("Mine"), None, Some(b_task.id)).await
            })
            .await,
        );

        assert_eq!(playbook::get(&db, b, b_active.id).await?, b_active);
        assert_eq!(playbook::get(&db, b, b_proposed.id).await?, b_proposed);
        assert_eq!(common::count_rows(&db, "logs", b).await, b_logs);
        assert_eq!(common::count_rows(&db, "playbooks", a).await, 0);
        Ok(())
    }
}

/// The names `task_playbooks::active` gives, sorted.
async fn active_names(db: &Db, tenant: TenantId) -> Vec<String> {
    let active = chief_store::task_playbooks::active(db, tenant)
        .await
        .expect("the active playbooks load");
    let mut names: Vec<String> = active.iter().map(|p| p.name.clone()).collect();
    names.sort();
    names
}

both_backends! {
    async fn the_kept_active_playbooks_follow_every_change_matching_can_see(db: Db) -> anyhow::Result<()> {
        use chief_store::task_playbooks::active;
        let (tenant, user) = workspace(&db, "a").await;
        let (other, other_user) = workspace(&db, "b").await;
        let s = scope(tenant, user);
        common::add_playbook(&db, &scope(other, other_user), common::playbook("Theirs")).await?;
        assert!(active(&db, tenant).await?.is_empty());

        let a = common::add_playbook(&db, &s, common::playbook("Alpha")).await?;
        assert_eq!(active_names(&db, tenant).await, ["Alpha"]);
        let kept = active(&db, tenant).await?;

        // A use is not a change matching sees: the kept list is served as is.
        in_tx(&db, &s, async |tx| playbook::record_use(tx, a.id).await).await?;
        assert!(std::sync::Arc::ptr_eq(&kept, &active(&db, tenant).await?));

        let patch = PlaybookPatch {
            content: Some("New steps".into()),
            triggers: Some(vec!["renewal".into()]),
            must_consult: Some(true),
            ..Default::default()
        };
        in_tx(&db, &s, async |tx| playbook::update(tx, a.id, patch).await).await?;
        let now = active(&db, tenant).await?;
        assert_eq!(now[0].content, "New steps");
        assert_eq!(now[0].triggers, ["renewal"]);
        assert!(now[0].must_consult);

        let b = in_tx(&db, &s, async |tx| {
            playbook::propose(tx, user, common::playbook("Beta"), None, None).await
        })
        .await?;
        assert_eq!(active_names(&db, tenant).await, ["Alpha"]);
        in_tx(&db, &s, async |tx| playbook::approve(tx, b.id).await).await?;
        assert_eq!(active_names(&db, tenant).await, ["Alpha", "Beta"]);
        in_tx(&db, &s, async |tx| playbook::archive(tx, a.id).await).await?;
        assert_eq!(active_names(&db, tenant).await, ["Beta"]);
        in_tx(&db, &s, async |tx| playbook::restore(tx, a.id).await).await?;
        assert_eq!(active_names(&db, tenant).await, ["Alpha", "Beta"]);
        assert_eq!(active_names(&db, other).await, ["Theirs"]);
        Ok(())
    }
}
