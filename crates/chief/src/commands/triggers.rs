//! `chief triggers`: your automations. Add one from the template library
//! or from flags, list them, see a trigger's firings, fire one as a test,
//! pause, resume or remove one. The rules live in the store; this only
//! reads flags and prints.

use super::channels::named as channel_named;
use crate::context::Ctx;
use crate::dates::ago;
use crate::output::{Style, Table, json, short};
use anyhow::{Context as _, Result, bail};
use chief_ai::briefing_polish::ModelPolish;
use chief_app::trigger_fire::{Cause, fire};
use chief_brain::trigger_templates;
use chief_domain::trigger::{DigestFilter, FiringStatus, Trigger, TriggerAction, TriggerEvent};
use chief_store::trigger::{self, NewTrigger};
use chief_store::{Page, StoreError, trigger_firing};
use chrono::Utc;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum TriggersCommand {
    /// Your triggers: when, what, and how often they fired.
    #[command(alias = "ls")]
    List,
    /// The template library.
    Templates,
    /// Add a trigger from a template or from flags; prints a webhook
    /// trigger's URL (with its secret) once.
    #[command(
        after_help = "Examples:\n  chief triggers add --template friday-wins\n  chief triggers add standup --cron '30 9 * * 1-5' --digest 'Due today' --filter '{\"due_within_days\":1}'\n  chief triggers add vip-questions --on question.created --notify 'Question for you' --channel slack-me\n  chief triggers add form --on webhook.received --task '{{payload.title|New lead}} tomorrow +Sales'"
    )]
    Add(Box<TriggerAddArgs>),
    /// One trigger in full.
    Show { name: String },
    /// A trigger's firings, newest first.
    History {
        name: String,
        /// How many firings to show.
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: i64,
    },
    /// Fire a trigger now, as a test.
    Fire { name: String },
    /// Stop a trigger from firing until resumed.
    Pause { name: String },
    /// Resume a trigger; what happened while it was paused is not replayed.
    Resume { name: String },
    /// Delete a trigger and its history.
    #[command(alias = "rm")]
    Remove { name: String },
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("when").args(["cron", "on"])))]
#[command(group(clap::ArgGroup::new("action").args(["brief", "digest", "task", "agent", "webhook", "notify", "action_json"])))]
pub struct TriggerAddArgs {
    /// 1 to 48 lower-case letters, digits, '-' or '_' (default: the template's name).
    pub name: Option<String>,
    /// Start from this template (`chief triggers templates`); flags override it.
    #[arg(long)]
    pub template: Option<String>,
    /// Fire on this cron schedule: five or six fields, or @daily and the like.
    #[arg(long)]
    pub cron: Option<String>,
    /// IANA time zone the schedule is read in (default: yours).
    #[arg(long)]
    pub tz: Option<String>,
    /// Fire on this event: task.overdue, question.created, draft.created,
    /// waiting.overdue or webhook.received.
    #[arg(long)]
    pub on: Option<String>,
    /// Deliver a briefing: morning, midday, evening or weekly.
    #[arg(long)]
    pub brief: Option<String>,
    /// Deliver a digest with this title of the tasks --filter finds.
    #[arg(long)]
    pub digest: Option<String>,
    /// The digest's saved filter, as JSON: status, assignee, project_id, tag,
    /// context, due_within_days, completed_within_days, sort, limit.
    #[arg(long, requires = "digest")]
    pub filter: Option<String>,
    /// Create a task from this quick-add line; {{field}} takes the event's.
    #[arg(long)]
    pub task: Option<String>,
    /// Hand the agent this prompt (a task assigned to the agent).
    #[arg(long)]
    pub agent: Option<String>,
    /// POST the firing to this webhook channel of yours.
    #[arg(long)]
    pub webhook: Option<String>,
    /// Deliver a notice of the event, with this heading if given.
    #[arg(long, num_args = 0..=1, default_missing_value = "")]
    pub notify: Option<String>,
    /// The action as JSON, as the API takes it.
    #[arg(long = "action", id = "action_json")]
    pub action_json: Option<String>,
    /// Only to these channels of yours (repeat or comma-separate); default:
    /// every channel that takes the topic.
    #[arg(long = "channel", value_delimiter = ',')]
    pub channels: Vec<String>,
    /// What it is for.
    #[arg(long)]
    pub description: Option<String>,
}

/// The acting user's trigger named `name`, with the names there are when
/// it does not exist.
async fn named(ctx: &Ctx, name: &str) -> Result<Trigger> {
    match trigger::by_name(&ctx.db, ctx.tenant.id, ctx.user.id, name).await {
        Ok(t) => Ok(t),
        Err(StoreError::NotFound { .. }) => {
            let names: Vec<String> = trigger::list(&ctx.db, ctx.tenant.id, Some(ctx.user.id))
                .await?
                .into_iter()
                .map(|t| t.name)
                .collect();
            if names.is_empty() {
                bail!(
                    "no trigger {name:?}: you have none yet (`chief triggers templates`, then `chief triggers add --template NAME`)"
                );
            }
            bail!("no trigger {name:?}; yours are: {}", names.join(", "))
        }
        Err(e) => Err(e.into()),
    }
}

/// "every 0 16 * * 5 (Europe/Madrid)" or "on question.created".
fn when(t: &Trigger) -> String {
    match (&t.schedule, t.event) {
        (Some(s), _) => format!("cron {s} ({})", t.timezone),
        (None, Some(e)) => format!("on {e}"),
        (None, None) => String::new(),
    }
}

fn what(a: &TriggerAction) -> String {
    match a {
        TriggerAction::Briefing { kind } => format!("briefing: {}", kind.label()),
        TriggerAction::Digest { title, .. } => format!("digest: {title}"),
        TriggerAction::Task { template, .. } => format!("task: {template}"),
        TriggerAction::Agent { prompt } => {
            let short: String = prompt.chars().take(60).collect();
            format!("agent: {short}")
        }
        TriggerAction::Webhook { .. } => "webhook call".into(),
        TriggerAction::Notify { title } => match title {
            Some(t) => format!("notify: {t}"),
            None => "notify".into(),
        },
    }
}

async fn action_of(ctx: &Ctx, a: &TriggerAddArgs) -> Result<Option<TriggerAction>> {
    Ok(Some(if let Some(kind) = &a.brief {
        TriggerAction::Briefing {
            kind: kind.parse().map_err(|_| {
                anyhow::anyhow!("--brief takes morning, midday, evening or weekly, not {kind:?}")
            })?,
        }
    } else if let Some(title) = &a.digest {
        let filter: DigestFilter = match &a.filter {
            Some(f) => serde_json::from_str(f)
                .with_context(|| format!("--filter is not a digest filter: {f}"))?,
            None => DigestFilter::default(),
        };
        TriggerAction::Digest {
            title: title.clone(),
            filter,
        }
    } else if let Some(template) = &a.task {
        TriggerAction::Task {
            template: template.clone(),
            description: None,
            assignee: None,
        }
    } else if let Some(prompt) = &a.agent {
        TriggerAction::Agent {
            prompt: prompt.clone(),
        }
    } else if let Some(channel) = &a.webhook {
        TriggerAction::Webhook {
            channel_id: channel_named(ctx, channel).await?.id,
        }
    } else if let Some(title) = &a.notify {
        TriggerAction::Notify {
            title: (!title.is_empty()).then(|| title.clone()),
        }
    } else if let Some(raw) = &a.action_json {
        serde_json::from_str(raw).with_context(|| format!("--action is not an action: {raw}"))?
    } else {
        return Ok(None);
    }))
}

async fn add(ctx: &Ctx, a: &TriggerAddArgs) -> Result<()> {
    if a.name.is_none() && a.template.is_none() {
        bail!(
            "give the trigger a name, or --template NAME (`chief triggers templates` lists them)"
        );
    }
    let event = match &a.on {
        Some(e) => Some(e.parse::<TriggerEvent>().map_err(|_| {
            let all: Vec<&str> = TriggerEvent::ALL.iter().map(|e| e.as_str()).collect();
            anyhow::anyhow!("--on takes {}, not {e:?}", all.join(", "))
        })?),
        None => None,
    };
    let mut channels = Vec::new();
    for c in &a.channels {
        channels.push(channel_named(ctx, c).await?.id);
    }
    let new = NewTrigger {
        name: a.name.clone().unwrap_or_default(),
        description: a.description.clone(),
        template: a.template.clone(),
        schedule: a.cron.clone(),
        timezone: a.tz.clone(),
        event,
        action: action_of(ctx, a).await?,
        channels,
    };
    let created = chief_app::trigger::create(&ctx.db, &ctx.scope(), new).await?;
    if ctx.json {
        return json(&created);
    }
    let t = &created.trigger;
    outln!("Added trigger {}: {}, {}", t.name, when(t), what(&t.action));
    if let Some(token) = &created.webhook_token {
        outln!("  POST to <your chief URL>/hooks/{token}");
        outln!("  (the token is the secret and is shown only now)");
    }
    if t.schedule.is_some() {
        outln!(
            "  `chief serve` fires it on schedule; `chief triggers fire {}` tries it now",
            t.name
        );
    }
    Ok(())
}

pub async fn triggers(ctx: &Ctx, cmd: &TriggersCommand) -> Result<()> {
    match cmd {
        TriggersCommand::List => {
            let all = trigger::list(&ctx.db, ctx.tenant.id, Some(ctx.user.id)).await?;
            if ctx.json {
                return json(&all);
            }
            if all.is_empty() {
                outln!("No triggers yet. `chief triggers templates` shows ready-made ones.");
                return Ok(());
            }
            let mut table = Table::new(&["name", "when", "what", "state", "fired", "last"]);
            for t in &all {
                let (state, style) = match (&t.paused_reason, t.enabled) {
                    (_, true) => ("on".to_string(), Style::Green),
                    (Some(why), false) => (format!("paused: {why}"), Style::Red),
                    (None, false) => ("paused".to_string(), Style::Yellow),
                };
                table.row(vec![
                    (t.name.clone(), Style::Cyan),
                    (when(t), Style::Plain),
                    (what(&t.action), Style::Dim),
                    (state, style),
                    (t.fire_count.to_string(), Style::Plain),
                    (
                        t.last_fired_at
                            .map(|at| ago(at, ctx.now))
                            .unwrap_or_default(),
                        Style::Dim,
                    ),
                ]);
            }
            table.print();
        }
        TriggersCommand::Templates => {
            let all = trigger_templates::all();
            if ctx.json {
                return json(&all);
            }
            let mut table = Table::new(&["template", "when", "what it does"]);
            for t in &all {
                let when = match (t.schedule, t.event) {
                    (Some(s), _) => format!("cron {s}"),
                    (None, Some(e)) => format!("on {e}"),
                    (None, None) => String::new(),
                };
                table.row(vec![
                    (t.name.to_string(), Style::Cyan),
                    (when, Style::Plain),
                    (t.description.to_string(), Style::Dim),
                ]);
            }
            table.print();
            outln!("Add one: chief triggers add --template NAME [--cron …] [--channel …]");
        }
        TriggersCommand::Add(a) => add(ctx, a).await?,
        TriggersCommand::Show { name } => {
            let t = named(ctx, name).await?;
            if ctx.json {
                return json(&t);
            }
            outln!("{}: {}", t.name, when(&t));
            outln!("  action: {}", serde_json::to_string(&t.action)?);
            if let Some(d) = &t.description {
                outln!("  {d}");
            }
            outln!(
                "  {}; fired {} times{}",
                if t.enabled { "on" } else { "paused" },
                t.fire_count,
                t.paused_reason
                    .as_deref()
                    .map(|r| format!("; {r}"))
                    .unwrap_or_default()
            );
        }
        TriggersCommand::History { name, limit } => {
            let t = named(ctx, name).await?;
            let page = Page {
                limit: *limit,
                offset: 0,
            };
            let firings = trigger_firing::list(&ctx.db, ctx.tenant.id, t.id, page).await?;
            if ctx.json {
                return json(&firings);
            }
            if firings.items.is_empty() {
                outln!("{} has not fired yet", t.name);
                return Ok(());
            }
            let mut table = Table::new(&["firing", "when", "cause", "status", "output"]);
            for f in &firings.items {
                let style = match f.status {
                    FiringStatus::Fired => Style::Green,
                    FiringStatus::Failed => Style::Red,
                    _ => Style::Yellow,
                };
                let cause = match (&f.event_type, f.event_seq) {
                    (Some(e), Some(seq)) => format!("{e} #{seq}"),
                    _ => f.cause.clone(),
                };
                table.row(vec![
                    (short(&f.id), Style::Dim),
                    (ago(f.created_at, ctx.now), Style::Dim),
                    (cause, Style::Plain),
                    (f.status.to_string(), style),
                    (
                        f.error.clone().or(f.output.clone()).unwrap_or_default(),
                        Style::Plain,
                    ),
                ]);
            }
            table.print();
        }
        TriggersCommand::Fire { name } => {
            let t = named(ctx, name).await?;
            let f = fire(
                &ctx.db,
                &ModelPolish::from_env(),
                &t,
                Cause::Manual,
                &[t.id],
                Utc::now(),
            )
            .await?
            .expect("a firing with no event is never a duplicate");
            if ctx.json {
                return json(&f);
            }
            match f.status {
                FiringStatus::Fired => outln!("{}: {}", t.name, f.output.unwrap_or_default()),
                _ => bail!("{} failed: {}", t.name, f.error.unwrap_or_default()),
            }
        }
        TriggersCommand::Pause { name } | TriggersCommand::Resume { name } => {
            let t = named(ctx, name).await?;
            let enabled = matches!(cmd, TriggersCommand::Resume { .. });
            let t = chief_app::trigger::set_enabled(&ctx.db, &ctx.scope(), t.id, enabled).await?;
            if ctx.json {
                return json(&t);
            }
            outln!("{} {}", if enabled { "Resumed" } else { "Paused" }, t.name);
        }
        TriggersCommand::Remove { name } => {
            let t = named(ctx, name).await?;
            chief_app::trigger::delete(&ctx.db, &ctx.scope(), t.id).await?;
            if ctx.json {
                return json(&serde_json::json!({"removed": t.name}));
            }
            outln!("Removed trigger {}", t.name);
        }
    }
    Ok(())
}
