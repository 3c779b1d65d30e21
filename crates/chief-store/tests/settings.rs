//! Settings: the upsert, a user's value overriding the workspace's, the
//! audit row each change writes, and isolation between workspaces.

use chief_domain::tenant::Role;
use chief_store::tenancy::{self, NewUser};
use chief_store::{Db, Scope, StoreError, audit, setting};
use chief_testkit as common;
use common::{assert_not_found, both_backends, in_tx, scope, workspace};
use serde_json::{Value, json};
use uuid::Uuid;

async fn set(
    db: &Db,
    s: &Scope,
    user: Option<Uuid>,
    key: &str,
    value: Value,
) -> Result<chief_domain::setting::Setting, StoreError> {
    in_tx(db, s, async |tx| setting::set(tx, user, key, value).await).await
}

both_backends! {
    async fn a_users_setting_overrides_the_workspace_setting(db: Db) -> anyhow::Result<()> {
        let (tenant, owner) = workspace(&db, "a").await;
        let s = scope(tenant, owner);
        set(&db, &s, None, "briefing.time", json!("08:00")).await?;
        set(&db, &s, None, "language", json!("en")).await?;
        set(&db, &s, Some(owner), "briefing.time", json!("07:30")).await?;

        let mine = setting::get(&db, tenant, Some(owner), "briefing.time").await?;
        assert_eq!(
            mine.map(|s| (s.user_id, s.value)),
            Some((Some(owner), json!("07:30")))
        );
        let workspace_value = setting::get(&db, tenant, None, "briefing.time").await?;
        assert_eq!(workspace_value.map(|s| s.value), Some(json!("08:00")));
        let inherited = setting::get(&db, tenant, Some(owner), "language").await?;
        assert_eq!(
            inherited.map(|s| (s.user_id, s.value)),
            Some((None, json!("en")))
        );
        assert_eq!(
            setting::get(&db, tenant, Some(owner), "missing").await?,
            None
        );

        let effective: Vec<_> = setting::list(&db, tenant, Some(owner))
            .await?
            .into_iter()
            .map(|s| (s.key, s.value))
            .collect();
        assert_eq!(
            effective,
            [
                ("briefing.time".to_string(), json!("07:30")),
                ("language".to_string(), json!("en"))
            ]
        );
        assert_eq!(setting::list(&db, tenant, None).await?.len(), 2);
        Ok(())
    }
}

both_backends! {
    async fn setting_a_key_again_replaces_its_value_and_is_audited(db: Db) -> anyhow::Result<()> {
        let (tenant, owner) = workspace(&db, "a").await;
        let s = scope(tenant, owner);
        set(&db, &s, None, "digest", json!({"enabled": true})).await?;
        set(&db, &s, None, "digest", json!({"enabled": false})).await?;
        set(&db, &s, Some(owner), "digest", json!({"enabled": true})).await?;
        set(
            &db,
            &s,
            Some(owner),
            "digest",
            json!({"enabled": false, "hour": 9}),
        )
        .await?;
        assert_eq!(common::count_rows(&db, "settings", tenant).await, 2);
        let mine = setting::get(&db, tenant, Some(owner), "digest").await?;
        assert_eq!(
            mine.map(|s| s.value),
            Some(json!({"enabled": false, "hour": 9}))
        );

        let updates = async |entity: Uuid| {
            let log = audit::list(&db, tenant, Some(entity), 10).await?;
            let updates: Vec<_> = log
                .into_iter()
                .filter(|l| l.action == "setting.updated")
                .collect();
            anyhow::Ok(updates)
        };
        let log = updates(tenant.0).await?;
        assert_eq!(log.len(), 2);
        assert_eq!(
            log[0].details["value"],
            json!({"before": {"enabled": true}, "after": {"enabled": false}})
        );
        assert_eq!(updates(owner).await?.len(), 2);
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn settings_of_another_tenant_are_neither_read_nor_overwritten(db: Db) -> anyhow::Result<()> {
        let (a_tenant, a_user) = workspace(&db, "a").await;
        let (b_tenant, b_user) = workspace(&db, "b").await;
        let a = scope(a_tenant, a_user);
        let b = scope(b_tenant, b_user);
        let b_value = set(&db, &b, None, "briefing.time", json!("06:00")).await?;
        let b_mine = set(&db, &b, Some(b_user), "briefing.time", json!("05:00")).await?;

        assert_eq!(
            setting::get(&db, a_tenant, None, "briefing.time").await?,
            None
        );
        assert_eq!(
            setting::get(&db, a_tenant, Some(b_user), "briefing.time").await?,
            None
        );
        assert!(setting::list(&db, a_tenant, Some(b_user)).await?.is_empty());
        // A cannot write a setting for B's user.
        assert_not_found(set(&db, &a, Some(b_user), "briefing.time", json!("09:00")).await);
        set(&db, &a, None, "briefing.time", json!("09:00")).await?;

        assert_eq!(
            setting::get(&db, b_tenant, None, "briefing.time").await?,
            Some(b_value),
            "B's workspace setting is unchanged"
        );
        assert_eq!(
            setting::get(&db, b_tenant, Some(b_user), "briefing.time").await?,
            Some(b_mine),
            "B's user setting is unchanged"
        );
        Ok(())
    }
}

both_backends! {
    async fn a_member_inherits_the_workspace_value_until_they_set_their_own(db: Db) -> anyhow::Result<()> {
        let (tenant, owner) = workspace(&db, "a").await;
        let s = scope(tenant, owner);
        let member = in_tx(&db, &s, async |tx| {
            tenancy::add_user(
                tx,
                NewUser {
                    email: "sam@a.example".into(),
                    name: Some("Sam".into()),
                    role: Role::Member,
                    timezone: "UTC".into(),
                },
            )
            .await
        })
        .await?;
        set(&db, &s, None, "tone", json!("formal")).await?;
        set(&db, &s, Some(owner), "tone", json!("casual")).await?;
        let theirs = setting::get(&db, tenant, Some(member.id), "tone").await?;
        assert_eq!(theirs.map(|s| s.value), Some(json!("formal")));
        Ok(())
    }
}
