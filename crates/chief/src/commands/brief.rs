//! `chief brief`: composes a briefing from the store and prints it as plain
//! text, Markdown or JSON. It is only printed unless `--save` asks to keep
//! it, so running it to have a look leaves no trace; a kept one is stored,
//! audited and announced (`briefing.created`) exactly as the API does.

use crate::context::Ctx;
use anyhow::{Result, anyhow, bail};
use chief_app::briefing;
use chief_brain::briefing::BriefingKind;
use chrono::{DateTime, Utc};
use clap::Args;

#[derive(Debug, Args)]
pub struct BriefArgs {
    /// morning (the day's plan), midday (progress check), evening (summary
    /// and prep for tomorrow) or weekly (the review of the last seven days).
    pub kind: String,
    /// Compose as of this instant (RFC 3339, e.g. 2026-03-03T08:00:00+01:00)
    /// instead of now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Print Markdown instead of plain text.
    #[arg(long)]
    pub markdown: bool,
    /// Keep the briefing in the store (listed by `GET /api/briefings`);
    /// by default it is only printed.
    #[arg(long)]
    pub save: bool,
}

pub async fn run(ctx: &Ctx, args: &BriefArgs) -> Result<()> {
    let kind: BriefingKind = args.kind.parse().map_err(|_| {
        let valid: Vec<&str> = BriefingKind::ALL.iter().map(|k| k.as_str()).collect();
        anyhow!(
            "{:?} is not a briefing kind: expected one of {}",
            args.kind,
            valid.join(", ")
        )
    })?;
    if ctx.json && args.markdown {
        bail!("choose one of --json and --markdown");
    }
    let now = match &args.now {
        Some(text) => DateTime::parse_from_rfc3339(text.trim())
            .map_err(|_| {
                anyhow!("--now {text:?} is not an RFC 3339 time such as 2026-03-03T08:00:00+01:00")
            })?
            .with_timezone(&Utc),
        None => ctx.now,
    };
    let (json, markdown, text) = if args.save {
        let kept =
            briefing::compose_and_store(&ctx.db, &ctx.scope(), ctx.user.id, kind, now).await?;
        eoutln!("saved briefing {}", kept.id);
        (serde_json::to_value(&kept)?, kept.markdown, kept.text)
    } else {
        let c = briefing::compose(&ctx.db, ctx.tenant.id, ctx.user.id, kind, now).await?;
        (serde_json::to_value(&c.briefing)?, c.markdown, c.text)
    };
    if ctx.json {
        return crate::output::json(&json);
    }
    out!("{}", if args.markdown { markdown } else { text });
    Ok(())
}
