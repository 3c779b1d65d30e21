//! `chief mcp` (the MCP server on stdin/stdout) and `chief agent
//! instructions`. stdout carries only the MCP protocol, so nothing else is
//! printed while serving; a bad key is refused before the first message.

use crate::cli::Cli;
use crate::context::open_existing;
use anyhow::{Result, anyhow};
use chief_domain::log::Actor;
use chief_store::{Scope, tenancy};
use clap::Args;

#[derive(Debug, Args)]
pub struct McpArgs {
    /// The API key to act with (`chief keys create`); its user and
    /// workspace scope everything the MCP client does.
    #[arg(long, env = "CHIEF_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
}

/// Serves MCP for the user of the API key until the client disconnects.
pub async fn serve(cli: &Cli, args: &McpArgs) -> Result<()> {
    let key = args
        .api_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            anyhow!("set CHIEF_API_KEY (or --api-key) to an API key: `chief keys create NAME`")
        })?;
    let db = open_existing(cli).await?;
    let (user, _) = tenancy::authenticate(&db, key)
        .await?
        .ok_or_else(|| anyhow!("the API key is unknown or revoked: see `chief keys list`"))?;
    // What an MCP client does is the agent's work on the user's behalf.
    let scope = Scope {
        actor: Actor::agent(user.id),
        ..Scope::user(user.tenant_id, user.id)
    };
    let served = chief_mcp::serve_stdio(db.clone(), scope).await;
    db.close().await;
    Ok(served?)
}

/// `chief agent instructions`: the loop, the rules and the tools as a
/// CLAUDE.md / AGENTS.md.
pub fn instructions() {
    let command = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "chief".into());
    let registry = chief_ai::Registry::work_loop();
    out!("{}", chief_ai::instructions::agents_md(&registry, &command));
}
