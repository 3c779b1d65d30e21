//! Listing tasks: each filter alone and together, the sort orders, and
//! pagination (the total counts every match; limit and offset cut the page).

use chief_domain::TenantId;
use chief_domain::project::NewProject;
use chief_domain::task::{Assignee, NewTask, TaskStatus};
use chief_store::task_query::{TaskFilter, TaskSort, list};
use chief_store::{Db, Page, task};
use chief_testkit as common;
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{both_backends, in_tx, noon, p, scope_at, workspace};
use uuid::Uuid;

fn june(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, day, 17, 0, 0)
        .single()
        .expect("a valid date")
}

/// A small, varied backlog. Titles name what each task is, so a failing
/// assertion reads as which tasks came back.
struct Backlog {
    tenant: TenantId,
    user: Uuid,
    project: Uuid,
}

async fn backlog(db: &Db) -> anyhow::Result<Backlog> {
    let (tenant, user) = workspace(db, "a").await;
    let s = scope_at(tenant, user, noon());
    let project = common::add_project(
        db,
        &s,
        NewProject {
            name: "Move house".into(),
            ..Default::default()
        },
    )
    .await?;
    let add = |new: NewTask| common::add_task(db, &s, new);

    add(NewTask {
        priority: Some(p(1)),
        assignee: Some(Assignee::User),
        project_id: Some(project.id),
        due_date: Some(june(5)),
        tags: vec!["finance".into()],
        contexts: vec!["computer".into()],
        ..common::task("budget: p1, mine, move house, due 5th, #finance @computer")
    })
    .await?;
    add(NewTask {
        priority: Some(p(2)),
        assignee: Some(Assignee::Agent),
        due_date: Some(june(10)),
        tags: vec!["finance".into(), "bank".into()],
        contexts: vec!["phone".into()],
        ..common::task("bank: p2, agent, due 10th, #finance #bank @phone")
    })
    .await?;
    add(NewTask {
        priority: Some(p(3)),
        assignee: Some(Assignee::User),
        status: Some(TaskStatus::Completed),
        tags: vec!["errands".into()],
        contexts: vec!["errands".into()],
        ..common::task("stamps: p3, mine, done, undated, #errands @errands")
    })
    .await?;
    add(NewTask {
        priority: Some(p(1)),
        assignee: Some(Assignee::Agent),
        project_id: Some(project.id),
        due_date: Some(june(20)),
        status: Some(TaskStatus::Cancelled),
        ..common::task("movers: p1, agent, move house, due 20th, cancelled")
    })
    .await?;
    let deleted = add(NewTask {
        priority: Some(p(1)),
        project_id: Some(project.id),
        due_date: Some(june(6)),
        tags: vec!["finance".into()],
        ..common::task("deleted: never listed")
    })
    .await?;
    in_tx(db, &s, async |tx| task::delete(tx, deleted.id).await).await?;
    Ok(Backlog {
        tenant,
        user,
        project: project.id,
    })
}

/// The short names (the part before the colon) of the tasks a filter lists,
/// sorted, so assertions do not depend on the sort order.
async fn names(db: &Db, tenant: TenantId, filter: TaskFilter) -> anyhow::Result<Vec<String>> {
    let listing = list(db, tenant, &filter, Page::default()).await?;
    assert_eq!(
        listing.total,
        listing.items.len() as i64,
        "one page holds every match"
    );
    let mut names: Vec<String> = listing
        .items
        .iter()
        .map(|t| t.title.split(':').next().unwrap_or_default().to_string())
        .collect();
    names.sort();
    Ok(names)
}

both_backends! {
    async fn with_no_filter_every_live_task_is_listed(db: Db) -> anyhow::Result<()> {
        let b = backlog(&db).await?;
        assert_eq!(
            names(&db, b.tenant, TaskFilter::default()).await?,
            ["bank", "budget", "movers", "stamps"]
        );
        Ok(())
    }
}

both_backends! {
    async fn tasks_are_filtered_by_status(db: Db) -> anyhow::Result<()> {
        let b = backlog(&db).await?;
        let queued = TaskFilter {
            statuses: vec![TaskStatus::Queued],
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, queued).await?, ["bank", "budget"]);
        let closed = TaskFilter {
            statuses: vec![TaskStatus::Completed, TaskStatus::Cancelled],
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, closed).await?, ["movers", "stamps"]);
        let blocked = TaskFilter {
            statuses: vec![TaskStatus::Blocked],
            ..Default::default()
        };
        assert!(names(&db, b.tenant, blocked).await?.is_empty());
        Ok(())
    }
}

both_backends! {
    async fn tasks_are_filtered_by_project_assignee_priority_and_user(db: Db) -> anyhow::Result<()> {
        let b = backlog(&db).await?;
        let in_project = TaskFilter {
            project_id: Some(b.project),
            ..Default::default()
        };
        assert_eq!(
            names(&db, b.tenant, in_project).await?,
            ["budget", "movers"]
        );
        let mine = TaskFilter {
            assignee: Some(Assignee::User),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, mine).await?, ["budget", "stamps"]);
        let agents = TaskFilter {
            assignee: Some(Assignee::Agent),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, agents).await?, ["bank", "movers"]);
        let urgent = TaskFilter {
            priority: Some(p(1)),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, urgent).await?, ["budget", "movers"]);
        let owner = TaskFilter {
            user_id: Some(b.user),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, owner).await?.len(), 4);
        let nobody = TaskFilter {
            user_id: Some(Uuid::nil()),
            ..Default::default()
        };
        assert!(names(&db, b.tenant, nobody).await?.is_empty());
        Ok(())
    }
}

both_backends! {
    async fn due_before_is_exclusive_due_after_is_inclusive_and_undated_tasks_match_neither(db: Db) -> anyhow::Result<()> {
        let b = backlog(&db).await?;
        let before_10th = TaskFilter {
            due_before: Some(june(10)),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, before_10th).await?, ["budget"]);
        let from_10th = TaskFilter {
            due_after: Some(june(10)),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, from_10th).await?, ["bank", "movers"]);
        let window = TaskFilter {
            due_after: Some(june(5)),
            due_before: Some(june(20)),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, window).await?, ["bank", "budget"]);
        let a_second_late = TaskFilter {
            due_after: Some(june(5) + Duration::seconds(1)),
            due_before: Some(june(10)),
            ..Default::default()
        };
        assert!(names(&db, b.tenant, a_second_late).await?.is_empty());
        Ok(())
    }
}

both_backends! {
    async fn tasks_are_filtered_by_tag_and_context_with_or_without_the_sigil(db: Db) -> anyhow::Result<()> {
        let b = backlog(&db).await?;
        let finance = TaskFilter {
            tag: Some("finance".into()),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, finance).await?, ["bank", "budget"]);
        let hashed = TaskFilter {
            tag: Some("#bank".into()),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, hashed).await?, ["bank"]);
        let phone = TaskFilter {
            context: Some("@phone".into()),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, phone).await?, ["bank"]);
        let errands = TaskFilter {
            context: Some("errands".into()),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, errands).await?, ["stamps"]);
        // A tag is matched whole, not as a substring of another tag.
        let partial = TaskFilter {
            tag: Some("fin".into()),
            ..Default::default()
        };
        assert!(names(&db, b.tenant, partial).await?.is_empty());
        Ok(())
    }
}

both_backends! {
    async fn filters_combine_so_every_one_must_hold(db: Db) -> anyhow::Result<()> {
        let b = backlog(&db).await?;
        let filter = TaskFilter {
            tag: Some("finance".into()),
            priority: Some(p(1)),
            statuses: vec![TaskStatus::Queued],
            assignee: Some(Assignee::User),
            project_id: Some(b.project),
            context: Some("computer".into()),
            due_before: Some(june(6)),
            ..Default::default()
        };
        assert_eq!(names(&db, b.tenant, filter).await?, ["budget"]);
        let contradictory = TaskFilter {
            tag: Some("finance".into()),
            assignee: Some(Assignee::User),
            priority: Some(p(2)),
            ..Default::default()
        };
        assert!(names(&db, b.tenant, contradictory).await?.is_empty());
        Ok(())
    }
}

both_backends! {
    async fn sorting_by_priority_or_due_date_orders_the_whole_listing(db: Db) -> anyhow::Result<()> {
        let b = backlog(&db).await?;
        let titles = |sort: TaskSort| {
            let db = db.clone();
            async move {
                let listing = list(
                    &db,
                    b.tenant,
                    &TaskFilter {
                        sort,
                        ..Default::default()
                    },
                    Page::default(),
                )
                .await?;
                anyhow::Ok(
                    listing
                        .items
                        .into_iter()
                        .map(|t| t.title.split(':').next().unwrap_or_default().to_string())
                        .collect::<Vec<_>>(),
                )
            }
        };
        // Equal priorities fall back to creation order; undated tasks sort last.
        assert_eq!(
            titles(TaskSort::Priority).await?,
            ["budget", "movers", "bank", "stamps"]
        );
        assert_eq!(
            titles(TaskSort::Due).await?,
            ["budget", "bank", "movers", "stamps"]
        );
        Ok(())
    }
}

both_backends! {
    async fn pages_report_the_full_total_and_cut_by_limit_and_offset(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope_at(tenant, user, noon());
        let mut created = Vec::new();
        for n in 0..7 {
            let new = NewTask {
                created_at: Some(noon() - Duration::minutes(10 * (7 - n))),
                ..common::task(&format!("task {n}"))
            };
            created.push(common::add_task(&db, &s, new).await?.id);
        }
        let newest_first: Vec<Uuid> = created.iter().rev().copied().collect();

        let mut seen = Vec::new();
        for offset in [0, 3, 6] {
            let page = list(&db, tenant, &TaskFilter::default(), Page::new(3, offset)).await?;
            assert_eq!((page.total, page.limit, page.offset), (7, 3, offset));
            seen.extend(page.items.iter().map(|t| t.id));
        }
        assert_eq!(
            seen, newest_first,
            "the pages, in turn, list each task once, newest first"
        );

        let past_the_end = list(&db, tenant, &TaskFilter::default(), Page::new(3, 9)).await?;
        assert_eq!((past_the_end.total, past_the_end.items.len()), (7, 0));
        let filtered = TaskFilter {
            statuses: vec![TaskStatus::Completed],
            ..Default::default()
        };
        assert_eq!(
            list(&db, tenant, &filtered, Page::new(3, 0)).await?.total,
            0,
            "the total counts matches, not all tasks"
        );
        let clamped = list(&db, tenant, &TaskFilter::default(), Page::new(0, -4)).await?;
        assert_eq!(
            (clamped.limit, clamped.offset, clamped.items.len()),
            (1, 0, 1)
        );
        Ok(())
    }
}
