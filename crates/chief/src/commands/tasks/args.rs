//! The flags of the task commands (`chief list`, `next`, `show`, `edit`,
//! `done`, `block`, `search` and the other lifecycle steps).

use clap::{Args, ValueEnum};

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
