//! `chief agent policy` (the approval policy per tool class and the daily
//! token budget) and `chief agent personas list|add|remove`.

use crate::cli::Cli;
use crate::context::Ctx;
use anyhow::Result;
use chief_ai::Registry;
use chief_ai::agent::persona::{KnowledgeScope, Persona};
use chief_ai::agent::persona_store::{self, NewPersona};
use chief_ai::policy::{self as agent_policy, Policy, PolicyChange};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Set a class (read, write, propose, admin) to auto, ask or deny, or
    /// daily_token_budget to a number of tokens.
    Set { what: String, value: String },
}

#[derive(Debug, Subcommand)]
pub enum PersonasCommand {
    /// Every persona, with its keywords, tools and knowledge scope.
    #[command(alias = "ls")]
    List,
    /// Add a persona.
    #[command(
        after_help = "Example:\n  chief agent personas add legal --prompt 'You are the Legal persona: contracts and their risks.' --keyword contract --keyword nda --tool create_draft --kind client"
    )]
    Add {
        /// Lower-case letters, digits and dashes.
        name: String,
        /// Who it is and how it works.
        #[arg(long)]
        prompt: String,
        /// A word that routes a task to it (repeatable).
        #[arg(long = "keyword")]
        keywords: Vec<String>,
        /// A tool it may use beyond the core task tools (repeatable; none
        /// means every tool).
        #[arg(long = "tool")]
        tools: Vec<String>,
        /// Only knowledge about this kind of entity enters its context
        /// (repeatable): person, client, project, playbook, setting, rule.
        #[arg(long = "kind")]
        kinds: Vec<String>,
        /// Only knowledge mentioning this word enters its context
        /// (repeatable).
        #[arg(long = "topic")]
        topics: Vec<String>,
    },
    /// Remove one of the workspace's personas.
    #[command(alias = "rm")]
    Remove { name: String },
}

/// `chief agent policy [set WHAT VALUE]`.
pub async fn policy(cli: &Cli, change: &Option<PolicyCommand>) -> Result<()> {
    let ctx = Ctx::open(cli).await?;
    let result = async {
        match change {
            Some(PolicyCommand::Set { what, value }) => {
                let change = PolicyChange::one(what, value)?;
                agent_policy::change(&ctx.db, &ctx.scope(), change).await
            }
            None => Policy::load(&ctx.db, ctx.tenant.id).await,
        }
    }
    .await;
    ctx.db.close().await;
    let policy = result?;
    if cli.json {
        return crate::output::json(&policy);
    }
    outln!("read     {}", policy.read.as_str());
    outln!("write    {}", policy.write.as_str());
    outln!("propose  {}", policy.propose.as_str());
    outln!("admin    {}", policy.admin.as_str());
    outln!("daily token budget  {}", policy.daily_token_budget);
    Ok(())
}

/// `chief agent personas …`.
pub async fn personas(cli: &Cli, cmd: &PersonasCommand) -> Result<()> {
    let ctx = Ctx::open(cli).await?;
    let registry = Registry::work_loop();
    let result = match cmd {
        PersonasCommand::List => persona_store::all(&ctx.db, ctx.tenant.id).await,
        PersonasCommand::Add {
            name,
            prompt,
            keywords,
            tools,
            kinds,
            topics,
        } => {
            let new = NewPersona {
                name: name.clone(),
                prompt: prompt.clone(),
                keywords: keywords.clone(),
                tools: tools.clone(),
                knowledge_scope: KnowledgeScope {
                    kinds: kinds.clone(),
                    topics: topics.clone(),
                },
            };
            persona_store::add(&ctx.db, &ctx.scope(), &registry, &new)
                .await
                .map(|p| vec![p])
        }
        PersonasCommand::Remove { name } => persona_store::remove(&ctx.db, &ctx.scope(), name)
            .await
            .map(|()| Vec::new()),
    };
    ctx.db.close().await;
    let shown = result?;
    if let PersonasCommand::Remove { name } = cmd {
        if cli.json {
            return crate::output::json(&serde_json::json!({"removed": name}));
        }
        outln!("removed persona {name}");
        return Ok(());
    }
    if cli.json {
        return crate::output::json(&shown);
    }
    for p in &shown {
        outln!("{}", line(p));
    }
    Ok(())
}

fn line(p: &Persona) -> String {
    let list = |l: &[String], none: &str| {
        if l.is_empty() {
            none.to_string()
        } else {
            l.join(", ")
        }
    };
    format!(
        "{}{}  keywords: {}  tools: {}  knowledge: {}",
        p.name,
        if p.built_in { " (built in)" } else { "" },
        list(&p.keywords, "none"),
        list(&p.tools, "all"),
        if p.knowledge_scope.is_open() {
            "all".to_string()
        } else {
            format!(
                "kinds {} / topics {}",
                list(&p.knowledge_scope.kinds, "any"),
                list(&p.knowledge_scope.topics, "any")
            )
        }
    )
}
