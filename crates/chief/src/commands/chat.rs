//! `chief chat`: talk with the agent in the terminal — one message from
//! the command line, or a conversation typed line by line. The same turns
//! as `POST /api/chat`, stored in the same conversations.

use crate::cli::Cli;
use crate::context::Ctx;
use anyhow::{Result, anyhow, bail};
use chief_ai::chat::conversation;
use chief_ai::chat::{Chat, ChatError, ChatEvent, ChatOptions};
use chief_ai::{Caller, Registry};
use chief_llm::{Block, ModelConfig};
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// What to say; without it, read a conversation line by line.
    pub message: Vec<String>,
    /// Continue this conversation instead of starting one.
    #[arg(long, short = 'c')]
    pub conversation: Option<String>,
    /// List your conversations.
    #[arg(long, conflicts_with_all = ["message", "show"])]
    pub list: bool,
    /// Print a conversation.
    #[arg(long, value_name = "ID", conflicts_with = "message")]
    pub show: Option<String>,
}

/// Runs `chief chat`.
pub async fn run(cli: &Cli, args: &ChatArgs) -> Result<()> {
    let continue_id = args
        .conversation
        .as_deref()
        .map(|id| {
            Uuid::parse_str(id.trim()).map_err(|_| {
                anyhow!("{id:?} is not a conversation id (chief chat --list shows them)")
            })
        })
        .transpose()?;
    if args.list || args.show.is_some() {
        return browse(cli, args).await;
    }
    // Checked before the store opens: without a model there is no chat.
    let provider = ModelConfig::from_env().provider()?.ok_or_else(|| {
        anyhow!("no model is configured: set CHIEF_MODEL and ANTHROPIC_API_KEY or OPENAI_API_KEY")
    })?;
    let chat = Arc::new(Chat {
        registry: Registry::work_loop(),
        provider,
        options: ChatOptions::default(),
    });
    let ctx = Ctx::open(cli).await?;
    let caller = Caller::new(ctx.db.clone(), super::agent::agent_scope(&ctx));
    let result = if args.message.is_empty() {
        converse(cli, &chat, &caller, continue_id).await
    } else {
        turn(cli, &chat, &caller, continue_id, &args.message.join(" "))
            .await
            .map(|_| ())
    };
    ctx.db.close().await;
    result
}

/// One turn, printed as it streams; returns the conversation it was in.
async fn turn(
    cli: &Cli,
    chat: &Arc<Chat>,
    caller: &Caller,
    conversation: Option<Uuid>,
    text: &str,
) -> Result<Uuid> {
    let turn = chat.start(caller, conversation, text).await?;
    let id = turn.conversation.id;
    let json = cli.json;
    let mut on = move |e: ChatEvent| {
        if json {
            outln!("{}", serde_json::to_string(&e).unwrap_or_default());
            return;
        }
        match &e {
            ChatEvent::Started { .. } => {}
            ChatEvent::Token { text } => out!("{text}"),
            ChatEvent::ToolCall { name, input, .. } => {
                outln!("\n  · {name} {}", short(&input.to_string()))
            }
            ChatEvent::ToolResult {
                ok: false, result, ..
            } => {
                outln!(
                    "    refused: {}",
                    short(result.as_str().unwrap_or_default())
                )
            }
            ChatEvent::ToolResult { .. } => {}
            ChatEvent::Done(report) => {
                let note = report
                    .note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                outln!("\n{note}")
            }
        }
        let _ = std::io::stdout().flush();
    };
    match turn.run(&mut on).await {
        Ok(_) => Ok(id),
        Err(ChatError::Model(e)) => {
            bail!(
                "the model could not answer: {e} (what was said is kept; try again with --conversation {id})"
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads messages line by line until end of input or `/quit`.
async fn converse(
    cli: &Cli,
    chat: &Arc<Chat>,
    caller: &Caller,
    mut conversation: Option<Uuid>,
) -> Result<()> {
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        outln!("Talking with your chief of staff. /new starts over, /quit (or Ctrl-D) ends.");
    }
    let mut lines = std::io::stdin().lock().lines();
    loop {
        if interactive {
            out!("you> ");
            std::io::stdout().flush()?;
        }
        let Some(line) = lines.next().transpose()? else {
            break;
        };
        match line.trim() {
            "" => continue,
            "/quit" | "/exit" => break,
            "/new" => {
                conversation = None;
                continue;
            }
            text => match turn(cli, chat, caller, conversation, text).await {
                Ok(id) => conversation = Some(id),
                // A failed turn does not end the conversation.
                Err(e) => eoutln!("error: {e}"),
            },
        }
    }
    if let (Some(id), false) = (conversation, cli.json) {
        outln!("conversation {id}: chief chat --conversation {id} continues it");
    }
    Ok(())
}

/// `--list` and `--show ID`.
async fn browse(cli: &Cli, args: &ChatArgs) -> Result<()> {
    let ctx = Ctx::open(cli).await?;
    let result = async {
        if let Some(id) = &args.show {
            let id = Uuid::parse_str(id.trim()).map_err(|_| {
                anyhow!("{id:?} is not a conversation id (chief chat --list shows them)")
            })?;
            let found = conversation::get(&ctx.db, ctx.tenant.id, ctx.user.id, id).await?;
            let messages = conversation::messages(&ctx.db, ctx.tenant.id, id).await?;
            if cli.json {
                return crate::output::json(&serde_json::json!({
                    "conversation": found, "messages": messages,
                }));
            }
            outln!("{}  {}", found.id, found.title);
            for m in messages {
                for b in &m.content {
                    match b {
                        Block::Text { text } => {
                            let who = match m.role {
                                chief_llm::Role::User => "you",
                                chief_llm::Role::Assistant => "chief",
                            };
                            outln!("{who}> {text}");
                        }
                        Block::ToolUse { name, input, .. } => {
                            outln!("  · {name} {}", short(&input.to_string()))
                        }
                        Block::ToolResult { .. } => {}
                    }
                }
            }
            return Ok(());
        }
        let list = conversation::list(&ctx.db, ctx.tenant.id, ctx.user.id, 50).await?;
        if cli.json {
            return crate::output::json(&list);
        }
        if list.is_empty() {
            outln!("no conversations yet: chief chat \"what's on my plate today?\"");
        }
        for c in list {
            outln!(
                "{}  {}  {}",
                c.id,
                c.updated_at.format("%Y-%m-%d %H:%M"),
                c.title
            );
        }
        Ok(())
    }
    .await;
    ctx.db.close().await;
    result
}

/// `text` cut to one readable line.
fn short(text: &str) -> String {
    const MAX: usize = 160;
    let line = text.replace('\n', " ");
    if line.chars().count() <= MAX {
        return line;
    }
    let mut s: String = line.chars().take(MAX - 1).collect();
    s.push('…');
    s
}
