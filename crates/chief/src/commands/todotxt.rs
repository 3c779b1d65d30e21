//! todo.txt: `chief add` reads its tokens, `chief import todotxt` reads a
//! whole file, `chief export todotxt` writes one.
//!
//! Import is all or nothing: every line is parsed before anything is
//! written, a bad line is reported with its line number, and the tasks are
//! written in one transaction, so a crash or a kill mid-import leaves either
//! the whole file or none of it.
//!
//! Mapping: (A)..(E) are priorities 1..5 ((F) to (Z) read as 5); no letter
//! is the default priority 3, and (C) reads as 3 too, so export writes no
//! letter for priority 3. The first +project is the task's project (created
//! if missing); further ones are kept as `project:` attributes. Unknown
//! key:value pairs are kept verbatim and written back.

use crate::context::Ctx;
use crate::dates::{end_of_day, local_date, start_of_day};
use crate::output::json;
use anyhow::{Context as _, Result};
use chief_app::task_import::{self, ImportedTask};
use chief_domain::Priority;
use chief_domain::task::{Assignee, NewTask, Task, TaskStatus};
use chief_interchange::todotxt::{self, TodoItem};
use chief_store::task_query::{TaskFilter, TaskSort};
use chief_store::{Page, project, task_query};
use clap::Subcommand;
use std::collections::HashMap;
use std::path::PathBuf;
use uuid::Uuid;

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

/// The largest file `chief import todotxt` reads.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Turns a parsed todo.txt line into a task to import; its first project
/// is named, for the import to find or create.
fn item_to_task(ctx: &Ctx, line: usize, item: &TodoItem) -> ImportedTask {
    let mut attributes = item.attributes.clone();
    for extra in item.projects.iter().skip(1) {
        attributes.push(("project".to_string(), extra.clone()));
    }
    let done = item.done;
    let new = NewTask {
        title: item.text.clone(),
        priority: item.priority.and_then(Priority::from_letter),
        assignee: Some(Assignee::User),
        due_date: item.due.map(|d| end_of_day(d, ctx.tz)),
        due_has_time: false,
        tags: item.tags.clone(),
        contexts: item.contexts.clone(),
        attributes,
        created_at: item.creation_date.map(|d| start_of_day(d, ctx.tz)),
        status: done.then_some(TaskStatus::Completed),
        completed_at: if done {
            item.completion_date.map(|d| start_of_day(d, ctx.tz))
        } else {
            None
        },
        source: Some("todotxt".into()),
        ..Default::default()
    };
    ImportedTask {
        line,
        new,
        project: item.projects.first().cloned(),
    }
}

/// The todo.txt line of a task.
fn task_to_item(ctx: &Ctx, t: &Task, projects: &HashMap<Uuid, String>) -> TodoItem {
    let mut names: Vec<String> = t
        .project_id
        .and_then(|p| projects.get(&p).cloned())
        .into_iter()
        .collect();
    let mut attributes = Vec::new();
    for (k, v) in &t.attributes {
        if k == "project" {
            names.push(v.clone());
        } else {
            attributes.push((k.clone(), v.clone()));
        }
    }
    let done = matches!(t.status, TaskStatus::Completed | TaskStatus::Cancelled);
    match t.status {
        TaskStatus::Cancelled => attributes.push(("status".into(), "cancelled".into())),
        TaskStatus::Blocked | TaskStatus::Working => {
            attributes.push(("status".into(), t.status.to_string()))
        }
        _ => {}
    }
    TodoItem {
        done,
        completion_date: if done {
            t.completed_at.map(|c| local_date(c, ctx.tz))
        } else {
            None
        },
        priority: (t.priority != Priority::DEFAULT).then(|| t.priority.letter()),
        creation_date: Some(local_date(t.created_at, ctx.tz)),
        text: t.title.clone(),
        projects: names,
        contexts: t.contexts.clone(),
        tags: t.tags.clone(),
        due: t.due_date.map(|d| local_date(d, ctx.tz)),
        attributes,
    }
}

pub async fn import(ctx: &Ctx, cmd: &ImportCommand) -> Result<()> {
    let ImportCommand::Todotxt { file } = cmd;
    let meta =
        std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    if meta.len() > MAX_FILE_BYTES {
        anyhow::bail!("{} is larger than 64 MiB", file.display());
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (byte {})",
            file.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let items = todotxt::parse_file(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was imported", file.display()))?;
    let total = items.len();
    let tasks = items
        .iter()
        .map(|(line, item)| item_to_task(ctx, *line, item))
        .collect();
    let quiet = ctx.json;
    let done = task_import::import(&ctx.db, &ctx.scope(), tasks, |count| {
        if !quiet {
            eoutln!("importing… {count}/{total}");
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("{} {e}; nothing was imported", file.display()))?;
    let (count, projects) = (done.tasks, done.projects);
    if ctx.json {
        return json(
            &serde_json::json!({"imported": count, "projects_created_or_found": projects}),
        );
    }
    outln!("Imported {count} task(s) from {}", file.display());
    Ok(())
}

pub async fn export(ctx: &Ctx, cmd: &ExportCommand) -> Result<()> {
    let ExportCommand::Todotxt = cmd;
    let projects: HashMap<Uuid, String> = project::list(&ctx.db, ctx.tenant.id, None, None)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut out = String::new();
    let mut offset = 0;
    loop {
        let filter = TaskFilter {
            sort: TaskSort::Oldest,
            ..Default::default()
        };
        let page = task_query::list(
            &ctx.db,
            ctx.tenant.id,
            &filter,
            Page::new(Page::MAX_LIMIT, offset),
        )
        .await?;
        if page.items.is_empty() {
            break;
        }
        offset += page.items.len() as i64;
        for t in &page.items {
            out.push_str(&todotxt::format_line(&task_to_item(ctx, t, &projects)));
            out.push('\n');
        }
    }
    out!("{out}");
    Ok(())
}
