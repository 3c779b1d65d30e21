//! `chief channels` (where your notices go: add, list, test, remove) and
//! `chief deliveries` (notices on their way: list, re-deliver). A test or a
//! re-delivery is sent from this process at once, so its outcome prints
//! here; `chief serve`'s worker sends everything else.

use crate::context::Ctx;
use crate::dates::ago;
use crate::output::{Style, Table, json, short};
use anyhow::{Result, bail};
use chief_app::channel::ChannelCreate;
use chief_channels::Worker;
use chief_domain::channel::{Channel, ChannelKind};
use chief_domain::delivery::{Delivery, DeliveryStatus};
use chief_store::channel;
use chief_store::delivery::{self, DeliveryFilter};
use chief_store::short_id::Kind;
use chief_store::{Page, SecretBox, StoreError, delivery_queue};
use clap::{Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum ChannelsCommand {
    /// Add a channel; prints its signing secret once.
    Add {
        /// The kind of channel (only webhook so far).
        kind: ChannelKindArg,
        /// Where to POST: an http or https URL.
        url: String,
        /// A name to find it by (default: the URL's host).
        #[arg(long)]
        name: Option<String>,
        /// Only these topics, comma-separated (`briefing,deadline`); default all.
        #[arg(long, value_delimiter = ',')]
        topics: Vec<String>,
    },
    /// Your channels (never their secrets).
    #[command(alias = "ls")]
    List,
    /// Send a test notice to a channel now and show how it went.
    Test { name: String },
    /// Delete a channel and its deliveries.
    #[command(alias = "rm")]
    Remove { name: String },
}

/// The kinds of channel the command line can add.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ChannelKindArg {
    Webhook,
}

#[derive(Debug, Subcommand)]
pub enum DeliveriesCommand {
    /// Your deliveries, newest first, with their status and last error.
    #[command(alias = "ls")]
    List {
        /// Only pending, delivered or failed ones.
        #[arg(long)]
        status: Option<String>,
        /// How many to show.
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: i64,
    },
    /// Send a failed (or delivered) delivery again, now.
    Redeliver {
        /// Its id, or the short id `list` shows.
        id: String,
    },
}

/// The acting user's channel named `name`, with the names there are when
/// it does not exist.
pub(crate) async fn named(ctx: &Ctx, name: &str) -> Result<Channel> {
    match channel::by_name(&ctx.db, ctx.tenant.id, ctx.user.id, name).await {
        Ok(c) => Ok(c),
        Err(StoreError::NotFound { .. }) => {
            let names: Vec<String> = channel::list(&ctx.db, ctx.tenant.id, Some(ctx.user.id))
                .await?
                .into_iter()
                .map(|c| c.name)
                .collect();
            if names.is_empty() {
                bail!("no channel {name:?}: you have none yet (`chief channels add webhook URL`)");
            }
            bail!("no channel {name:?}; yours are: {}", names.join(", "))
        }
        Err(e) => Err(e.into()),
    }
}

fn secrets(ctx: &Ctx) -> Result<SecretBox> {
    Ok(SecretBox::locate(&ctx.db, ctx.data_dir.as_deref())?)
}

fn url_of(c: &Channel) -> String {
    c.config["url"].as_str().unwrap_or("").to_string()
}

/// A default name from a URL: its host.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    host.rsplit_once('@').map_or(host, |(_, h)| h).to_string()
}

pub async fn channels(ctx: &Ctx, cmd: &ChannelsCommand) -> Result<()> {
    match cmd {
        ChannelsCommand::Add {
            kind,
            url,
            name,
            topics,
        } => {
            let kind = match kind {
                ChannelKindArg::Webhook => ChannelKind::Webhook,
            };
            let new = ChannelCreate {
                kind: Some(kind),
                name: name.clone().unwrap_or_else(|| host_of(url)),
                config: serde_json::json!({ "url": url }),
                topics: Some(topics.clone()),
                enabled: Some(true),
                secret: None,
            };
            let secrets = secrets(ctx)?;
            let (c, secret) =
                chief_app::channel::create(&ctx.db, &ctx.scope(), &secrets, new).await?;
            if ctx.json {
                return json(&serde_json::json!({ "channel": c, "secret": secret }));
            }
            outln!("Added {} channel {:?} → {}", c.kind, c.name, url_of(&c));
            outln!("Signing secret (shown once; verify webhook-signature with it):");
            outln!("  {secret}");
        }
        ChannelsCommand::List => {
            let list = channel::list(&ctx.db, ctx.tenant.id, Some(ctx.user.id)).await?;
            if ctx.json {
                return json(&list);
            }
            if list.is_empty() {
                outln!("No channels yet: `chief channels add webhook https://…`");
                return Ok(());
            }
            let mut table = Table::new(&["name", "kind", "url", "topics", "state"]);
            for c in &list {
                let topics = if c.topics.is_empty() {
                    "all".to_string()
                } else {
                    c.topics.join(",")
                };
                let (state, style) = if c.enabled {
                    ("on", Style::Green)
                } else {
                    ("off", Style::Yellow)
                };
                table.row(vec![
                    (c.name.clone(), Style::Cyan),
                    (c.kind.to_string(), Style::Dim),
                    (url_of(c), Style::Plain),
                    (topics, Style::Plain),
                    (state.into(), style),
                ]);
            }
            table.print();
        }
        ChannelsCommand::Test { name } => {
            let c = named(ctx, name).await?;
            let d = chief_app::channel::test(&ctx.db, &ctx.scope(), &c).await?;
            send_now(ctx, d).await?;
        }
        ChannelsCommand::Remove { name } => {
            let c = named(ctx, name).await?;
            chief_app::channel::delete(&ctx.db, &ctx.scope(), c.id).await?;
            if ctx.json {
                return json(&c);
            }
            outln!("Removed channel {:?} and its deliveries", c.name);
        }
    }
    Ok(())
}

/// Sends `d` from this process now and prints how it went; an error exit
/// when the attempt failed.
async fn send_now(ctx: &Ctx, d: Delivery) -> Result<()> {
    let worker = Worker::new(ctx.db.clone(), secrets(ctx)?, "cli")?;
    let after = worker
        .send_now(ctx.tenant.id, d.id, chrono::Utc::now())
        .await?
        .unwrap_or(d);
    let tries = delivery_queue::attempts(&ctx.db, ctx.tenant.id, after.id).await?;
    if ctx.json {
        return json(&serde_json::json!({ "delivery": after, "attempts": tries }));
    }
    let last = tries.last();
    let code = last
        .and_then(|a| a.status_code)
        .map_or_else(String::new, |s| format!("HTTP {s}, "));
    let took = last.map_or(0, |a| a.duration_ms);
    match after.status {
        DeliveryStatus::Delivered => {
            outln!("Delivered {} ({code}{took} ms)", short(&after.id));
            Ok(())
        }
        DeliveryStatus::Pending if last.is_none() => {
            outln!(
                "Queued {}; another instance is sending it",
                short(&after.id)
            );
            Ok(())
        }
        status => {
            let error = after.last_error.as_deref().unwrap_or("unknown error");
            let next = match (status, after.next_attempt_at) {
                (DeliveryStatus::Pending, Some(at)) => format!(
                    "; `chief serve` retries it at {}",
                    at.with_timezone(&ctx.tz).format("%H:%M:%S")
                ),
                _ => String::new(),
            };
            bail!("delivery {} failed: {error}{next}", short(&after.id))
        }
    }
}

fn status_style(s: DeliveryStatus) -> Style {
    match s {
        DeliveryStatus::Delivered => Style::Green,
        DeliveryStatus::Pending => Style::Yellow,
        DeliveryStatus::Failed => Style::Red,
    }
}

pub async fn deliveries(ctx: &Ctx, cmd: &DeliveriesCommand) -> Result<()> {
    match cmd {
        DeliveriesCommand::List { status, limit } => {
            let status = status
                .as_deref()
                .map(str::parse::<DeliveryStatus>)
                .transpose()?;
            let filter = DeliveryFilter {
                user_id: Some(ctx.user.id),
                status,
                ..DeliveryFilter::default()
            };
            let page = Page::new(*limit, 0);
            let list = delivery::list(&ctx.db, ctx.tenant.id, &filter, page).await?;
            if ctx.json {
                return json(&list);
            }
            if list.items.is_empty() {
                outln!(
                    "No deliveries{}",
                    status.map_or(String::new(), |s| format!(" {s}"))
                );
                return Ok(());
            }
            let names: std::collections::HashMap<_, _> =
                channel::list(&ctx.db, ctx.tenant.id, Some(ctx.user.id))
                    .await?
                    .into_iter()
                    .map(|c| (c.id, c.name))
                    .collect();
            let mut table =
                Table::new(&["id", "when", "topic", "to", "status", "tries", "last error"]);
            for d in &list.items {
                let to = d.channel_id.map_or("dashboard".to_string(), |c| {
                    names.get(&c).cloned().unwrap_or_else(|| short(&c))
                });
                table.row(vec![
                    (short(&d.id), Style::Dim),
                    (ago(d.created_at, ctx.now), Style::Dim),
                    (d.topic.clone(), Style::Plain),
                    (to, Style::Cyan),
                    (d.status.to_string(), status_style(d.status)),
                    (d.attempts.to_string(), Style::Plain),
                    (d.last_error.clone().unwrap_or_default(), Style::Plain),
                ]);
            }
            table.print();
        }
        DeliveriesCommand::Redeliver { id } => {
            let id = ctx.id(Kind::Delivery, id).await?;
            let d = delivery::get(&ctx.db, ctx.tenant.id, id).await?;
            if d.user_id != ctx.user.id {
                return Err(StoreError::not_found("delivery", id).into());
            }
            let d = chief_app::channel::redeliver(&ctx.db, &ctx.scope(), id).await?;
            send_now(ctx, d).await?;
        }
    }
    Ok(())
}
