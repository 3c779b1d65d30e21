//! How long matching one task against 1,000 active playbooks takes, the
//! load `/api/tasks/next` puts on the matcher. Run with
//! `cargo run --release -p chief-brain --example playbook_match_bench`;
//! prints the median and p99 in microseconds per match.

use chief_brain::playbook_match::match_playbooks;
use chief_domain::TenantId;
use chief_domain::playbook::{Playbook, PlaybookStatus};
use chrono::{TimeZone, Utc};
use std::hint::black_box;
use std::time::Instant;

const TOPICS: &[&str] = &[
    "email",
    "invoice",
    "meeting",
    "travel",
    "expense",
    "contract",
    "interview",
    "incident",
    "proposal",
    "onboarding",
    "report",
    "budget",
    "vendor",
    "launch",
    "review",
    "support",
];

const FILLER: &[&str] = &[
    "check", "the", "calendar", "approve", "draft", "send", "client", "team", "weekly", "legal",
    "finance", "portal", "template", "summary", "owner", "deadline", "status", "follow",
];

/// A thousand playbooks with names, descriptions and triggers of the usual
/// length, made from the word lists by a fixed rule.
fn playbooks(n: usize) -> Vec<Playbook> {
    let at = Utc
        .with_ymd_and_hms(2026, 1, 15, 9, 0, 0)
        .single()
        .expect("a valid time");
    (0..n)
        .map(|i| {
            let topic = TOPICS[i % TOPICS.len()];
            let word = |k: usize| FILLER[(i * 7 + k * 3) % FILLER.len()];
            let description = (0..25).map(word).collect::<Vec<_>>().join(" ");
            Playbook {
                id: uuid::Uuid::from_u128(i as u128 + 1),
                tenant_id: TenantId(uuid::Uuid::from_u128(1)),
                user_id: uuid::Uuid::from_u128(2),
                name: format!("{topic}-{}-guide-{i}", word(1)),
                description: format!("How we handle {topic}: {description}."),
                category: Some(topic.to_string()),
                triggers: vec![
                    format!("{topic} {}", word(2)),
                    format!("{} {topic}", word(3)),
                ],
                must_consult: i % 50 == 0,
                content: String::new(),
                scripts: serde_json::json!({}),
                references: serde_json::json!({}),
                examples: serde_json::json!([]),
                learned_from: None,
                source_task_id: None,
                last_used: None,
                use_count: 0,
                status: PlaybookStatus::Active,
                created_at: at,
                updated_at: at,
            }
        })
        .collect()
}

fn main() {
    let playbooks = playbooks(1_000);
    let tasks = [
        "Draft follow-up email to Patrick about the Liberty renewal",
        "Schedule the quarterly budget review with finance",
        "Chase the overdue invoice from Acme, 45 days late",
        "Book travel for the Lisbon offsite and file the expense report",
        "Water the office plants",
    ];
    let mut micros = Vec::new();
    for round in 0..2_000 {
        let task = tasks[round % tasks.len()];
        let start = Instant::now();
        black_box(match_playbooks(black_box(task), &playbooks));
        micros.push(start.elapsed().as_secs_f64() * 1e6);
    }
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| micros[((micros.len() - 1) as f64 * q) as usize];
    println!(
        "match_playbooks over {} playbooks: median {:.0} µs, p99 {:.0} µs per match ({} runs)",
        playbooks.len(),
        at(0.5),
        at(0.99),
        micros.len()
    );
}
