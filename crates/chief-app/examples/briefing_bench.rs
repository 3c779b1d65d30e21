//! How long composing a briefing takes for a busy user: one user (in
//! Madrid) with 10,000 tasks, a third of them completed over the last month,
//! plus projects, calendar events, questions, drafts, waiting-for items and
//! due dates moved today, all written through the repositories. Each kind
//! is composed 50 times (reads + brain + both renderings), then composed and
//! kept 50 times; the median and p99 are printed in milliseconds.
//!
//! ```text
//! cargo run --release -p chief-store --example briefing_bench -- [sqlite path | postgres url] [tasks=10000] [runs=50]
//! ```

use chief_brain::briefing::BriefingKind;
use chief_domain::calendar::NewCalendarEvent;
use chief_domain::project::{NewProject, ProjectType};
use chief_domain::question::NewQuestion;
use chief_domain::task::{Assignee, NewTask, TaskOp, TaskPatch};
use chief_domain::tenant::Role;
use chief_domain::waiting::NewWaitingItem;
use chief_domain::{Priority, log::Actor};
use chief_store::tenancy::{self, NewUser};
use chief_store::{
    Db, Location, OpenOptions, Scope, calendar, draft, project, question, task, waiting,
};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::time::Instant;
use uuid::Uuid;

/// 08:00 on Tuesday 3 March 2026 in Madrid.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-03T07:00:00Z")
        .expect("a valid time")
        .with_timezone(&Utc)
}

fn at(tenant: chief_domain::TenantId, user: Uuid, t: DateTime<Utc>) -> Scope {
    Scope {
        tenant,
        actor: Actor::user(user),
        trace_id: None,
        now: Some(t),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = tempfile::tempdir()?;
    let target = args
        .first()
        .cloned()
        .unwrap_or_else(|| dir.path().join("chief.db").display().to_string());
    let tasks: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let runs: usize = args
        .get(2)
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
        .max(1);
    let location = if target.starts_with("postgres") {
        Location::Postgres(target.clone())
    } else {
        Location::Sqlite(target.clone().into())
    };
    let db = Db::open(&location, &OpenOptions::default()).await?;
    let started = Instant::now();
    let (tenant, user) = seed(&db, tasks).await?;
    eprintln!(
        "seeded {tasks} tasks in {:.1}s",
        started.elapsed().as_secs_f64()
    );

    println!("briefing for one user with {tasks} tasks, {runs} runs each (ms)");
    println!(
        "{:<9} {:>14} {:>10} {:>20} {:>10}",
        "kind", "compose p50", "p99", "compose+store p50", "p99"
    );
    let scope = Scope::user(tenant, user);
    for kind in BriefingKind::ALL.iter().copied() {
        let mut compose = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let c = chief_app::briefing::compose(&db, tenant, user, kind, now()).await?;
            compose.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(c);
        }
        let mut store = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            chief_app::briefing::compose_and_store(&db, &scope, user, kind, now()).await?;
            store.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (c50, c99) = percentiles(&mut compose);
        let (s50, s99) = percentiles(&mut store);
        println!(
            "{:<9} {c50:>14.2} {c99:>10.2} {s50:>20.2} {s99:>10.2}",
            kind.as_str()
        );
    }
    db.close().await;
    Ok(())
}

/// The median and the 99th percentile (nearest rank).
fn percentiles(samples: &mut [f64]) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let rank =
        |p: f64| samples[((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    (rank(0.5), rank(0.99))
}

async fn seed(
    db: &Db,
    count: usize,
) -> Result<(chief_domain::TenantId, Uuid), chief_store::StoreError> {
    let ws = tenancy::create_workspace(
        db,
        "bench",
        "bench",
        NewUser {
            email: "owner@bench.test".into(),
            name: None,
            role: Role::Owner,
            timezone: "Europe/Madrid".into(),
        },
    )
    .await?;
    let (tenant, user) = (ws.tenant.id, ws.owner.id);
    let mut rng = StdRng::seed_from_u64(7);
    let start = now() - Duration::days(60);

    let mut tx = db.write(&at(tenant, user, start)).await?;
    let mut projects = Vec::new();
    for i in 0..20 {
        let kind = if i < 3 {
            ProjectType::Goal
        } else {
            ProjectType::Project
        };
        let parent = (i >= 3).then(|| projects.get(i % 3).copied()).flatten();
        let p = project::create(
            &mut tx,
            user,
            NewProject {
                name: format!("Project {i}"),
                project_type: Some(kind),
                parent_id: parent,
                ..Default::default()
            },
        )
        .await?;
        projects.push(p.id);
    }
    for i in 0..200 {
        let starts = now() + Duration::hours(rng.random_range(-24 * 30..24 * 30));
        calendar::create(
            &mut tx,
            user,
            NewCalendarEvent {
                title: format!("Meeting {i}"),
                starts_at: starts,
                ends_at: Some(starts + Duration::minutes(45)),
                ..Default::default()
            },
        )
        .await?;
    }
    for i in 0..50 {
        question::create(
            &mut tx,
            user,
            NewQuestion {
                text: format!("Question {i}?"),
                ..Default::default()
            },
            &[],
        )
        .await?;
        draft::create(
            &mut tx,
            user,
            chief_domain::draft::NewDraft::new(
                chief_domain::draft::DraftType::Email,
                format!("Draft {i}"),
            ),
        )
        .await?;
    }
    for i in 0..100 {
        let follow_up = now() + Duration::days(rng.random_range(-20..20));
        waiting::create(
            &mut tx,
            user,
            NewWaitingItem {
                what: format!("Reply {i}"),
                follow_up_date: Some(follow_up),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;

    let mut ids = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(2000) {
        let mut tx = db.write(&at(tenant, user, start)).await?;
        for &i in chunk {
            let due = rng
                .random_bool(0.5)
                .then(|| now() + Duration::days(rng.random_range(-30..60)));
            let new = NewTask {
                title: format!("Task {i}"),
                priority: Some(Priority::try_from(rng.random_range(1..=5)).expect("1 to 5")),
                assignee: Some(if rng.random_bool(0.5) {
                    Assignee::Agent
                } else {
                    Assignee::User
                }),
                project_id: rng
                    .random_bool(0.6)
                    .then(|| projects[rng.random_range(0..projects.len())]),
                due_date: due,
                ..Default::default()
            };
            ids.push(task::create(&mut tx, user, new).await?.id);
        }
        tx.commit().await?;
    }
    // A third completed (ids ≡ 0..29 mod 90), spread over the last 30 days
    // (today included); a few of the others working, and due dates moved this
    // morning (ids ≡ 31 and 32 mod 90, so never completed ones).
    for day in 0..30 {
        let when = now() - Duration::days(day) - Duration::hours(1);
        let mut tx = db.write(&at(tenant, user, when)).await?;
        for id in ids.iter().skip(day as usize).step_by(90) {
            task::transition(&mut tx, *id, TaskOp::Complete, None).await?;
        }
        tx.commit().await?;
    }
    let mut tx = db
        .write(&at(tenant, user, now() - Duration::minutes(30)))
        .await?;
    for id in ids.iter().skip(31).step_by(450) {
        task::transition(&mut tx, *id, TaskOp::Start, None).await?;
    }
    for id in ids.iter().skip(32).step_by(180) {
        let patch = TaskPatch {
            due_date: Some(Some(now() + Duration::days(7))),
            ..Default::default()
        };
        task::update(&mut tx, *id, patch).await?;
    }
    tx.commit().await?;
    Ok((tenant, user))
}
