//! The command line: the global options and the list of commands. Each
//! command group's flags sit beside its handler in [`crate::commands`].

use crate::commands::agent::AgentCommand;
use crate::commands::audit::AuditCommand;
use crate::commands::brief::BriefArgs;
use crate::commands::channels::{ChannelsCommand, DeliveriesCommand};
use crate::commands::chat::ChatArgs;
use crate::commands::entities::{PeopleCommand, ProjectsCommand, QuestionsCommand, WaitingCommand};
use crate::commands::init::InitArgs;
use crate::commands::jobs::JobsCommand;
use crate::commands::keys::{KeysCommand, TenantsCommand, UsersCommand};
use crate::commands::learn::LearnArgs;
use crate::commands::mcp::McpArgs;
use crate::commands::quick_add::{AddArgs, ParseArgs};
use crate::commands::serve::ServeArgs;
use crate::commands::suggest::SuggestArgs;
use crate::commands::tasks::{
    BlockArgs, DoneArgs, EditArgs, IdArg, ListArgs, NextArgs, SearchArgs,
};
use crate::commands::todotxt::{ExportCommand, ImportCommand};
use crate::commands::triggers::TriggersCommand;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// chief: a self-hosted AI chief of staff. Tasks, projects, people,
/// questions and waiting-for items in one system of record, for you and
/// your agent.
#[derive(Debug, Parser)]
#[command(name = "chief", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Where the embedded SQLite store lives (default: $XDG_DATA_HOME/chief).
    #[arg(long, global = true, env = "CHIEF_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Use this database instead: postgres://… (or sqlite://PATH).
    #[arg(
        long,
        global = true,
        env = "CHIEF_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// The workspace to act in (its slug); needed only when there are several.
    #[arg(long, global = true, env = "CHIEF_TENANT", value_name = "SLUG")]
    pub tenant: Option<String>,

    /// Act as this user (email); defaults to the workspace owner.
    #[arg(long = "as", global = true, env = "CHIEF_USER", value_name = "EMAIL")]
    pub as_user: Option<String>,

    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the store, the first workspace and its owner; prints an API key once.
    Init(InitArgs),
    /// Serve the HTTP API, its docs at /api/docs and live events (creates the store on first run).
    Serve(ServeArgs),
    /// Add a task from one line: `chief add "Call Patrick tomorrow 3pm !1 +liberty @phone"`.
    Add(AddArgs),
    /// Show what `chief add` would read from a line, without saving:
    /// `chief parse "Call Patrick tomorrow 3pm !1 +liberty" --json`.
    Parse(ParseArgs),
    /// List tasks, with filters.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Your queue by urgency: priority, due date (overdue first) and age.
    Next(NextArgs),
    /// What to do now, with reasons: fits your context, time and energy.
    Suggest(SuggestArgs),
    /// Show one task with its history.
    Show(IdArg),
    /// Change a task's fields.
    Edit(EditArgs),
    /// Start working on a task.
    Start(IdArg),
    /// Mark a task completed.
    #[command(alias = "complete")]
    Done(DoneArgs),
    /// Block a task with a question for a person.
    Block(BlockArgs),
    /// Cancel a task (final).
    Cancel(IdArg),
    /// Reopen a completed task.
    Reopen(IdArg),
    /// Delete a task (soft delete: it stays in the audit history).
    #[command(alias = "rm")]
    Delete(IdArg),
    /// Full-text search over tasks, people, projects, playbooks and knowledge.
    Search(SearchArgs),
    /// What a chat message asks for (add_task, list_tasks, complete_task,
    /// query, capture_knowledge, brief, answer_question or unknown), by rules:
    /// `chief classify "remind me to call Patrick" --json`.
    Classify {
        /// The message.
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Teach chief something and route it where it belongs:
    /// `chief learn "remember that Patrick prefers short emails"` goes into
    /// Patrick's communication notes. Prints the category, the record it went
    /// to and the field updated, or why it waits for review and whom it
    /// could be about.
    Learn(LearnArgs),
    /// A briefing composed from your data: `chief brief morning` (also
    /// midday, evening, weekly). Prints plain text; --markdown or --json for
    /// other forms; --save keeps it (as `POST /api/briefings` does).
    Brief(BriefArgs),
    /// People and their relationship context.
    #[command(subcommand)]
    People(PeopleCommand),
    /// Projects, initiatives and goals.
    #[command(subcommand)]
    Projects(ProjectsCommand),
    /// Questions the agent is waiting on.
    #[command(subcommand)]
    Questions(QuestionsCommand),
    /// Things you are waiting for from others.
    #[command(subcommand)]
    Waiting(WaitingCommand),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Your scheduled jobs: list, history, run NAME, pause NAME, resume NAME.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Run every enabled job of this name once, now, for every user: for a
    /// system cron (a Kubernetes CronJob) instead of `chief serve`'s scheduler.
    RunJob {
        /// The job's name, such as recurring_tasks.
        name: String,
    },
    /// Your automations: a schedule or an event, an action, and channels.
    #[command(subcommand)]
    Triggers(TriggersCommand),
    /// Where your notices go: add, list, test or remove a webhook.
    #[command(subcommand)]
    Channels(ChannelsCommand),
    /// Notices on their way: list them (failed ones with their error) and re-deliver one.
    #[command(subcommand)]
    Deliveries(DeliveriesCommand),
    /// API keys for the HTTP API and MCP clients.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// People who can sign in to this workspace.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Workspaces in this store.
    #[command(subcommand)]
    Tenants(TenantsCommand),
    /// Import tasks from another tool.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export tasks to another tool's format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Serve MCP over stdin/stdout for an MCP client (Claude Desktop, Claude
    /// Code): the work-loop tools, playbook and task resources, and prompts.
    /// Acts as the user of the API key in CHIEF_API_KEY.
    Mcp(McpArgs),
    /// The agent: `chief agent run` works the agent queue with the
    /// configured model, `chief agent undo RUN` reverts a run, and `chief
    /// agent instructions` prints a ready CLAUDE.md / AGENTS.md.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Talk with the agent: `chief chat "what's on my plate?"` for one
    /// message, or `chief chat` to type a conversation. It looks things up
    /// and changes records with the same tools as the agent loop, and
    /// drafts but never sends. Needs a model (CHIEF_MODEL and a key).
    Chat(ChatArgs),
    /// Print shell completions: `chief completions bash > /etc/bash_completion.d/chief`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}
