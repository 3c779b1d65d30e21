//! `chief add` and `chief parse`: one typed line read by the quick-add
//! parser ("Call Patrick tomorrow 3pm !1 +liberty @phone"). `parse` prints
//! what was read and saves nothing, and needs no store; `add` saves the
//! task, its project (created if new), a recurring task when the line
//! repeats, and links the people it names who exist.

use crate::cli::Cli;
use crate::context::{Ctx, now};
use crate::output::{Style, json, paint, short};
use anyhow::{Result, anyhow};
use chief_app::quick_add::{self, AddLine, LineAdded, date_order};
use chief_brain::quick_add::{DateOrder, ParseOptions, QuickAdd, parse, short_name};
use chief_domain::task::Assignee;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use clap::Args;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The task as you would say it: dates ("tomorrow 3pm", "Dec 3", "in 2
    /// weeks"), repeats ("every Monday"), !1 or (A) priority, +project,
    /// @context, #tag, due:YYYY-MM-DD. See `chief parse`.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Assign to the agent instead of yourself.
    #[arg(long)]
    pub agent: bool,
    /// A longer description.
    #[arg(long, short)]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The line to read.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Read relative dates from this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// The IANA time zone (default: the workspace owner's if a store
    /// exists, else $TZ, else UTC).
    #[arg(long, value_name = "IANA")]
    pub tz: Option<String>,
    /// How "3/12" reads: dmy (3 December) or mdy (March 12). Default: the
    /// `date_order` setting, else mdy.
    #[arg(long, value_name = "ORDER")]
    pub date_order: Option<String>,
}

/// `chief parse`: the extraction, without saving. The zone and date order
/// come from the flags, else the workspace owner when a store exists, else
/// $TZ (or UTC) and month first.
pub async fn run_parse(cli: &Cli, args: &ParseArgs) -> Result<()> {
    let text = args.text.join(" ");
    let stored = match (&args.tz, &args.date_order) {
        (Some(_), Some(_)) => None,
        _ => owner_defaults(cli).await,
    };
    let tz = match &args.tz {
        Some(name) => parse_tz(name)?,
        None => match &stored {
            Some((tz, _)) => *tz,
            None => std::env::var("TZ")
                .ok()
                .and_then(|t| t.trim_start_matches(':').parse().ok())
                .unwrap_or(chrono_tz::UTC),
        },
    };
    let date_order = match &args.date_order {
        Some(o) => DateOrder::parse(o)
            .ok_or_else(|| anyhow!("--date-order {o:?} is not a date order: use dmy or mdy"))?,
        None => stored.map(|(_, o)| o).unwrap_or_default(),
    };
    let now = match &args.now {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|_| {
                anyhow!("--now {t:?} is not an RFC 3339 time such as 2026-11-24T10:00:00+01:00")
            })?
            .with_timezone(&Utc),
        None => now()?,
    };
    let q = parse(&text, now.with_timezone(&tz), &ParseOptions { date_order });
    if cli.json {
        return json(&q);
    }
    print_extraction(&q);
    Ok(())
}

fn parse_tz(name: &str) -> Result<Tz> {
    name.parse()
        .map_err(|_| anyhow!("--tz {name:?} is not an IANA time zone such as Europe/Berlin"))
}

/// The acting user's zone and date order, when a store with a workspace
/// can be opened; parsing never requires one.
async fn owner_defaults(cli: &Cli) -> Option<(Tz, DateOrder)> {
    let ctx = Ctx::open(cli).await.ok()?;
    let order = date_order(&ctx.db, ctx.tenant.id, ctx.user.id)
        .await
        .unwrap_or_default();
    ctx.db.close().await;
    Some((ctx.tz, order))
}

fn print_extraction(q: &QuickAdd) {
    let mut rows: Vec<(&str, String)> = vec![("title", q.title.clone())];
    if let Some(due) = &q.due {
        rows.push((
            "due",
            serde_json::to_value(due)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        ));
    }
    if let Some(p) = q.priority {
        rows.push(("priority", p.to_string()));
    }
    if let Some(p) = &q.project {
        rows.push(("project", p.clone()));
    }
    for (label, list) in [
        ("contexts", &q.contexts),
        ("tags", &q.tags),
        ("people", &q.people),
    ] {
        if !list.is_empty() {
            rows.push((label, list.join(", ")));
        }
    }
    if let Some(r) = &q.recurrence {
        rows.push(("repeats", describe_rule(r)));
    }
    if let Some(a) = q.assignee {
        rows.push(("assignee", a.to_string()));
    }
    for (label, value) in rows {
        outln!("{:<9} {value}", format!("{label}:"));
    }
    for w in &q.warnings {
        outln!("{} {w}", paint("note:", Style::Yellow));
    }
}

fn describe_rule(r: &chief_brain::quick_add::Recurrence) -> String {
    let unit = serde_json::to_value(r.frequency)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut s = if r.interval == 1 {
        unit
    } else {
        format!("{unit}, every {}", r.interval)
    };
    if !r.weekdays.is_empty() {
        let days: Vec<&str> = r.weekdays.iter().map(|d| short_name(*d)).collect();
        s.push_str(&format!(" on {}", days.join(", ")));
    }
    s
}

/// `chief add`: parses the line and saves the task.
pub async fn add(ctx: &Ctx, args: &AddArgs) -> Result<()> {
    let line = AddLine {
        text: args.text.join(" "),
        description: args.description.clone(),
        assignee: args.agent.then_some(Assignee::Agent),
    };
    let LineAdded { added, reading } =
        quick_add::add(&ctx.db, &ctx.scope(), ctx.tz, line, "cli").await?;
    let (q, people) = (reading.phrase, reading.people);
    for n in &added.notes {
        eoutln!("note: {n}");
    }
    let (created, repeats) = (added.task, added.repeats);
    if ctx.json {
        return json(&created);
    }
    outln!(
        "Added {} {}",
        paint(&short(&created.id), Style::Cyan),
        super::tasks::describe(ctx, &created)
    );
    let linked: Vec<&str> = people
        .iter()
        .filter(|p| p.person_id.is_some())
        .map(|p| p.name.as_str())
        .collect();
    if !linked.is_empty() {
        outln!("  with {}", linked.join(", "));
    }
    if let (Some(r), Some(rule)) = (&repeats, &q.recurrence) {
        outln!(
            "  repeats {}; next on {}",
            describe_rule(rule),
            r.next_run.with_timezone(&ctx.tz).format("%a %b %-d")
        );
    }
    Ok(())
}
