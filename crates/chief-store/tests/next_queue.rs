//! The two queues: the person's (`chief next`), ranked in SQL by the same
//! urgency score `chief_brain::urgency` computes, and the agent's, by
//! priority, then due date, then age. The clock is fixed at noon on a
//! Monday; every task is created "now" unless it says otherwise.

use chief_domain::TenantId;
use chief_domain::task::{Assignee, NewTask, TaskOp, TaskStatus};
use chief_domain::tenant::Role;
use chief_domain::waiting::NewWaitingItem;
use chief_store::task_query::{next_for_agent, next_for_user};
use chief_store::tenancy::{self, NewUser};
use chief_store::{Db, task, waiting};
use chief_testkit as common;
use chrono::{DateTime, Duration, Utc};
use common::{both_backends, in_tx, noon, p, scope_at, workspace};
use uuid::Uuid;

fn hours_from_noon(hours: i64) -> Option<DateTime<Utc>> {
    Some(noon() + Duration::hours(hours))
}

/// The brain's urgency of `t` at noon.
fn brain_score(t: &chief_domain::task::Task) -> f64 {
    chief_brain::urgency::weights().score(
        t.priority,
        t.due_date,
        t.created_at,
        t.status == TaskStatus::Working,
        noon(),
    )
}

/// A task for the person, with a priority and an optional due date.
fn mine(title: &str, priority: i64, due: Option<DateTime<Utc>>) -> NewTask {
    NewTask {
        priority: Some(p(priority)),
        due_date: due,
        due_has_time: due.is_some(),
        ..common::my_task(title)
    }
}

/// A person's queue with one task in every urgency band, distinct scores,
/// listed here most urgent first. Returns the tenant and the person.
async fn ranked_tasks(db: &Db) -> anyhow::Result<(TenantId, Uuid, Vec<&'static str>)> {
    let (tenant, user) = workspace(db, "a").await;
    let s = scope_at(tenant, user, noon());
    let add = |new: NewTask| common::add_task(db, &s, new);

    add(mine("overdue three days, p3", 3, hours_from_noon(-72))).await?;
    add(mine("overdue an hour, p5", 5, hours_from_noon(-1))).await?;
    add(mine("due tonight, p2", 2, hours_from_noon(20))).await?;
    add(mine("due in two days, p3", 3, hours_from_noon(48))).await?;
    add(mine("undated, p1", 1, None)).await?;
    let waited = add(NewTask {
        created_at: Some(noon() - Duration::days(10)),
        ..mine("ten days old, p2, wait over", 2, None)
    })
    .await?;
    let working = add(mine("in progress, p4", 4, None)).await?;
    add(NewTask {
        created_at: Some(noon() - Duration::days(40)),
        ..mine("forty days old, p3", 3, None)
    })
    .await?;
    add(mine("undated, p5", 5, None)).await?;

    in_tx(db, &s, async |tx| {
        task::transition(tx, working.id, TaskOp::Start, None).await
    })
    .await?;
    // A waiting item that is resolved no longer holds its task back.
    let owed = NewWaitingItem {
        what: "The quote".into(),
        task_id: Some(waited.id),
        ..Default::default()
    };
    let item = in_tx(db, &s, async |tx| waiting::create(tx, user, owed).await).await?;
    in_tx(db, &s, async |tx| waiting::resolve(tx, item.id, None).await).await?;

    let expected = vec![
        "overdue three days, p3",
        "overdue an hour, p5",
        "due tonight, p2",
        "due in two days, p3",
        "undated, p1",
        "ten days old, p2, wait over",
        "in progress, p4",
        "forty days old, p3",
        "undated, p5",
    ];
    Ok((tenant, user, expected))
}

both_backends! {
    async fn overdue_tasks_come_first_then_the_rest_by_urgency(db: Db) -> anyhow::Result<()> {
        let (tenant, user, expected) = ranked_tasks(&db).await?;

        let queue = next_for_user(&db, tenant, user, noon(), 50).await?;
        let titles: Vec<&str> = queue.iter().map(|r| r.task.title.as_str()).collect();
        assert_eq!(titles, expected);
        assert!(
            queue[..2].iter().all(|r| r.task.due_date < Some(noon())),
            "the overdue pair leads"
        );
        assert!(
            queue.windows(2).all(|w| w[0].urgency > w[1].urgency),
            "strictly by urgency: {queue:#?}"
        );
        Ok(())
    }
}

both_backends! {
    async fn the_queue_ranks_tasks_exactly_as_the_brains_urgency_score_does(db: Db) -> anyhow::Result<()> {
        let (tenant, user, _) = ranked_tasks(&db).await?;

        let queue = next_for_user(&db, tenant, user, noon(), 50).await?;
        for ranked in &queue {
            let t = &ranked.task;
            let expected = brain_score(t);
            assert!(
                (ranked.urgency - expected).abs() < 1e-9,
                "{}: SQL says {}, brain says {expected}",
                t.title,
                ranked.urgency
            );
        }
        let mut by_brain = queue.clone();
        by_brain.sort_by(|a, b| brain_score(&b.task).total_cmp(&brain_score(&a.task)));
        assert_eq!(by_brain, queue);
        Ok(())
    }
}

both_backends! {
    async fn tasks_exactly_on_a_band_edge_score_the_same_in_sql_as_in_the_brain(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope_at(tenant, user, noon());
        let add = |new: NewTask| common::add_task(&db, &s, new);

        add(mine("due this very instant", 3, Some(noon()))).await?;
        add(mine("due in exactly a day", 3, hours_from_noon(24))).await?;
        add(mine(
            "due in exactly two weeks",
            3,
            hours_from_noon(14 * 24),
        ))
        .await?;
        add(NewTask {
            created_at: Some(noon() - Duration::days(30)),
            ..mine("exactly thirty days old", 3, None)
        })
        .await?;
        add(NewTask {
            created_at: Some(noon() - Duration::days(7)),
            ..mine("exactly a week old", 3, None)
        })
        .await?;

        let queue = next_for_user(&db, tenant, user, noon(), 50).await?;
        assert_eq!(queue.len(), 5);
        for ranked in &queue {
            let t = &ranked.task;
            let expected = brain_score(t);
            assert!(
                (ranked.urgency - expected).abs() < 1e-9,
                "{}: SQL says {}, brain says {expected}",
                t.title,
                ranked.urgency
            );
        }
        Ok(())
    }
}

both_backends! {
    async fn the_queue_honours_its_limit_keeping_the_most_urgent(db: Db) -> anyhow::Result<()> {
        let (tenant, user, expected) = ranked_tasks(&db).await?;

        let top = next_for_user(&db, tenant, user, noon(), 3).await?;
        assert_eq!(
            top.iter()
                .map(|r| r.task.title.as_str())
                .collect::<Vec<_>>(),
            expected[..3]
        );
        Ok(())
    }
}

both_backends! {
    async fn blocked_agent_waiting_and_closed_tasks_are_left_out_of_the_persons_queue(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope_at(tenant, user, noon());
        let overdue = hours_from_noon(-5);
        let add = |new: NewTask| common::add_task(&db, &s, new);

        let eligible = add(mine("the only one that counts", 5, None)).await?;
        add(NewTask {
            status: Some(TaskStatus::Blocked),
            ..mine("blocked", 1, overdue)
        })
        .await?;
        add(NewTask {
            assignee: Some(Assignee::Agent),
            ..mine("the agent's", 1, overdue)
        })
        .await?;
        add(NewTask {
            status: Some(TaskStatus::Completed),
            ..mine("done", 1, overdue)
        })
        .await?;
        add(NewTask {
            status: Some(TaskStatus::Cancelled),
            ..mine("dropped", 1, overdue)
        })
        .await?;
        let deleted = add(mine("deleted", 1, overdue)).await?;
        in_tx(&db, &s, async |tx| task::delete(tx, deleted.id).await).await?;
        let waiting_on = add(mine("waiting on a reply", 1, overdue)).await?;
        let owed = NewWaitingItem {
            what: "Their answer".into(),
            task_id: Some(waiting_on.id),
            ..Default::default()
        };
        in_tx(&db, &s, async |tx| waiting::create(tx, user, owed).await).await?;

        let colleague = NewUser {
            email: "sam@a.example".into(),
            name: None,
            role: Role::Member,
            timezone: "UTC".into(),
        };
        let sam = in_tx(&db, &s, async |tx| tenancy::add_user(tx, colleague).await).await?;
        common::add_task(
            &db,
            &scope_at(tenant, sam.id, noon()),
            mine("Sam's", 1, overdue),
        )
        .await?;

        let queue = next_for_user(&db, tenant, user, noon(), 50).await?;
        assert_eq!(
            queue.iter().map(|r| r.task.id).collect::<Vec<_>>(),
            vec![eligible.id]
        );
        assert_eq!(
            next_for_user(&db, tenant, sam.id, noon(), 50).await?.len(),
            1,
            "Sam's task is in Sam's queue"
        );
        Ok(())
    }
}

both_backends! {
    async fn the_agent_queue_orders_by_priority_then_due_date_then_age(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope_at(tenant, user, noon());
        let agent = |title: &str, priority: i64, age: Duration| NewTask {
            priority: Some(p(priority)),
            created_at: Some(noon() - age),
            ..common::task(title)
        };
        let add = |new: NewTask| common::add_task(&db, &s, new);

        add(agent("p2", 2, Duration::zero())).await?;
        add(agent("p1, an hour old", 1, Duration::hours(1))).await?;
        add(agent("p3, a month old", 3, Duration::days(30))).await?;
        add(agent("p1, five days old", 1, Duration::days(5))).await?;
        add(NewTask {
            due_date: hours_from_noon(24),
            ..agent("p1, due tomorrow", 1, Duration::zero())
        })
        .await?;
        let started = add(agent("p1, already started", 1, Duration::days(9))).await?;
        in_tx(&db, &s, async |tx| {
            task::transition(tx, started.id, TaskOp::Start, None).await
        })
        .await?;
        add(NewTask {
            status: Some(TaskStatus::Blocked),
            ..agent("p1, blocked", 1, Duration::days(9))
        })
        .await?;
        add(NewTask {
            status: Some(TaskStatus::Completed),
            ..agent("p1, done", 1, Duration::days(9))
        })
        .await?;
        add(NewTask {
            assignee: Some(Assignee::User),
            ..agent("p1, the person's", 1, Duration::days(9))
        })
        .await?;

        let queue = next_for_agent(&db, tenant, user, 50).await?;
        let titles: Vec<&str> = queue.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "p1, due tomorrow",
                "p1, five days old",
                "p1, an hour old",
                "p2",
                "p3, a month old"
            ]
        );
        assert_eq!(next_for_agent(&db, tenant, user, 2).await?.len(), 2);
        Ok(())
    }
}

both_backends! {
    async fn a_large_queue_read_by_tier_is_the_queue_scored_whole(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope_at(tenant, user, noon());
        // A fixed pseudo-random spread over every tier: overdue or not,
        // undated, every priority, old and new, some started.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        for i in 0..150 {
            let priority = 1 + next(5) as i64;
            let due = match next(4) {
                0 => None,
                _ => hours_from_noon(next(30 * 24) as i64 - 4 * 24),
            };
            let t = common::add_task(
                &db,
                &s,
                NewTask {
                    created_at: Some(noon() - Duration::hours(next(45 * 24) as i64)),
                    ..mine(&format!("task {i}"), priority, due)
                },
            )
            .await?;
            if next(6) == 0 {
                in_tx(&db, &s, async |tx| {
                    task::transition(tx, t.id, TaskOp::Start, None).await
                })
                .await?;
            }
        }
        let mut all = chief_store::task_query::first(&db, tenant, &Default::default(), 500).await?;
        all.retain(|t| matches!(t.status, TaskStatus::Queued | TaskStatus::Working));
        all.sort_by(|a, b| {
            let key = |t: &chief_domain::task::Task| {
                (t.due_date.is_none(), t.due_date, t.created_at, t.id)
            };
            brain_score(b)
                .total_cmp(&brain_score(a))
                .then_with(|| key(a).cmp(&key(b)))
        });
        assert!(all.len() > 100, "most tasks are open");
        for limit in [1, 7, 40, 200] {
            let got = next_for_user(&db, tenant, user, noon(), limit).await?;
            let want: Vec<&str> = all
                .iter()
                .take(limit as usize)
                .map(|t| t.title.as_str())
                .collect();
            let got: Vec<&str> = got.iter().map(|r| r.task.title.as_str()).collect();
            assert_eq!(got, want, "limit {limit}");
        }

        // A lower priority can still come first: a task started long ago
        // outranks a newer one a priority higher, so the tier after the
        // first one found must still be read.
        let (tenant, user) = workspace(&db, "b").await;
        let s = scope_at(tenant, user, noon());
        common::add_task(&db, &s, mine("overdue, p1, new", 1, hours_from_noon(-2))).await?;
        let old = common::add_task(
            &db,
            &s,
            NewTask {
                created_at: Some(noon() - Duration::days(40)),
                ..mine("overdue, p2, started 40 days ago", 2, hours_from_noon(-2))
            },
        )
        .await?;
        in_tx(&db, &s, async |tx| {
            task::transition(tx, old.id, TaskOp::Start, None).await
        })
        .await?;
        let top = next_for_user(&db, tenant, user, noon(), 1).await?;
        assert_eq!(top[0].task.title, "overdue, p2, started 40 days ago");
        assert_eq!(top[0].urgency, 8.0 + 100.0 + 9.0 + 1.5 + 4.0);
        Ok(())
    }
}
