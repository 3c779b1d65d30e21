//! Clients: adding, finding, listing and updating customers and accounts;
//! every change is audited, and one workspace cannot touch another's
//! clients.

use chief_domain::client::{ClientPatch, ClientStatus, NewClient};
use chief_store::{Db, audit, client};
use chief_testkit as common;
use common::{assert_not_found, both_backends, in_tx, scope, workspace};

both_backends! {
    async fn a_client_is_added_updated_and_audited(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let acme = common::add_client(&db, &s, common::client("  Acme Corp ")).await?;
        assert_eq!(acme.name, "Acme Corp");
        assert_eq!(acme.status, ClientStatus::Active);
        assert_eq!(acme.user_id, user);
        assert_eq!(client::get(&db, tenant, acme.id).await?, acme);

        let patch = ClientPatch {
            status: Some(ClientStatus::Churned),
            notes: Some(Some("Moved to a competitor".into())),
            ..Default::default()
        };
        let churned = in_tx(&db, &s, async |tx| client::update(tx, acme.id, patch).await).await?;
        assert_eq!(churned.status, ClientStatus::Churned);
        assert_eq!(churned.notes.as_deref(), Some("Moved to a competitor"));
        assert_eq!(client::get(&db, tenant, acme.id).await?, churned);

        let same = ClientPatch {
            status: Some(ClientStatus::Churned),
            ..Default::default()
        };
        in_tx(&db, &s, async |tx| client::update(tx, acme.id, same).await).await?;
        let blank = ClientPatch {
            name: Some("   ".into()),
            ..Default::default()
        };
        assert!(
            in_tx(&db, &s, async |tx| client::update(tx, acme.id, blank).await)
                .await
                .is_err()
        );

        let mut log = audit::list(&db, tenant, Some(acme.id), 100).await?;
        log.reverse();
        let actions: Vec<_> = log.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(actions, ["client.created", "client.updated"]);
        assert_eq!(
            log[1].details["status"],
            serde_json::json!({"before": "active", "after": "churned"})
        );
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn clients_are_listed_by_name_and_found_by_name(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        common::add_client(&db, &s, common::client("Initech")).await?;
        common::add_client(&db, &s, common::client("Acme")).await?;
        common::add_client(
            &db,
            &s,
            NewClient {
                status: Some(ClientStatus::Prospect),
                ..common::client("Acme Labs")
            },
        )
        .await?;

        let names: Vec<_> = client::list(&db, tenant)
            .await?
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["Acme", "Acme Labs", "Initech"]);
        let exact = client::find_by_name(&db, tenant, "acme").await?;
        assert_eq!(exact.len(), 1);
        assert_eq!(exact[0].name, "Acme");
        let partial = client::find_by_name(&db, tenant, "labs").await?;
        assert_eq!(partial.len(), 1);
        assert_eq!(partial[0].status, ClientStatus::Prospect);
        assert!(
            client::find_by_name(&db, tenant, "Globex")
                .await?
                .is_empty()
        );
        Ok(())
    }
}

both_backends! {
    async fn clients_of_another_tenant_cannot_be_read_or_changed(db: Db) -> anyhow::Result<()> {
        let (a, a_user) = workspace(&db, "a").await;
        let (b, b_user) = workspace(&db, "b").await;
        let a_scope = scope(a, a_user);
        let b_client =
            common::add_client(&db, &scope(b, b_user), common::client("Umbrella")).await?;
        let b_logs = common::count_rows(&db, "logs", b).await;

        assert_not_found(client::get(&db, a, b_client.id).await);
        assert!(client::list(&db, a).await?.is_empty());
        assert!(client::find_by_name(&db, a, "Umbrella").await?.is_empty());
        assert!(client::find_by_name(&db, a, "umb").await?.is_empty());
        let patch = ClientPatch {
            name: Some("Taken over".into()),
            status: Some(ClientStatus::Archived),
            ..Default::default()
        };
        assert_not_found(
            in_tx(&db, &a_scope, async |tx| {
                client::update(tx, b_client.id, patch).await
            })
            .await,
        );
        let linked = chief_domain::person::NewPerson {
            client_id: Some(b_client.id),
            ..common::person("Spy")
        };
        assert_not_found(common::add_person(&db, &a_scope, linked).await);

        assert_eq!(client::get(&db, b, b_client.id).await?, b_client);
        assert_eq!(common::count_rows(&db, "logs", b).await, b_logs);
        Ok(())
    }
}
