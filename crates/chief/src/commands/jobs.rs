//! `chief jobs` (your scheduled jobs: list, history, run, pause, resume)
//! and `chief run-job` (one job for everyone, once, for a system cron).

use crate::cli::Cli;
use crate::context::{Ctx, open_existing};
use crate::dates::ago;
use crate::output::{Style, Table, json, short};
use anyhow::{Result, bail};
use chief_app::job_work;
use chief_app::polish::NoPolish;
use chief_domain::job::{Job, JobKind, JobRun, RunStatus};
use chief_scheduler::Scheduler;
use chief_store::job;
use chief_store::job_run;
use chief_store::{Page, StoreError};
use chrono::Utc;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Your jobs with their schedule, time zone and next run.
    #[command(alias = "ls")]
    List,
    /// A job's runs, newest first.
    History {
        name: String,
        /// How many runs to show.
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: i64,
    },
    /// Run a job now (its schedule is unchanged).
    Run { name: String },
    /// Stop a job from running until resumed.
    Pause { name: String },
    /// Resume a paused job from its next occurrence; missed runs are not replayed.
    Resume { name: String },
}

/// The acting user's job named `name`, with the names there are when it
/// does not exist.
async fn named(ctx: &Ctx, name: &str) -> Result<Job> {
    match job::by_name(&ctx.db, ctx.tenant.id, ctx.user.id, name).await {
        Ok(j) => Ok(j),
        Err(StoreError::NotFound { .. }) => {
            let names: Vec<String> = job::list(&ctx.db, ctx.tenant.id, Some(ctx.user.id))
                .await?
                .into_iter()
                .map(|j| j.name)
                .collect();
            if names.is_empty() {
                bail!(
                    "no job {name:?}: you have no jobs yet (`chief serve` gives each user the built-in ones)"
                );
            }
            bail!("no job {name:?}; yours are: {}", names.join(", "))
        }
        Err(e) => Err(e.into()),
    }
}

fn status_style(status: RunStatus) -> Style {
    match status {
        RunStatus::Succeeded => Style::Green,
        RunStatus::Failed => Style::Red,
        RunStatus::Missed => Style::Yellow,
        RunStatus::Running => Style::Cyan,
    }
}

fn print_run(run: &JobRun) {
    let detail = run.error.as_deref().or(run.output.as_deref()).unwrap_or("");
    outln!("{} ({}): {detail}", run.status, run.cause);
}

pub async fn jobs(ctx: &Ctx, cmd: &JobsCommand) -> Result<()> {
    match cmd {
        JobsCommand::List => {
            chief_app::job::ensure_builtin(&ctx.db, &ctx.scope(), &ctx.user.timezone).await?;
            let jobs = job::list(&ctx.db, ctx.tenant.id, Some(ctx.user.id)).await?;
            if ctx.json {
                return json(&jobs);
            }
            let mut table =
                Table::new(&["name", "schedule", "timezone", "next run", "state", "what"]);
            for j in &jobs {
                let (state, style) = if j.enabled {
                    ("on", Style::Green)
                } else {
                    ("paused", Style::Yellow)
                };
                let next = j
                    .next_run_at
                    .with_timezone(&ctx.tz)
                    .format("%a %Y-%m-%d %H:%M")
                    .to_string();
                table.row(vec![
                    (j.name.clone(), Style::Cyan),
                    (j.schedule.clone(), Style::Plain),
                    (j.timezone.clone(), Style::Dim),
                    (next, Style::Plain),
                    (state.into(), style),
                    (j.kind.describe().into(), Style::Dim),
                ]);
            }
            table.print();
        }
        JobsCommand::History { name, limit } => {
            let j = named(ctx, name).await?;
            let runs = job_run::runs(
                &ctx.db,
                ctx.tenant.id,
                j.id,
                Page {
                    limit: *limit,
                    offset: 0,
                },
            )
            .await?;
            if ctx.json {
                return json(&runs);
            }
            if runs.items.is_empty() {
                outln!(
                    "{} has not run yet; next at {}",
                    j.name,
                    j.next_run_at
                        .with_timezone(&ctx.tz)
                        .format("%Y-%m-%d %H:%M %Z")
                );
                return Ok(());
            }
            let mut table = Table::new(&["run", "for", "started", "status", "cause", "output"]);
            for r in &runs.items {
                table.row(vec![
                    (short(&r.id), Style::Dim),
                    (
                        r.scheduled_for
                            .with_timezone(&ctx.tz)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                        Style::Plain,
                    ),
                    (ago(r.started_at, ctx.now), Style::Dim),
                    (r.status.to_string(), status_style(r.status)),
                    (r.cause.clone(), Style::Plain),
                    (
                        r.error.clone().or(r.output.clone()).unwrap_or_default(),
                        Style::Plain,
                    ),
                ]);
            }
            table.print();
        }
        JobsCommand::Run { name } => {
            let j = named(ctx, name).await?;
            let run = job_work::run_now(&ctx.db, &NoPolish, &j, "cli", Utc::now()).await?;
            if ctx.json {
                return json(&run);
            }
            print_run(&run);
            if run.status == RunStatus::Failed {
                bail!("{} failed", j.name);
            }
        }
        JobsCommand::Pause { name } | JobsCommand::Resume { name } => {
            let j = named(ctx, name).await?;
            let enabled = matches!(cmd, JobsCommand::Resume { .. });
            let j = chief_app::job::set_enabled(&ctx.db, &ctx.scope(), j.id, enabled).await?;
            if ctx.json {
                return json(&j);
            }
            if enabled {
                outln!(
                    "Resumed {}; next run {}",
                    j.name,
                    j.next_run_at
                        .with_timezone(&ctx.tz)
                        .format("%Y-%m-%d %H:%M %Z")
                );
            } else {
                outln!("Paused {}", j.name);
            }
        }
    }
    Ok(())
}

/// `chief run-job NAME`: runs every enabled job of that name in the store,
/// once, now. For when a system cron does the timing instead of `chief
/// serve`'s scheduler.
pub async fn run_job(cli: &Cli, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        bail!("give the job's name, such as {}", JobKind::BUILTIN[0]);
    }
    let db = open_existing(cli).await?;
    let result = async {
        let scheduler = Scheduler::new(db.clone(), "run-job");
        scheduler.provision(Utc::now()).await?;
        let jobs = job::enabled_named(&db, name).await?;
        if jobs.is_empty() {
            let kinds: Vec<&str> = JobKind::BUILTIN.iter().map(|k| k.as_str()).collect();
            bail!(
                "no enabled job named {name:?}; the built-in ones are: {}",
                kinds.join(", ")
            );
        }
        let mut runs = Vec::new();
        for j in &jobs {
            runs.push(scheduler.run_now(j, Utc::now()).await?);
        }
        if cli.json {
            json(&runs)?;
        } else {
            for r in &runs {
                print_run(r);
            }
        }
        let failed = runs
            .iter()
            .filter(|r| r.status == RunStatus::Failed)
            .count();
        if failed > 0 {
            bail!("{failed} of {} runs of {name} failed", runs.len());
        }
        Ok(())
    }
    .await;
    db.close().await;
    result
}
