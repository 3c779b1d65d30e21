//! The agent benchmark (`bench/agent.sh`), on the API bench dataset: the
//! built-in loop works `tasks` agent tasks against a local fake model that
//! speaks Anthropic's streaming wire format, and this prints
//!
//! 1. the input tokens of each task's first model call next to a naive
//!    dump of the workspace's context (every task, person, project,
//!    playbook and learning) — target ≤ 1/10;
//! 2. the share of input tokens a prompt cache serves on every call after
//!    a run's first — target ≥ 80%;
//! 3. our own time per agent step (each model call and tool call the
//!    journal records), with the model's time left out — target ≤ 5 ms.
//!
//! Tokens are estimated as characters / 4 of the text the model reads
//! (tool definitions, system prompt, messages), the same way on both
//! sides. The cache share follows Anthropic's rule: a call reads from the
//! cache the longest prefix, ending at a `cache_control` breakpoint of an
//! earlier call of the run, that is unchanged.
//!
//! ```text
//! cargo run --release -p chief-ai --example agent_bench -- <sqlite path | postgres url> [tasks=20]
//! ```

use chief_ai::agent::{Agent, AgentOptions, Outcome};
use chief_ai::{Caller, Registry};
use chief_domain::log::Actor;
use chief_domain::task::{Assignee, NewTask};
use chief_llm::testing::{FakeModel, Flavor, Received, Reply, Turn};
use chief_store::{Db, Location, OpenOptions, Page, Scope, knowledge, person, playbook, project};
use serde_json::{Value, json};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args
        .first()
        .ok_or("usage: agent_bench <sqlite path | postgres url> [tasks=20]")?;
    let tasks: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(20);
    let location = if target.starts_with("postgres") {
        Location::Postgres(target.clone())
    } else {
        Location::Sqlite(target.into())
    };
    let db = Db::open(&location, &OpenOptions::default()).await?;
    let tenant = chief_store::tenancy::list_tenants(&db)
        .await?
        .into_iter()
        .find(|t| t.slug == "bench")
        .ok_or("no `bench` workspace: seed it with bench/dataset.sh")?;
    let owner = chief_store::tenancy::list_users(&db, tenant.id).await?[0].clone();
    let caller = Caller::new(
        db.clone(),
        Scope {
            actor: Actor::agent(owner.id),
            ..Scope::user(tenant.id, owner.id)
        },
    );

    let naive = naive_dump_tokens(&db, tenant.id).await?;
    add_tasks(&caller, tasks).await?;
    let fake = FakeModel::start(Flavor::Anthropic).await;
    let (provider, _) = fake.provider("claude-sonnet-4-5");
    let agent = Agent {
        registry: Registry::work_loop(),
        provider,
        options: AgentOptions::default(),
    };

    let mut first_call = Vec::new();
    let mut cached_share = Vec::new();
    let mut per_step = Vec::new();
    for _ in 0..tasks {
        let next = agent
            .registry
            .call(&caller, "get_next_task", json!({}))
            .await?;
        let id = next["task"]["id"]
            .as_str()
            .ok_or("the queue ran dry")?
            .to_string();
        let who = next["task"]["title"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        fake.script([
            Reply::Answer(Turn::tool_call("s1", "search", json!({"q": who}))),
            Reply::Answer(Turn::tool_call(
                "d1",
                "create_draft",
                json!({"type": "email", "recipient": "Person 7", "task_id": id,
                       "body": "Hi, following up on case 7 as promised. Best, Bench"}),
            )),
            Reply::Answer(Turn::tool_call(
                "c1",
                "complete_task",
                json!({"task_id": id, "nothing_learned": true}),
            )),
        ]);
        let seen = fake.received().len();
        let started = Instant::now();
        let report = match agent.run_once(&caller).await? {
            Outcome::Ran(report) => report,
            Outcome::Idle => return Err("the queue ran dry".into()),
        };
        let wall = started.elapsed();
        if report.status.as_str() != "completed" {
            return Err(format!("a run ended {:?}: {:?}", report.status, report.note).into());
        }
        let calls: Vec<Received> = fake.received()[seen..].to_vec();
        first_call.push(tokens(&calls[0].body) as f64);
        if std::env::var("BENCH_VERBOSE").is_ok() {
            for c in &calls {
                let p = pieces(&c.body);
                eprintln!(
                    "call: {} tokens; pieces: {:?}",
                    tokens(&c.body),
                    p.iter().map(|(x, m)| (x.len() / 4, *m)).collect::<Vec<_>>()
                );
            }
        }
        for k in 1..calls.len() {
            cached_share.push(
                cached_tokens(&calls[..k], &calls[k].body) as f64 / tokens(&calls[k].body) as f64,
            );
        }
        let steps = steps_of(&db, tenant.id, report.run_id).await?;
        per_step
            .push((wall.saturating_sub(report.model_time)).as_secs_f64() * 1000.0 / steps as f64);
    }

    let backend = if target.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("agent bench on {backend}, {tasks} loop tasks (3 model calls each, fake model)");
    let first = median(&mut first_call);
    println!(
        "input tokens, first call of a task: median {first:.0}; naive dump of the workspace: {naive}; ratio 1/{:.0} (target <= 1/10)",
        naive as f64 / first
    );
    println!(
        "cached prefix after the first call: median {:.1}%, min {:.1}% (target >= 80%)",
        median(&mut cached_share) * 100.0,
        cached_share.iter().cloned().fold(f64::INFINITY, f64::min) * 100.0
    );
    let p = percentile(&mut per_step, 0.9);
    println!(
        "our overhead per agent step, model time left out: median {:.2} ms, p90 {p:.2} ms (target <= 5 ms)",
        median(&mut per_step)
    );
    db.close().await;
    Ok(())
}

/// Agent tasks like a person hands over: a follow-up with someone, on a
/// case a playbook covers, in a project, due soon.
async fn add_tasks(caller: &Caller, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut tx = caller.db.write(&caller.scope).await?;
    let user = caller.user()?;
    for i in 0..n {
        let new = NewTask {
            title: format!(
                "Draft a follow-up email to Person {} about case {}",
                i * 7,
                i * 3
            ),
            description: Some(format!(
                "They asked about case {} last week; reply with the next steps and a date.",
                i * 3
            )),
            assignee: Some(Assignee::Agent),
            priority: Some(chief_domain::Priority::try_from(1)?),
            due_date: Some(chrono::Utc::now() - chrono::Duration::days(40)),
            ..Default::default()
        };
        chief_store::task::create(&mut tx, user, new).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The tokens of everything the workspace knows, dumped as JSON.
async fn naive_dump_tokens(
    db: &Db,
    tenant: chief_domain::TenantId,
) -> Result<usize, Box<dyn std::error::Error>> {
    let mut chars = 0;
    let filter = chief_store::task_query::TaskFilter::default();
    let mut offset = 0;
    loop {
        let page = chief_store::task_query::list(
            db,
            tenant,
            &filter,
            Page {
                limit: 1000,
                offset,
            },
        )
        .await?;
        chars += serde_json::to_string(&page.items)?.len();
        offset += 1000;
        if offset >= page.total {
            break;
        }
    }
    chars += serde_json::to_string(&person::list(db, tenant).await?)?.len();
    chars += serde_json::to_string(&project::list(db, tenant, None, None).await?)?.len();
    chars += serde_json::to_string(&playbook::list(db, tenant, &Default::default()).await?)?.len();
    let learned = knowledge::list(
        db,
        tenant,
        &Default::default(),
        Page {
            limit: 10_000,
            offset: 0,
        },
    )
    .await?;
    chars += serde_json::to_string(&learned.items)?.len();
    Ok(chars / 4)
}

/// One request's readable pieces in order — each tool, each system block,
/// each message block — with whether a cache breakpoint ends it.
fn pieces(body: &Value) -> Vec<(String, bool)> {
    fn piece(v: &Value, role: Option<&Value>) -> (String, bool) {
        let mut v = v.clone();
        let marked = v
            .as_object_mut()
            .and_then(|o| o.remove("cache_control"))
            .is_some();
        let text = match role {
            Some(role) => json!({"role": role, "block": v}).to_string(),
            None => v.to_string(),
        };
        (text, marked)
    }
    let mut out = Vec::new();
    for t in body["tools"].as_array().into_iter().flatten() {
        out.push(piece(t, None));
    }
    for s in body["system"].as_array().into_iter().flatten() {
        out.push(piece(s, None));
    }
    for m in body["messages"].as_array().into_iter().flatten() {
        for b in m["content"].as_array().into_iter().flatten() {
            out.push(piece(b, Some(&m["role"])));
        }
    }
    out
}

fn tokens(body: &Value) -> usize {
    pieces(body).iter().map(|(p, _)| p.len()).sum::<usize>() / 4
}

/// The tokens of `body` a cache filled by `earlier` calls would serve.
fn cached_tokens(earlier: &[Received], body: &Value) -> usize {
    let now = pieces(body);
    let mut best = 0;
    for call in earlier {
        let before = pieces(&call.body);
        let mut chars = 0;
        for (i, (piece, marked)) in before.iter().enumerate() {
            if now.get(i).map(|(p, _)| p) != Some(piece) {
                break;
            }
            chars += piece.len();
            if *marked {
                best = best.max(chars);
            }
        }
    }
    best / 4
}

async fn steps_of(
    db: &Db,
    tenant: chief_domain::TenantId,
    run: uuid::Uuid,
) -> Result<i64, chief_store::StoreError> {
    let steps = chief_store::agent::journal_reads::steps_of(db, tenant, run).await?;
    Ok(i64::try_from(steps.len()).unwrap_or(i64::MAX))
}

fn median(v: &mut [f64]) -> f64 {
    percentile(v, 0.5)
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}
