//! The playbook set: `tests/data/playbooks.jsonl`, one task a line as people
//! write them, with the playbook an agent should read first (`top1`), or
//! `null` when none applies. Every task is matched against the fifteen
//! playbooks below, one of them the must-consult email guide. The first
//! playbook read is the best match, else the first relevant must-consult
//! one: the order `/tasks/{id}/start` hands them out in.

use super::{Report, data_lines};
use chief_brain::playbook_match::match_playbooks;
use chief_domain::TenantId;
use chief_domain::playbook::{Playbook, PlaybookStatus};
use chrono::{TimeZone, Utc};
use serde::Deserialize;

const DATA: &str = include_str!("../data/playbooks.jsonl");

/// name, category, must_consult, triggers, description.
type Spec = (
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    &'static str,
);

const PLAYBOOKS: &[Spec] = &[
    (
        "email-drafting-guide",
        "communication",
        true,
        &["draft email", "email to", "reply to", "follow up with"],
        "Guide for drafting external emails. MUST consult before ANY email. Covers tone, relationship awareness, strategic considerations.",
    ),
    (
        "meeting-scheduling",
        "scheduling",
        false,
        &["schedule a meeting", "book a meeting", "set up a call"],
        "How we schedule meetings: check all three calendars, propose two slots, send the invite with an agenda.",
    ),
    (
        "expense-reports",
        "finance",
        false,
        &["expense report", "file expenses"],
        "Filing expense reports: scan receipts, upload to Expensify, tag the project and cost centre.",
    ),
    (
        "travel-booking",
        "travel",
        false,
        &["book travel", "book a flight", "book a hotel"],
        "Booking business travel through the company portal: refundable fares, hotels near the client site, per diem limits.",
    ),
    (
        "sales-proposal",
        "sales",
        false,
        &["write a proposal", "send a quote", "pricing proposal"],
        "Writing a sales proposal or quote: pricing tiers, discount approval, legal review of terms.",
    ),
    (
        "client-onboarding",
        "clients",
        false,
        &["onboard", "kickoff"],
        "Onboarding a new client: kickoff call, welcome pack, access setup, first-week check-in.",
    ),
    (
        "invoice-collection",
        "finance",
        false,
        &["overdue invoice", "chase payment"],
        "Chasing overdue invoices: friendly reminder at 7 days, call at 30 days, escalate to finance at 60.",
    ),
    (
        "hiring-interviews",
        "hiring",
        false,
        &["interview", "candidate"],
        "Running candidate interviews: scorecard, structured questions, debrief within 24 hours, feedback to the recruiter.",
    ),
    (
        "board-reporting",
        "reporting",
        false,
        &["board deck", "board meeting prep"],
        "Preparing the quarterly board deck: financials, KPIs, churn, runway, risks; send to the board a week before.",
    ),
    (
        "incident-response",
        "technical",
        false,
        &["outage", "incident", "site is down"],
        "Production incident response: open an incident channel, page on-call, post status updates every 30 minutes, write a postmortem.",
    ),
    (
        "social-media-posts",
        "marketing",
        false,
        &["linkedin post", "tweet"],
        "Posting on LinkedIn and Twitter: brand voice, approved hashtags, schedule in Buffer, get marketing sign-off.",
    ),
    (
        "contract-review",
        "legal",
        false,
        &["nda", "redline", "review the contract"],
        "Reviewing contracts and NDAs: check liability caps, termination clauses, auto-renewal; send redlines to legal.",
    ),
    (
        "weekly-review",
        "planning",
        false,
        &["weekly review", "plan next week"],
        "Weekly review every Friday: clear inboxes, update project status, plan next week's priorities.",
    ),
    (
        "vendor-payments",
        "finance",
        false,
        &["pay vendor", "supplier payment"],
        "Paying vendors and suppliers: check the PO matches, get approval over 5k, pay by bank transfer on Thursdays.",
    ),
    (
        "customer-support-escalation",
        "support",
        false,
        &["complaint", "escalate ticket"],
        "Escalating a customer complaint or support ticket: acknowledge within an hour, loop in the account manager, log in Zendesk.",
    ),
];

/// The fifteen playbooks every task is matched against.
pub fn fixture() -> Vec<Playbook> {
    let at = Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap();
    PLAYBOOKS
        .iter()
        .enumerate()
        .map(
            |(i, (name, category, must_consult, triggers, description))| Playbook {
                id: uuid::Uuid::from_u128(i as u128 + 1),
                tenant_id: TenantId(uuid::Uuid::from_u128(1000)),
                user_id: uuid::Uuid::from_u128(2000),
                name: name.to_string(),
                description: description.to_string(),
                category: Some(category.to_string()),
                triggers: triggers.iter().map(|t| t.to_string()).collect(),
                must_consult: *must_consult,
                content: format!("# {name}"),
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
            },
        )
        .collect()
}

#[derive(Deserialize)]
struct Case {
    task: String,
    top1: Option<String>,
}

/// Scores [`match_playbooks`]: the `top1` playbook read first.
pub fn score() -> Report {
    let playbooks = fixture();
    let mut report = Report::new("playbooks");
    for (line, row) in data_lines(DATA) {
        let case: Case =
            serde_json::from_str(row).unwrap_or_else(|e| panic!("playbooks.jsonl:{line}: {e}"));
        let found = match_playbooks(&case.task, &playbooks);
        let first = found
            .matched
            .first()
            .map(|m| (m.playbook.name.clone(), m.match_reason.clone()))
            .or_else(|| {
                found
                    .must_consult
                    .first()
                    .map(|c| (c.playbook.name.clone(), c.match_reason.clone()))
            });
        let got = first.as_ref().map(|(name, _)| name.clone());
        report.cases += 1;
        report.check("top1", got == case.top1, || {
            format!(
                "line {line} {:?}: want {:?}, got {first:?}",
                case.task, case.top1
            )
        });
    }
    report
}
