//! `chief learn`: captures a learning and routes it through the same store
//! function as `POST /api/knowledge/capture`. `--dry-run` prints the plan
//! that capture would apply, from the same decision, and writes nothing.

use crate::context::Ctx;
use crate::output::json;
use anyhow::{Result, bail};
use chief_app::knowledge_plan::{self, Candidate};
use chief_app::knowledge_routing::Capture;
use clap::Args;

#[derive(Debug, Args)]
pub struct LearnArgs {
    /// What was learned, such as "Liberty wants invoices monthly".
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Show where it would go without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(ctx: &Ctx, args: &LearnArgs) -> Result<()> {
    let content = args.text.join(" ");
    if content.trim().is_empty() {
        bail!(
            "nothing to learn: give the learning as text, e.g. chief learn \"Pat prefers calls\""
        );
    }
    let capture = Capture {
        content,
        ..Default::default()
    };
    if args.dry_run {
        let plan =
            knowledge_plan::plan((&ctx.db).into(), ctx.tenant.id, ctx.user.id, &capture).await?;
        if ctx.json {
            return json(&plan);
        }
        outln!("category: {}", plan.category.as_str());
        if let Some(t) = &plan.target {
            let field = t
                .field_updated
                .as_deref()
                .unwrap_or("new proposed playbook");
            outln!("would go to: {} {} ({field})", t.target_type, t.name);
        }
        print_match(plan.matched.as_ref());
        let why = plan.review_reason.as_deref().unwrap_or_default();
        print_status(plan.status.as_str(), why, &plan.candidates);
        outln!("dry run: nothing was written");
        return Ok(());
    }
    let routed = chief_app::knowledge::capture_learning(&ctx.db, &ctx.scope(), capture).await?;
    if ctx.json {
        return json(&routed);
    }
    outln!("category: {}", routed.knowledge.category.as_str());
    if let Some(t) = &routed.routed_to {
        let field = t
            .field_updated
            .as_deref()
            .unwrap_or("new proposed playbook");
        outln!("routed to: {} {} ({field})", t.target_type, t.name);
    }
    print_match(routed.matched.as_ref());
    let why = routed
        .action_taken
        .strip_prefix("Held for review: ")
        .unwrap_or(&routed.action_taken);
    print_status(routed.knowledge.status.as_str(), why, &routed.candidates);
    Ok(())
}

fn print_match(matched: Option<&Candidate>) {
    if let Some(m) = matched {
        outln!("found by: {} ({:.2})", m.how, m.score);
    }
}

fn print_status(status: &str, why: &str, candidates: &[Candidate]) {
    if status == "pending_review" {
        outln!("status: pending_review ({why})");
    } else {
        outln!("status: {status}");
    }
    for c in candidates {
        outln!(
            "candidate: {} {} ({}, {:.2})",
            c.entity_type,
            c.name,
            c.how,
            c.score
        );
    }
}
