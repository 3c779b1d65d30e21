//! The command line: every subcommand, its flags and its help text.

use clap::{Args, Parser, Subcommand, ValueEnum};
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

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The workspace name.
    #[arg(long, default_value = "Personal")]
    pub name: String,
    /// The owner's email.
    #[arg(long, default_value = "me@localhost")]
    pub email: String,
    /// The owner's display name.
    #[arg(long = "user-name")]
    pub user_name: Option<String>,
    /// The owner's IANA timezone (default: $TZ, or UTC).
    #[arg(long)]
    pub timezone: Option<String>,
    /// The owner's password for the web dashboard (at least 8 characters).
    #[arg(long, env = "CHIEF_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Queued,
    Working,
    Blocked,
    Completed,
    Cancelled,
    /// queued, working and blocked.
    Open,
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    Created,
    Priority,
    Due,
    Updated,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Status to show (default: open).
    #[arg(long, short, value_enum, default_value = "open")]
    pub status: StatusArg,
    /// Only this project (name).
    #[arg(long, short)]
    pub project: Option<String>,
    /// Only tasks assigned to `user` or `agent`.
    #[arg(long)]
    pub assignee: Option<String>,
    /// Only this priority (1-5 or A-E).
    #[arg(long)]
    pub priority: Option<String>,
    /// Due before this date (YYYY-MM-DD, today, tomorrow, +3d).
    #[arg(long, value_name = "DATE")]
    pub due_before: Option<String>,
    /// Due on or after this date.
    #[arg(long, value_name = "DATE")]
    pub due_after: Option<String>,
    /// Only tasks with this #tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only tasks with this @context.
    #[arg(long)]
    pub context: Option<String>,
    /// Sort order.
    #[arg(long, value_enum, default_value = "created")]
    pub sort: SortArg,
    /// How many to show.
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: i64,
    /// Skip this many.
    #[arg(long, default_value_t = 0)]
    pub offset: i64,
}

#[derive(Debug, Args)]
pub struct NextArgs {
    /// Show the agent's queue (seed 003's /tasks/next order) instead of yours.
    #[arg(long)]
    pub agent: bool,
    /// How many to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: i64,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Where you are (phone, @home, …); inferred from the clock and your
    /// calendar when absent (rules: the setting suggest.context_rules).
    #[arg(long, short = 'c')]
    pub context: Option<String>,
    /// Minutes you have; tasks estimated longer are left out.
    #[arg(long, short = 'm', value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub minutes: Option<u32>,
    /// Your energy: high favours long or important work, low quick wins.
    #[arg(long, short = 'e', value_enum)]
    pub energy: Option<EnergyArg>,
    /// How many to show (1 to 100).
    #[arg(long, short = 'n', default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnergyArg {
    Low,
    High,
}

#[derive(Debug, Args)]
pub struct IdArg {
    /// The task id (a unique prefix of at least 4 hex digits will do).
    pub id: String,
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// The task id or a unique prefix.
    pub id: String,
    /// What came of it.
    #[arg(long)]
    pub output: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The task id or a unique prefix.
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    /// 1 (highest) to 5, or A to E.
    #[arg(long)]
    pub priority: Option<String>,
    /// YYYY-MM-DD, today, tomorrow, +3d, or `none` to clear.
    #[arg(long)]
    pub due: Option<String>,
    /// A project name, or `none` to clear.
    #[arg(long)]
    pub project: Option<String>,
    /// `user` or `agent`.
    #[arg(long)]
    pub assignee: Option<String>,
    /// Replace the tags (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub tags: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct BlockArgs {
    /// The task id or a unique prefix.
    pub id: String,
    /// The question that must be answered before the task can go on.
    #[arg(long, short)]
    pub question: String,
    /// Why it is being asked.
    #[arg(long)]
    pub why: Option<String>,
    /// What will be done with the answer.
    #[arg(long)]
    pub will_do: Option<String>,
    /// The question's priority (1-5).
    #[arg(long)]
    pub priority: Option<String>,
}

#[derive(Debug, Args)]
pub struct LearnArgs {
    /// What was learned, such as "Liberty wants invoices monthly".
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Show where it would go without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    /// morning (the day's plan), midday (progress check), evening (summary
    /// and prep for tomorrow) or weekly (the review of the last seven days).
    pub kind: String,
    /// Compose as of this instant (RFC 3339, e.g. 2026-03-03T08:00:00+01:00)
    /// instead of now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Print Markdown instead of plain text.
    #[arg(long)]
    pub markdown: bool,
    /// Keep the briefing in the store (listed by `GET /api/briefings`);
    /// by default it is only printed.
    #[arg(long)]
    pub save: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to look for.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Only these kinds: task, person, project, playbook, knowledge.
    #[arg(long = "type", value_delimiter = ',')]
    pub types: Vec<String>,
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: i64,
}

#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Add a person.
    Add {
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// colleague, client, prospect, partner, friend…
        #[arg(long)]
        relationship: Option<String>,
        /// How to communicate with them.
        #[arg(long)]
        notes: Option<String>,
    },
    /// List people.
    List,
    /// Show a person (by name or id).
    Show { name_or_id: String },
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCommand {
    /// Add a project, initiative or goal.
    Add {
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// project, initiative or goal.
        #[arg(long = "type", default_value = "project")]
        kind: String,
        /// The parent project's name.
        #[arg(long)]
        parent: Option<String>,
        /// Target date (YYYY-MM-DD).
        #[arg(long)]
        target: Option<String>,
    },
    /// List projects.
    List,
    /// Show a project (by name or id) with its open tasks.
    Show { name_or_id: String },
}

#[derive(Debug, Subcommand)]
pub enum QuestionsCommand {
    /// List questions (unanswered by default).
    List {
        /// Show answered and dismissed questions too.
        #[arg(long)]
        all: bool,
    },
    /// Answer a question; the tasks it blocks go back to the queue.
    Answer {
        /// The question id.
        id: String,
        /// The answer.
        answer: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum WaitingCommand {
    /// Record something you are waiting for.
    Add {
        /// What you are waiting for.
        what: String,
        /// Who owes it.
        #[arg(long)]
        who: Option<String>,
        /// When to follow up (YYYY-MM-DD, +3d, …).
        #[arg(long)]
        follow_up: Option<String>,
        /// The task it holds up (id or prefix).
        #[arg(long)]
        task: Option<String>,
    },
    /// List open waiting items.
    List {
        /// Include resolved ones.
        #[arg(long)]
        all: bool,
    },
    /// Mark an item resolved.
    Resolve {
        id: String,
        #[arg(long)]
        notes: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; names the first broken link.
    Verify,
    /// Show recent audit entries.
    Log {
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a todo.txt file. All or nothing: a bad line aborts the whole import.
    Todotxt { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Print every task as todo.txt.
    Todotxt,
}

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

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key for a user (default: you); the key is shown once.
    Create {
        /// A name to tell the key apart, such as "laptop" or "claude-desktop".
        #[arg(long, default_value = "cli")]
        name: String,
        /// The user's email (default: the acting user).
        #[arg(long)]
        user: Option<String>,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key by its prefix or id.
    Revoke { prefix_or_id: String },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user to this workspace.
    Add {
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// owner, admin or member.
        #[arg(long, default_value = "member")]
        role: String,
        /// IANA timezone (default: the acting user's).
        #[arg(long)]
        timezone: Option<String>,
    },
    /// List this workspace's users.
    List,
    /// Set a user's web dashboard password, read from stdin (or a prompt).
    Passwd { email: String },
}

#[derive(Debug, Subcommand)]
pub enum TenantsCommand {
    /// Create another workspace with its owner; prints the owner's key once.
    Create {
        name: String,
        /// The owner's email.
        #[arg(long)]
        owner: String,
        /// A slug (default: from the name).
        #[arg(long)]
        slug: Option<String>,
        /// The owner's IANA timezone.
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
    /// List every workspace in the store.
    List,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Seed a demo workspace (once) and print how to log in to it.
    #[arg(long)]
    pub demo: bool,
    /// The address to listen on.
    #[arg(long, env = "CHIEF_BIND", default_value = "127.0.0.1:7878")]
    pub bind: std::net::SocketAddr,
    /// Requests per minute allowed per API key (0 turns the limit off).
    #[arg(long, env = "CHIEF_RATE_LIMIT", default_value_t = 1200)]
    pub rate_limit: u32,
    /// Origins allowed to call the API from a browser, comma-separated;
    /// `*` allows any. None by default.
    #[arg(long, env = "CHIEF_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origin: Vec<String>,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "CHIEF_MAX_BODY", default_value_t = 1024 * 1024)]
    pub max_body: usize,
    /// Do not run scheduled jobs or fire triggers in this instance (another
    /// instance, or a system cron calling `chief run-job`, runs them).
    #[arg(long, env = "CHIEF_NO_SCHEDULER")]
    pub no_scheduler: bool,
    /// Do not send deliveries (webhooks) from this instance; another
    /// instance's worker sends them.
    #[arg(long, env = "CHIEF_NO_DELIVERY")]
    pub no_delivery: bool,
    /// Host names `/mcp` answers to, comma-separated (`*` for any); other
    /// `Host` headers get 403, against DNS rebinding.
    #[arg(
        long,
        env = "CHIEF_MCP_ALLOWED_HOSTS",
        value_delimiter = ',',
        default_value = "localhost,127.0.0.1,[::1]"
    )]
    pub mcp_allowed_hosts: Vec<String>,
    /// Browser origins allowed to call `/mcp`, comma-separated (`*` for
    /// any); by default an origin on an allowed host.
    #[arg(long, env = "CHIEF_MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub mcp_allowed_origins: Vec<String>,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// The API key to act with (`chief keys create`); its user and
    /// workspace scope everything the MCP client does.
    #[arg(long, env = "CHIEF_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
}

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
