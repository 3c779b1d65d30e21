//! `chief agent run` (the built-in agent working its queue, and checking
//! the dashboard when it is empty), `chief agent check`, `chief agent undo
//! RUN` and `chief agent instructions`; the policy and personas are in
//! `agent_config`.

use super::agent_config::{PersonasCommand, PolicyCommand};
use crate::cli::Cli;
use crate::context::Ctx;
use anyhow::{Result, anyhow, bail};
use chief_ai::agent::check::Checked;
use chief_ai::agent::routing::EmbeddingModel;
use chief_ai::agent::{self, Agent, AgentOptions, Outcome, RunStatus};
use chief_ai::{Caller, Registry};
use chief_domain::log::Actor;
use chief_llm::ModelConfig;
use chief_store::{Scope, events};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Print a ready CLAUDE.md / AGENTS.md: the operating loop, the rules
    /// (drafts only, block instead of guessing, mandatory capture,
    /// must-consult playbooks), the tools and the MCP client config.
    Instructions,
    /// Work the agent queue with the model CHIEF_MODEL names: take the next
    /// task, read its must-consult playbooks, act with the tools (drafts
    /// only), then complete or block it. Every step is journaled.
    Run(AgentRunArgs),
    /// Recent runs, newest first: id, task, persona, how each ended, tokens.
    Runs {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Revert a run's writes (tasks, drafts, knowledge, questions, people)
    /// from its journal, newest first.
    Undo {
        /// The run id `chief agent run` printed.
        run: String,
    },
    /// Ask the model to review the dashboard for things to do; quiet (no
    /// model call) when nothing changed since the last check.
    Check,
    /// Show the approval policy per tool class (auto, ask or deny) and the
    /// daily token budget, or change one entry.
    #[command(
        after_help = "Examples:\n  chief agent policy\n  chief agent policy set admin ask\n  chief agent policy set write auto\n  chief agent policy set daily_token_budget 500000"
    )]
    Policy {
        #[command(subcommand)]
        change: Option<PolicyCommand>,
    },
    /// The personas: the five built in and the workspace's own.
    #[command(subcommand)]
    Personas(PersonasCommand),
}

#[derive(Debug, Args)]
pub struct AgentRunArgs {
    /// Work one task (or find none) and exit.
    #[arg(long)]
    pub once: bool,
    /// execution, strategy, discovery, stakeholder, general or one of the
    /// workspace's personas, instead of routing.
    #[arg(long)]
    pub persona: Option<String>,
    /// Route by keywords only: never ask the model which persona fits.
    #[arg(long)]
    pub no_model_routing: bool,
    /// The (cheaper) model that classifies tasks for routing; the run's
    /// model when unset.
    #[arg(long, env = "CHIEF_ROUTING_MODEL")]
    pub routing_model: Option<String>,
    /// A local sentence-transformers model folder (config.json,
    /// model.safetensors, tokenizer.json), such as all-MiniLM-L6-v2, that
    /// routes a task to the persona closest in meaning when no keyword
    /// matches, before the model is asked [default:
    /// models/all-MiniLM-L6-v2 in the data directory, e.g.
    /// $XDG_DATA_HOME/chief/models/all-MiniLM-L6-v2, when it exists].
    #[arg(long, env = "CHIEF_EMBEDDING_MODEL", value_name = "PATH")]
    pub embedding_model: Option<PathBuf>,
    /// Model turns per task before it goes back to the queue.
    #[arg(long, default_value_t = 20)]
    pub max_turns: u32,
    /// Tokens (input plus output) per run; a hard stop.
    #[arg(long, env = "CHIEF_AGENT_TOKEN_BUDGET", default_value_t = 200_000)]
    pub token_budget: u64,
    /// Seconds to wait when the queue is empty before looking again.
    #[arg(long, default_value_t = 30)]
    pub poll_secs: u64,
    /// When the queue is empty, run a proactive check (as `chief agent
    /// check`) before waiting; it costs nothing when nothing changed.
    #[arg(long)]
    pub check_when_idle: bool,
}

/// Dispatches `chief agent …`.
pub async fn run(cli: &Cli, cmd: &AgentCommand) -> Result<()> {
    match cmd {
        AgentCommand::Instructions => {
            super::mcp::instructions();
            Ok(())
        }
        AgentCommand::Run(args) => work(cli, args).await,
        AgentCommand::Check => check(cli).await,
        AgentCommand::Policy { change } => super::agent_config::policy(cli, change).await,
        AgentCommand::Personas(cmd) => super::agent_config::personas(cli, cmd).await,
        AgentCommand::Runs { limit } => {
            if !(1..=1000).contains(limit) {
                bail!("--limit must be 1 to 1000, not {limit}");
            }
            let ctx = Ctx::open(cli).await?;
            let runs = agent::recent(&ctx.db, ctx.tenant.id, *limit).await;
            ctx.db.close().await;
            let runs = runs?;
            if cli.json {
                return crate::output::json(&runs);
            }
            if runs.is_empty() {
                outln!("no agent runs yet");
            }
            for r in runs {
                let task = r.task_id.map(|t| t.to_string()).unwrap_or_default();
                outln!(
                    "{}  {}  task {task}  {} ({})  {} tokens in, {} out{}",
                    r.id,
                    r.started_at.format("%Y-%m-%d %H:%M"),
                    r.status,
                    r.persona,
                    r.input_tokens,
                    r.output_tokens,
                    r.note.map(|n| format!("  — {n}")).unwrap_or_default()
                );
            }
            Ok(())
        }
        AgentCommand::Undo { run } => {
            let run_id = uuid::Uuid::parse_str(run.trim())
                .map_err(|_| anyhow!("{run:?} is not a run id (chief agent run prints it)"))?;
            let ctx = Ctx::open(cli).await?;
            let result = agent::undo(&ctx.db, &agent_scope(&ctx), run_id).await;
            ctx.db.close().await;
            let undone = result?;
            if cli.json {
                return crate::output::json(&serde_json::json!({
                    "run": run_id,
                    "removed": undone.removed.len(),
                    "restored": undone.restored.len(),
                }));
            }
            outln!(
                "undid run {run_id}: removed {} created, restored {} changed",
                undone.removed.len(),
                undone.restored.len()
            );
            Ok(())
        }
    }
}

/// The agent acting for the context's user.
pub(crate) fn agent_scope(ctx: &Ctx) -> Scope {
    Scope {
        actor: Actor::agent(ctx.user.id),
        ..Scope::user(ctx.tenant.id, ctx.user.id)
    }
}

/// The configured model, or a clear error.
fn provider() -> Result<chief_llm::Provider> {
    ModelConfig::from_env().provider()?.ok_or_else(|| {
        anyhow!("no model is configured: set CHIEF_MODEL and ANTHROPIC_API_KEY or OPENAI_API_KEY")
    })
}

/// The embedding model folder: `--embedding-model` (or
/// `CHIEF_EMBEDDING_MODEL`), else the default one in the data directory
/// when it exists.
fn embedding_model_dir(cli: &Cli, args: &AgentRunArgs) -> Option<PathBuf> {
    if let Some(dir) = &args.embedding_model {
        return Some(dir.clone());
    }
    let data_dir = cli.data_dir.clone().or_else(crate::context::default_dir)?;
    Some(data_dir.join("models").join("all-MiniLM-L6-v2")).filter(|d| d.is_dir())
}

async fn work(cli: &Cli, args: &AgentRunArgs) -> Result<()> {
    // Checked before the store opens: without a model there is nothing to do.
    let provider = provider()?;
    // Loaded once, here: every task of this process routes with it.
    let embedding = EmbeddingModel::load(embedding_model_dir(cli, args).as_deref());
    if let EmbeddingModel::Broken(why) = &embedding {
        eoutln!("warning: routing without embeddings: {why}");
    }
    let agent = Agent {
        registry: Registry::work_loop(),
        provider,
        options: AgentOptions {
            max_turns: args.max_turns,
            token_budget: args.token_budget,
            persona: args.persona.clone(),
            route_by_model: !args.no_model_routing,
            routing_model: args.routing_model.clone(),
            embedding,
            ..AgentOptions::default()
        },
    };
    let ctx = Ctx::open(cli).await?;
    let caller = Caller::new(ctx.db.clone(), agent_scope(&ctx));
    let result = work_loop(cli, args, &agent, &caller).await;
    ctx.db.close().await;
    result
}

/// `chief agent check`.
async fn check(cli: &Cli) -> Result<()> {
    let agent = Agent {
        registry: Registry::work_loop(),
        provider: provider()?,
        options: AgentOptions::default(),
    };
    let ctx = Ctx::open(cli).await?;
    let caller = Caller::new(ctx.db.clone(), agent_scope(&ctx));
    let result = agent.check(&caller).await;
    ctx.db.close().await;
    report_check(cli, &result?)
}

/// Prints what a check did; a check that could not finish is an error.
fn report_check(cli: &Cli, checked: &Checked) -> Result<()> {
    match checked {
        Checked::Quiet { seen_seq } => {
            if cli.json {
                return crate::output::json(
                    &serde_json::json!({"quiet": true, "seen_seq": seen_seq}),
                );
            }
            outln!("nothing changed since the last check; the model was not asked");
        }
        Checked::Reviewed {
            run_id,
            status,
            note,
            input_tokens,
            output_tokens,
        } => {
            if cli.json {
                crate::output::json(&serde_json::json!({"quiet": false, "run": run_id,
                    "status": status.as_str(), "note": note,
                    "input_tokens": input_tokens, "output_tokens": output_tokens}))?;
            } else {
                outln!(
                    "check {run_id} {} ({input_tokens} tokens in, {output_tokens} out){}",
                    status.as_str(),
                    note.as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                );
            }
            if *status != RunStatus::Completed {
                bail!(
                    "the check did not finish: {}",
                    note.as_deref().unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

async fn work_loop(cli: &Cli, args: &AgentRunArgs, agent: &Agent, caller: &Caller) -> Result<()> {
    let tenant = caller.scope.tenant;
    loop {
        // Taken before looking, so a task added meanwhile is not missed.
        let head = events::head(&caller.db, tenant).await?;
        match agent.run_once(caller).await? {
            Outcome::Idle if args.once => {
                if !cli.json {
                    outln!("no task for the agent");
                }
                return Ok(());
            }
            Outcome::Idle => {
                // With nothing queued, look at the dashboard if asked; this
                // costs nothing when nothing changed since the last look.
                if args.check_when_idle {
                    let checked = agent.check(caller).await?;
                    if !matches!(checked, Checked::Quiet { .. }) {
                        report_check(cli, &checked)?;
                    }
                }
                // Any change in the workspace may be a task for the agent
                // (the outbox is read, so other processes' commits count);
                // recurring tasks come due with time alone, hence the limit.
                let mut follower = events::follow(&caller.db, tenant, head);
                let wait = Duration::from_secs(args.poll_secs);
                if let Ok(next) = tokio::time::timeout(wait, follower.next()).await {
                    next?;
                }
            }
            Outcome::Ran(report) => {
                if cli.json {
                    crate::output::json(&serde_json::json!({
                        "run": report.run_id,
                        "trace_id": report.trace_id,
                        "task": report.task_id,
                        "persona": report.persona,
                        "status": report.status.as_str(),
                        "note": report.note,
                        "input_tokens": report.input_tokens,
                        "output_tokens": report.output_tokens,
                    }))?;
                } else {
                    outln!(
                        "run {}: task {} {} ({} persona, {} tokens in, {} out)",
                        report.run_id,
                        report.task_id,
                        report.status.as_str(),
                        report.persona,
                        report.input_tokens,
                        report.output_tokens
                    );
                }
                // The day's tokens are spent: a hard stop until tomorrow.
                if report.day_budget_spent {
                    bail!("{}", report.note.unwrap_or_default());
                }
                // The model cannot be used: stop rather than fail every task.
                if report.status == RunStatus::Failed {
                    bail!(
                        "run {} failed: {}",
                        report.run_id,
                        report.note.unwrap_or_default()
                    );
                }
                if args.once {
                    return Ok(());
                }
            }
        }
    }
}
