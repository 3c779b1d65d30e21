//! One module per group of commands, each with its clap flags beside its
//! handler; [`run`] dispatches.

pub(crate) mod agent;
mod agent_config;
pub(crate) mod audit;
pub(crate) mod brief;
pub(crate) mod channels;
pub(crate) mod chat;
pub(crate) mod entities;
pub(crate) mod init;
pub(crate) mod jobs;
pub(crate) mod keys;
pub(crate) mod learn;
pub(crate) mod mcp;
mod password_input;
pub(crate) mod quick_add;
pub(crate) mod serve;
pub(crate) mod suggest;
pub(crate) mod tasks;
pub(crate) mod todotxt;
pub(crate) mod triggers;

use crate::cli::{Cli, Command};
use crate::context::Ctx;
use anyhow::Result;
use clap::CommandFactory;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Init(args) => init::run(&cli, args).await,
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "chief", &mut std::io::stdout());
            Ok(())
        }
        Command::Audit(cmd) => audit::run(&cli, cmd).await,
        Command::Tenants(cmd) => keys::tenants(&cli, cmd).await,
        Command::Serve(args) => serve::run(&cli, args).await,
        Command::Mcp(args) => mcp::serve(&cli, args).await,
        Command::Agent(cmd) => agent::run(&cli, cmd).await,
        Command::Chat(args) => chat::run(&cli, args).await,
        Command::RunJob { name } => jobs::run_job(&cli, name).await,
        Command::Classify { text } => classify(&cli, &text.join(" ")),
        Command::Parse(args) => quick_add::run_parse(&cli, args).await,
        command => {
            let ctx = Ctx::open(&cli).await?;
            let result = dispatch(&ctx, command).await;
            ctx.db.close().await;
            result
        }
    }
}

async fn dispatch(ctx: &Ctx, command: &Command) -> Result<()> {
    match command {
        Command::Add(a) => quick_add::add(ctx, a).await,
        Command::List(a) => tasks::list(ctx, a).await,
        Command::Next(a) => tasks::next(ctx, a).await,
        Command::Suggest(a) => suggest::run(ctx, a).await,
        Command::Show(a) => tasks::show(ctx, &a.id).await,
        Command::Edit(a) => tasks::edit(ctx, a).await,
        Command::Start(a) => {
            tasks::lifecycle(ctx, &a.id, chief_domain::task::TaskOp::Start, None).await
        }
        Command::Done(a) => {
            tasks::lifecycle(
                ctx,
                &a.id,
                chief_domain::task::TaskOp::Complete,
                a.output.clone(),
            )
            .await
        }
        Command::Cancel(a) => {
            tasks::lifecycle(ctx, &a.id, chief_domain::task::TaskOp::Cancel, None).await
        }
        Command::Reopen(a) => {
            tasks::lifecycle(ctx, &a.id, chief_domain::task::TaskOp::Reopen, None).await
        }
        Command::Block(a) => tasks::block(ctx, a).await,
        Command::Delete(a) => tasks::delete(ctx, &a.id).await,
        Command::Search(a) => tasks::search(ctx, a).await,
        Command::Learn(a) => learn::run(ctx, a).await,
        Command::Brief(a) => brief::run(ctx, a).await,
        Command::People(c) => entities::people(ctx, c).await,
        Command::Projects(c) => entities::projects(ctx, c).await,
        Command::Questions(c) => entities::questions(ctx, c).await,
        Command::Waiting(c) => entities::waiting(ctx, c).await,
        Command::Keys(c) => keys::keys(ctx, c).await,
        Command::Jobs(c) => jobs::jobs(ctx, c).await,
        Command::Triggers(c) => triggers::triggers(ctx, c).await,
        Command::Channels(c) => channels::channels(ctx, c).await,
        Command::Deliveries(c) => channels::deliveries(ctx, c).await,
        Command::Users(c) => keys::users(ctx, c).await,
        Command::Import(c) => todotxt::import(ctx, c).await,
        Command::Export(c) => todotxt::export(ctx, c).await,
        Command::Init(_)
        | Command::Completions { .. }
        | Command::Audit(_)
        | Command::Tenants(_)
        | Command::Serve(_)
        | Command::Mcp(_)
        | Command::Agent(_)
        | Command::Chat(_)
        | Command::RunJob { .. }
        | Command::Classify { .. }
        | Command::Parse(_) => {
            unreachable!("handled in run")
        }
    }
}

/// `chief classify`: needs no store.
fn classify(cli: &Cli, text: &str) -> Result<()> {
    let c = chief_brain::intent::classify(text);
    if cli.json {
        return crate::output::json(&c);
    }
    let intent = serde_json::to_value(c.intent)?;
    outln!(
        "{} (confidence {:.2}): {}",
        intent.as_str().unwrap_or("unknown"),
        c.confidence,
        c.reasons.join(", ")
    );
    Ok(())
}
