//! Finding the people a text mentions by full name: whole words, any case,
//! and always as the workspace's people are now (added, renamed, removed),
//! never another workspace's.

use chief_domain::person::PersonPatch;
use chief_store::Db;
use chief_store::person;
use chief_testkit as common;
use common::{both_backends, in_tx, scope, workspace};

async fn names_in(db: &chief_store::Db, tenant: chief_domain::TenantId, text: &str) -> Vec<String> {
    person::mentioned_in(db, tenant, text, 10)
        .await
        .expect("mentions are found")
        .into_iter()
        .map(|p| p.name)
        .collect()
}

both_backends! {
    async fn mentions_follow_the_people_as_they_are_added_renamed_and_removed(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let (other, other_user) = workspace(&db, "b").await;
        let s = scope(tenant, user);
        common::add_person(&db, &scope(other, other_user), common::person("Ana Ruiz")).await?;
        let pat = common::add_person(&db, &s, common::person("Patrick Smith")).await?;
        common::add_person(&db, &s, common::person("Pat")).await?;
        common::add_person(&db, &s, common::person("Will")).await?;

        let text = "Call patrick SMITH and Ana Ruiz about the renewal; will do";
        assert_eq!(names_in(&db, tenant, text).await, ["Patrick Smith", "Will"]);
        assert!(names_in(&db, tenant, "Patrick called").await.is_empty());

        let renamed = PersonPatch {
            name: Some("Patricia Smith".into()),
            ..Default::default()
        };
        in_tx(&db, &s, async |tx| {
            person::update(tx, pat.id, renamed).await
        })
        .await?;
        assert_eq!(names_in(&db, tenant, text).await, ["Will"]);
        assert_eq!(
            names_in(&db, tenant, "ask Patricia Smith, or Pat").await,
            ["Pat", "Patricia Smith"]
        );

        common::add_person(&db, &s, common::person("Ana Ruiz")).await?;
        assert_eq!(names_in(&db, tenant, text).await, ["Ana Ruiz", "Will"]);
        in_tx(&db, &s, async |tx| person::delete(tx, pat.id).await).await?;
        assert_eq!(
            names_in(&db, tenant, "ask Patricia Smith, or Pat").await,
            ["Pat"]
        );
        let found = person::mentioned_in(&db, tenant, text, 1).await?;
        assert_eq!(found.len(), 1, "the limit holds");
        Ok(())
    }
}
