//! Fills a store with the API benchmark's dataset, through the repositories
//! (so every row is audited and indexed as in real use), and prints one
//! owner API key per workspace, the big one first. The big workspace also
//! gets a calendar (six events a day from 180 days back to 60 ahead) and a
//! sales pipeline of 300 deals.
//!
//! ```text
//! cargo run --release -p chief-store --example bench_seed -- <sqlite path | postgres url> \
//!     [big_tasks=100000] [people=5000] [playbooks=1000] [small_tenants=9] [small_tasks=10000]
//! ```

use chief_domain::Priority;
use chief_domain::calendar::NewCalendarEvent;
use chief_domain::person::NewPerson;
use chief_domain::playbook::NewPlaybook;
use chief_domain::sales::{NewSalesOpportunity, SalesStage};
use chief_domain::task::{Assignee, NewTask};
use chief_domain::tenant::Role;
use chief_store::tenancy::{self, NewUser};
use chief_store::{Db, Location, OpenOptions, Scope, calendar, person, playbook, sales, task};
use chrono::{Duration, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng};

const CHUNK: usize = 2000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args
        .first()
        .ok_or("usage: bench_seed <path|url> [counts...]")?;
    let n = |i: usize, default: usize| -> usize {
        args.get(i).and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let (big_tasks, people, playbooks, small_tenants, small_tasks) = (
        n(1, 100_000),
        n(2, 5_000),
        n(3, 1_000),
        n(4, 9),
        n(5, 10_000),
    );
    let location = if target.starts_with("postgres") {
        Location::Postgres(target.clone())
    } else {
        Location::Sqlite(target.into())
    };
    let db = Db::open(&location, &OpenOptions::default()).await?;
    let mut rng = StdRng::seed_from_u64(42);
    let mut keys = Vec::new();
    for t in 0..=small_tenants {
        let (slug, tasks, people, playbooks) = if t == 0 {
            ("bench".to_string(), big_tasks, people, playbooks)
        } else {
            (format!("bench-{t}"), small_tasks, 0, 0)
        };
        let ws = tenancy::create_workspace(
            &db,
            &slug,
            &slug,
            NewUser {
                email: format!("owner@{slug}.test"),
                name: Some("Bench Owner".into()),
                role: Role::Owner,
                timezone: "UTC".into(),
            },
        )
        .await?;
        let scope = Scope::user(ws.tenant.id, ws.owner.id);
        let owner = ws.owner.id;
        seed_people(&db, &scope, owner, people).await?;
        seed_playbooks(&db, &scope, owner, playbooks).await?;
        seed_tasks(&db, &scope, owner, tasks, &mut rng).await?;
        if t == 0 {
            seed_calendar_and_sales(&db, &scope, owner, &mut rng).await?;
        }
        eprintln!("{slug}: {tasks} tasks, {people} people, {playbooks} playbooks");
        keys.push(ws.api_key);
    }
    for k in keys {
        println!("{k}");
    }
    db.close().await;
    Ok(())
}

async fn seed_tasks(
    db: &Db,
    scope: &Scope,
    owner: uuid::Uuid,
    count: usize,
    rng: &mut StdRng,
) -> Result<(), chief_store::StoreError> {
    const WORDS: [&str; 12] = [
        "Call", "Email", "Review", "Draft", "Plan", "Book", "Chase", "Prepare", "Send", "Update",
        "Check", "Sort",
    ];
    const THINGS: [&str; 10] = [
        "the proposal",
        "Q3 numbers",
        "the offsite",
        "invoice 42",
        "hiring plan",
        "board deck",
        "travel",
        "contract",
        "newsletter",
        "roadmap",
    ];
    let now = Utc::now();
    let mut done = 0;
    while done < count {
        let mut tx = db.write(scope).await?;
        for i in done..(done + CHUNK).min(count) {
            let due = rng
                .random_bool(0.5)
                .then(|| now + Duration::days(rng.random_range(-30..60)));
            let new = NewTask {
                title: format!(
                    "{} {} #{i}",
                    WORDS[rng.random_range(0..WORDS.len())],
                    THINGS[rng.random_range(0..THINGS.len())]
                ),
                priority: Some(Priority::try_from(rng.random_range(1..=5)).expect("1..=5")),
                assignee: Some(if rng.random_bool(0.5) {
                    Assignee::Agent
                } else {
                    Assignee::User
                }),
                due_date: due,
                due_has_time: false,
                tags: vec![format!("t{}", rng.random_range(0..20))],
                source: Some("bench".into()),
                ..Default::default()
            };
            task::create(&mut tx, owner, new).await?;
        }
        tx.commit().await?;
        done = (done + CHUNK).min(count);
    }
    Ok(())
}

async fn seed_people(
    db: &Db,
    scope: &Scope,
    owner: uuid::Uuid,
    count: usize,
) -> Result<(), chief_store::StoreError> {
    let mut done = 0;
    while done < count {
        let mut tx = db.write(scope).await?;
        for i in done..(done + CHUNK).min(count) {
            let new = NewPerson {
                name: format!("Person {i}"),
                email: Some(format!("person{i}@example.test")),
                company: Some(format!("Company {}", i % 300)),
                communication_notes: Some("Prefers short emails".into()),
                ..Default::default()
            };
            person::create(&mut tx, owner, new).await?;
        }
        tx.commit().await?;
        done = (done + CHUNK).min(count);
    }
    Ok(())
}

async fn seed_playbooks(
    db: &Db,
    scope: &Scope,
    owner: uuid::Uuid,
    count: usize,
) -> Result<(), chief_store::StoreError> {
    let mut tx = db.write(scope).await?;
    for i in 0..count {
        let new = NewPlaybook {
            name: format!("Playbook {i}"),
            description: format!("How we handle case {i}"),
            category: Some(format!("cat{}", i % 12)),
            triggers: vec![format!("case {i}")],
            must_consult: i % 100 == 0,
            content: format!("Step one for case {i}. Step two. Step three."),
            scripts: serde_json::Value::Null,
            references: serde_json::Value::Null,
            examples: serde_json::Value::Null,
        };
        playbook::create(&mut tx, owner, new).await?;
    }
    tx.commit().await
}

async fn seed_calendar_and_sales(
    db: &Db,
    scope: &Scope,
    owner: uuid::Uuid,
    rng: &mut StdRng,
) -> Result<(), chief_store::StoreError> {
    const STAGES: [SalesStage; 6] = [
        SalesStage::Lead,
        SalesStage::Qualified,
        SalesStage::Proposal,
        SalesStage::Negotiation,
        SalesStage::ClosedWon,
        SalesStage::ClosedLost,
    ];
    let today = Utc::now().date_naive();
    let mut tx = db.write(scope).await?;
    for day in -180..60 {
        let date = today + Duration::days(day);
        for slot in 0..6 {
            let starts_at = date
                .and_hms_opt(8 + slot * 2, 0, 0)
                .expect("a valid hour")
                .and_utc();
            let new = NewCalendarEvent {
                title: format!("Meeting {slot} with Person {}", rng.random_range(0..5000)),
                description: Some("Agenda: status, risks, next steps".into()),
                location: (slot % 2 == 0).then(|| "Room 2".to_string()),
                starts_at,
                ends_at: Some(starts_at + Duration::minutes(45)),
                all_day: false,
                source: None,
                external_uid: None,
            };
            calendar::create(&mut tx, owner, new).await?;
        }
    }
    for i in 0..300 {
        let new = NewSalesOpportunity {
            name: format!("Deal {i}"),
            client_id: None,
            description: Some(format!("Licences for team {i}")),
            stage: Some(STAGES[rng.random_range(0..STAGES.len())]),
            value_cents: Some(rng.random_range(1_000..500_000) * 100),
            probability: Some(rng.random_range(5..95)),
            expected_close_date: Some(today + Duration::days(rng.random_range(-30..120))),
            next_action: Some("Send the proposal".into()),
            next_action_date: Some(today + Duration::days(rng.random_range(0..14))),
            notes: None,
        };
        sales::create(&mut tx, owner, new).await?;
    }
    tx.commit().await
}
