//! Full-text search: FTS5 on SQLite, tsvector on PostgreSQL, one behaviour.
//! It finds tasks, people and projects by the words in their names and
//! descriptions, ranks the better match first, marks matches in snippets,
//! stays inside the tenant, skips deleted tasks, and treats any query text
//! as words rather than syntax.

use chief_domain::person::NewPerson;
use chief_domain::project::NewProject;
use chief_domain::task::NewTask;
use chief_store::search::{EntityKind, Hit, search};
use chief_store::{Db, StoreError, task};
use chief_testkit as common;
use common::{both_backends, in_tx, scope, workspace};
use uuid::Uuid;

fn ids(hits: &[Hit]) -> Vec<Uuid> {
    hits.iter().map(|h| h.id).collect()
}

both_backends! {
    async fn tasks_are_found_by_words_in_their_title_or_description(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let renewal = NewTask {
            description: Some("Call the broker about the premiums before Friday".into()),
            ..common::task("Renew the Liberty insurance policy")
        };
        let renewal = common::add_task(&db, &s, renewal).await?;
        common::add_task(&db, &s, common::task("Walk the dog")).await?;

        let by_title = search(&db, tenant, "liberty", &[], 10).await?;
        assert_eq!(ids(&by_title), vec![renewal.id]);
        assert_eq!(by_title[0].entity_type, EntityKind::Task);
        assert_eq!(by_title[0].title, "Renew the Liberty insurance policy");

        let by_description = search(&db, tenant, "broker", &[], 10).await?;
        assert_eq!(ids(&by_description), vec![renewal.id]);
        let both_words = search(&db, tenant, "insurance premiums", &[], 10).await?;
        assert_eq!(
            ids(&both_words),
            vec![renewal.id],
            "every word must match, across fields"
        );
        assert!(
            search(&db, tenant, "liberty giraffe", &[], 10)
                .await?
                .is_empty()
        );
        Ok(())
    }
}

both_backends! {
    async fn people_and_projects_are_found_by_name_and_details(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let margaret = NewPerson {
            company: Some("Apollo Guidance".into()),
            context_notes: Some("Prefers written briefings".into()),
            ..common::person("Margaret Hamilton")
        };
        let margaret = common::add_person(&db, &s, margaret).await?;
        let kitchen = NewProject {
            name: "Kitchen remodel".into(),
            description: Some("New cabinets and countertops".into()),
            ..Default::default()
        };
        let kitchen = common::add_project(&db, &s, kitchen).await?;

        let by_name = search(&db, tenant, "hamilton", &[], 10).await?;
        assert_eq!(ids(&by_name), vec![margaret.id]);
        assert_eq!(
            (by_name[0].entity_type, by_name[0].title.as_str()),
            (EntityKind::Person, "Margaret Hamilton")
        );
        assert_eq!(
            ids(&search(&db, tenant, "apollo", &[], 10).await?),
            vec![margaret.id]
        );
        assert_eq!(
            ids(&search(&db, tenant, "briefings", &[], 10).await?),
            vec![margaret.id]
        );

        let by_description = search(&db, tenant, "cabinets", &[], 10).await?;
        assert_eq!(ids(&by_description), vec![kitchen.id]);
        assert_eq!(
            (
                by_description[0].entity_type,
                by_description[0].title.as_str()
            ),
            (EntityKind::Project, "Kitchen remodel")
        );
        assert_eq!(
            ids(&search(&db, tenant, "remodel", &[], 10).await?),
            vec![kitchen.id]
        );
        Ok(())
    }
}

both_backends! {
    async fn a_kind_filter_limits_results_to_that_kind(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let t = common::add_task(&db, &s, common::task("Orchard planting day")).await?;
        let pr = common::add_project(
            &db,
            &s,
            NewProject {
                name: "Orchard".into(),
                ..Default::default()
            },
        )
        .await?;

        assert_eq!(search(&db, tenant, "orchard", &[], 10).await?.len(), 2);
        assert_eq!(
            ids(&search(&db, tenant, "orchard", &[EntityKind::Task], 10).await?),
            vec![t.id]
        );
        assert_eq!(
            ids(&search(&db, tenant, "orchard", &[EntityKind::Project], 10).await?),
            vec![pr.id]
        );
        assert!(
            search(&db, tenant, "orchard", &[EntityKind::Person], 10)
                .await?
                .is_empty()
        );
        Ok(())
    }
}

both_backends! {
    async fn a_match_in_the_title_ranks_above_a_match_in_the_description(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let passing = NewTask {
            description: Some(
                "Go over the hiring plan, the offsite budget, the overdue invoice and the roadmap"
                    .into(),
            ),
            ..common::task("Quarterly planning session")
        };
        // Created first, so neither creation order nor id order explains the ranking.
        let passing = common::add_task(&db, &s, passing).await?;
        let direct = NewTask {
            description: Some("The invoice for March is still open".into()),
            ..common::task("Send the invoice to Acme")
        };
        let direct = common::add_task(&db, &s, direct).await?;

        let hits = search(&db, tenant, "invoice", &[], 10).await?;
        assert_eq!(ids(&hits), vec![direct.id, passing.id]);
        assert!(hits[0].score > hits[1].score, "{hits:?}");
        Ok(())
    }
}

both_backends! {
    async fn snippets_put_brackets_around_the_matched_words(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let renewal = NewTask {
            description: Some("Call the broker about the premiums before Friday".into()),
            ..common::task("Renew the Liberty insurance policy")
        };
        common::add_task(&db, &s, renewal).await?;

        let in_title = search(&db, tenant, "liberty", &[], 10).await?;
        assert!(
            in_title[0].snippet.contains("[Liberty]"),
            "{:?}",
            in_title[0].snippet
        );
        let in_description = search(&db, tenant, "broker", &[], 10).await?;
        let snippet = &in_description[0].snippet;
        assert!(snippet.contains("[broker]"), "{snippet:?}");
        assert!(
            !snippet.contains("[Call]"),
            "only the matched word is marked: {snippet:?}"
        );
        Ok(())
    }
}

both_backends! {
    async fn search_never_returns_soft_deleted_tasks(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let kept = common::add_task(&db, &s, common::task("Gazebo paint, first coat")).await?;
        let gone = common::add_task(&db, &s, common::task("Gazebo paint, second coat")).await?;
        assert_eq!(search(&db, tenant, "gazebo", &[], 10).await?.len(), 2);

        in_tx(&db, &s, async |tx| task::delete(tx, gone.id).await).await?;
        assert_eq!(
            ids(&search(&db, tenant, "gazebo", &[], 10).await?),
            vec![kept.id]
        );
        Ok(())
    }
}

both_backends! {
    async fn search_never_returns_another_tenants_rows(db: Db) -> anyhow::Result<()> {
        let (a, a_user) = workspace(&db, "a").await;
        let (b, b_user) = workspace(&db, "b").await;
        let mine = common::add_task(
            &db,
            &scope(a, a_user),
            common::task("Lighthouse inspection"),
        )
        .await?;
        common::add_task(
            &db,
            &scope(b, b_user),
            common::task("Lighthouse inspection"),
        )
        .await?;
        common::add_person(&db, &scope(b, b_user), common::person("Lighthouse Keeper")).await?;

        assert_eq!(
            ids(&search(&db, a, "lighthouse", &[], 10).await?),
            vec![mine.id]
        );
        assert_eq!(search(&db, b, "lighthouse", &[], 10).await?.len(), 2);
        Ok(())
    }
}

both_backends! {
    async fn hostile_query_text_is_searched_as_words_and_never_errors(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let t =
            common::add_task(&db, &s, common::task("Renew the Liberty insurance policy")).await?;

        let hostile = [
            "\"",
            "\"\"",
            "NEAR(",
            "NEAR(liberty",
            "*",
            "liberty*",
            "'; DROP TABLE tasks;--",
            "title:liberty",
            "liberty OR",
            "AND",
            "NOT",
            "-",
            "^liberty",
            "(",
            ")",
            "{}",
            "'",
            "\\",
            "\0",
            "💥",
            "   ",
        ];
        for q in hostile {
            let result = search(&db, tenant, q, &[], 10).await;
            assert!(result.is_ok(), "{q:?} failed: {result:?}");
        }
        for q in [
            "liberty\"",
            "\"liberty",
            "(liberty)",
            "liberty;",
            "liberty:",
        ] {
            let hits = search(&db, tenant, q, &[], 10).await?;
            assert_eq!(ids(&hits), vec![t.id], "punctuation in {q:?} is not syntax");
        }

        assert_eq!(
            task::get(&db, tenant, t.id).await?.title,
            "Renew the Liberty insurance policy",
            "the tasks table survived"
        );
        assert!(matches!(
            search(&db, tenant, &"x".repeat(1001), &[], 10).await,
            Err(StoreError::Domain(_))
        ));
        Ok(())
    }
}
