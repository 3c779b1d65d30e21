//! `chief suggest`: what to do now, ranked with reasons by the same
//! operation as `GET /api/tasks/suggest` (`chief_app::suggest`).

use crate::context::Ctx;
use crate::output::{Style, json, paint, short};
use anyhow::Result;
use chief_app::suggest::{self, Ask};
use chief_brain::suggest::Energy;
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Where you are (phone, @home, …); inferred from the clock and your
    /// calendar when absent (rules: the setting suggest.context_rules).
    #[arg(long, short = 'c')]
    pub context: Option<String>,
    /// Minutes you have; tasks estimated longer are left out.
    #[arg(long, short = 'm', value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub minutes: Option<u32>,
    /// Your energy: high favours long or important work, low quick wins.
    #[arg(long, short = 'e', value_enum)]
    pub energy: Option<EnergyArg>,
    /// How many to show (1 to 100).
    #[arg(long, short = 'n', default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnergyArg {
    Low,
    High,
}

pub async fn run(ctx: &Ctx, args: &SuggestArgs) -> Result<()> {
    let ask = Ask {
        context: args.context.clone(),
        minutes: args.minutes,
        energy: args.energy.map(|e| match e {
            EnergyArg::Low => Energy::Low,
            EnergyArg::High => Energy::High,
        }),
        limit: args.limit as usize,
    };
    let found = suggest::suggest(&ctx.db, &ctx.user, &ask, ctx.now).await?;
    if ctx.json {
        return json(&found);
    }
    let context = match (&found.context.value, found.context.inferred) {
        (Some(c), false) => format!("@{c}"),
        (Some(c), true) => format!("@{c} (inferred: {})", found.context.reason),
        (None, _) => format!("any context ({})", found.context.reason),
    };
    outln!(
        "{}",
        paint(&format!("Suggestions for {context}"), Style::Dim)
    );
    if found.suggestions.is_empty() {
        outln!("Nothing fits now. Try without --context or --minutes, or `chief next`.");
        return Ok(());
    }
    for (i, s) in found.suggestions.iter().enumerate() {
        outln!(
            "{:>2}. {} {}  {}",
            i + 1,
            paint(&short(&s.task.id), Style::Cyan),
            s.task.title,
            paint(&format!("[{:.0}]", s.score), Style::Dim)
        );
        if !s.reasons.is_empty() {
            outln!("      {}", paint(&s.reasons.join(" · "), Style::Dim));
        }
    }
    Ok(())
}
