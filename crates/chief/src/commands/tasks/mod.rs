//! Task commands: list, next, show, edit, start/done/cancel/reopen,
//! block, delete, search.

mod args;

pub use args::{
    BlockArgs, DoneArgs, EditArgs, IdArg, ListArgs, NextArgs, SearchArgs, SortArg, StatusArg,
};

use crate::context::Ctx;
use crate::dates::{ago, end_of_day, local_date, parse_date, relative_due, start_of_day};
use crate::output::{Style, Table, json, paint, short};
use anyhow::{Context as _, Result, bail};
use chief_app::question::QuestionRequest;
use chief_app::task::TaskEdit;
use chief_domain::Priority;
use chief_domain::task::{Assignee, Task, TaskOp, TaskPatch, TaskStatus};
use chief_store::task_query::{TaskFilter, TaskSort};
use chief_store::{Page, project, search as fts, task, task_query};

pub(super) fn describe(ctx: &Ctx, t: &Task) -> String {
    let mut parts = vec![t.title.clone()];
    if t.priority != Priority::DEFAULT {
        parts.push(format!("(p{})", t.priority));
    }
    if let Some(due) = t.due_date {
        parts.push(format!(
            "[{}]",
            relative_due(due, t.due_has_time, ctx.now, ctx.tz)
        ));
    }
    parts.join(" ")
}

fn due_cell(ctx: &Ctx, t: &Task) -> (String, Style) {
    match t.due_date {
        None => (String::new(), Style::Plain),
        Some(due) => {
            let text = relative_due(due, t.due_has_time, ctx.now, ctx.tz);
            let style = if due < ctx.now && t.status.is_open() {
                Style::Red
            } else if local_date(due, ctx.tz)
                <= local_date(ctx.now, ctx.tz).succ_opt().unwrap_or_default()
            {
                Style::Yellow
            } else {
                Style::Plain
            };
            (text, style)
        }
    }
}

fn labels(t: &Task, project: Option<&str>) -> String {
    let mut out = Vec::new();
    if let Some(p) = project {
        out.push(format!("+{p}"));
    }
    out.extend(t.contexts.iter().map(|c| format!("@{c}")));
    out.extend(t.tags.iter().map(|g| format!("#{g}")));
    out.join(" ")
}

async fn project_names(ctx: &Ctx) -> Result<std::collections::HashMap<uuid::Uuid, String>> {
    Ok(project::list(&ctx.db, ctx.tenant.id, None, None)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

fn print_tasks(
    ctx: &Ctx,
    tasks: &[(Option<f64>, &Task)],
    projects: &std::collections::HashMap<uuid::Uuid, String>,
) {
    let with_urgency = tasks.iter().any(|(u, _)| u.is_some());
    let mut header = vec!["id", "pri", "status", "due", "title", "labels"];
    if with_urgency {
        header.insert(1, "urg");
    }
    let mut table = Table::new(&header);
    for (urgency, t) in tasks {
        let pri_style = match t.priority.get() {
            1 => Style::Red,
            2 => Style::Yellow,
            _ => Style::Plain,
        };
        let status_style = match t.status {
            TaskStatus::Working => Style::Green,
            TaskStatus::Blocked => Style::Red,
            TaskStatus::Completed | TaskStatus::Cancelled => Style::Dim,
            TaskStatus::Queued => Style::Plain,
        };
        let project = t
            .project_id
            .and_then(|p| projects.get(&p))
            .map(String::as_str);
        let mut row = vec![
            (short(&t.id), Style::Cyan),
            (format!("p{}", t.priority), pri_style),
            (t.status.to_string(), status_style),
            due_cell(ctx, t),
            (t.title.clone(), Style::Plain),
            (labels(t, project), Style::Dim),
        ];
        if let Some(u) = urgency {
            row.insert(1, (format!("{u:.1}"), Style::Dim));
        }
        table.row(row);
    }
    table.print();
}

fn date_bound(ctx: &Ctx, text: &Option<String>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    text.as_deref()
        .map(|t| parse_date(t, local_date(ctx.now, ctx.tz)).map(|d| start_of_day(d, ctx.tz)))
        .transpose()
}

pub async fn list(ctx: &Ctx, args: &ListArgs) -> Result<()> {
    let statuses = match args.status {
        StatusArg::Open => vec![TaskStatus::Queued, TaskStatus::Working, TaskStatus::Blocked],
        StatusArg::All => vec![],
        StatusArg::Queued => vec![TaskStatus::Queued],
        StatusArg::Working => vec![TaskStatus::Working],
        StatusArg::Blocked => vec![TaskStatus::Blocked],
        StatusArg::Completed => vec![TaskStatus::Completed],
        StatusArg::Cancelled => vec![TaskStatus::Cancelled],
    };
    let project_id = match &args.project {
        Some(name) => Some(
            project::find_by_name(&ctx.db, ctx.tenant.id, name.trim_start_matches('+'))
                .await?
                .with_context(|| format!("no project named {name:?}"))?
                .id,
        ),
        None => None,
    };
    let filter = TaskFilter {
        statuses,
        user_id: None,
        project_id,
        assignee: args.assignee.as_deref().map(Assignee::parse).transpose()?,
        priority: args.priority.as_deref().map(Priority::parse).transpose()?,
        due_before: date_bound(ctx, &args.due_before)?,
        due_after: date_bound(ctx, &args.due_after)?,
        tag: args.tag.clone(),
        context: args.context.clone(),
        completed_after: None,
        sort: match args.sort {
            SortArg::Created => TaskSort::Created,
            SortArg::Priority => TaskSort::Priority,
            SortArg::Due => TaskSort::Due,
            SortArg::Updated => TaskSort::Updated,
        },
    };
    if args.limit < 1 || args.offset < 0 {
        bail!("--limit must be at least 1 and --offset at least 0");
    }
    let listing = task_query::list(
        &ctx.db,
        ctx.tenant.id,
        &filter,
        Page::new(args.limit, args.offset),
    )
    .await?;
    if ctx.json {
        return json(&listing);
    }
    if listing.items.is_empty() {
        outln!("No tasks match.");
        return Ok(());
    }
    let projects = project_names(ctx).await?;
    let rows: Vec<_> = listing.items.iter().map(|t| (None, t)).collect();
    print_tasks(ctx, &rows, &projects);
    if listing.total > listing.items.len() as i64 {
        outln!(
            "{}",
            paint(
                &format!(
                    "{} of {} shown (use --limit/--offset)",
                    listing.items.len(),
                    listing.total
                ),
                Style::Dim
            )
        );
    }
    Ok(())
}

pub async fn next(ctx: &Ctx, args: &NextArgs) -> Result<()> {
    if args.limit < 1 {
        bail!("--limit must be at least 1");
    }
    let ranked: Vec<(Option<f64>, Task)> = if args.agent {
        task_query::next_for_agent(&ctx.db, ctx.tenant.id, ctx.user.id, args.limit)
            .await?
            .into_iter()
            .map(|t| (None, t))
            .collect()
    } else {
        task_query::next_for_user(&ctx.db, ctx.tenant.id, ctx.user.id, ctx.now, args.limit)
            .await?
            .into_iter()
            .map(|r| (Some(r.urgency), r.task))
            .collect()
    };
    if ctx.json {
        let out: Vec<serde_json::Value> = ranked
            .iter()
            .map(|(u, t)| {
                let mut v = serde_json::to_value(t).expect("tasks serialise");
                if let Some(u) = u {
                    v["urgency"] = (*u).into();
                }
                v
            })
            .collect();
        return json(&out);
    }
    if ranked.is_empty() {
        outln!(
            "{}",
            if args.agent {
                "The agent's queue is empty."
            } else {
                "Nothing to do. Add a task with `chief add`."
            }
        );
        return Ok(());
    }
    let projects = project_names(ctx).await?;
    let rows: Vec<_> = ranked.iter().map(|(u, t)| (*u, t)).collect();
    print_tasks(ctx, &rows, &projects);
    Ok(())
}

pub async fn show(ctx: &Ctx, id: &str) -> Result<()> {
    let id = ctx.task_id(id).await?;
    let t = task::get(&ctx.db, ctx.tenant.id, id).await?;
    let history = chief_store::audit::list(&ctx.db, ctx.tenant.id, Some(id), 50).await?;
    if ctx.json {
        return json(&serde_json::json!({"task": t, "history": history}));
    }
    let project = match t.project_id {
        Some(p) => Some(project::get(&ctx.db, ctx.tenant.id, p).await?.name),
        None => None,
    };
    outln!("{}", paint(&t.title, Style::Bold));
    let field = |k: &str, v: String| outln!("  {:<12} {v}", paint(k, Style::Dim));
    field("id", t.id.to_string());
    field("status", t.status.to_string());
    field("priority", t.priority.to_string());
    field("assignee", t.assignee.to_string());
    if let Some(p) = &project {
        field("project", p.clone());
    }
    if let Some(due) = t.due_date {
        let when = if t.due_has_time {
            due.with_timezone(&ctx.tz)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        } else {
            local_date(due, ctx.tz).to_string()
        };
        field(
            "due",
            format!(
                "{when} ({})",
                relative_due(due, t.due_has_time, ctx.now, ctx.tz)
            ),
        );
    }
    let labels = labels(&t, None);
    if !labels.is_empty() {
        field("labels", labels);
    }
    for (k, v) in &t.attributes {
        field(k, v.clone());
    }
    field(
        "created",
        format!(
            "{} ({})",
            t.created_at.with_timezone(&ctx.tz).format("%Y-%m-%d %H:%M"),
            ago(t.created_at, ctx.now)
        ),
    );
    if let Some(d) = &t.description {
        outln!("\n{d}");
    }
    if let Some(o) = &t.output {
        outln!("\n{}\n{o}", paint("Output", Style::Bold));
    }
    if !history.is_empty() {
        outln!("\n{}", paint("History", Style::Bold));
        for e in history.iter().rev() {
            outln!(
                "  {:<10} {:<8} {}",
                ago(e.timestamp, ctx.now),
                e.actor,
                e.action
            );
        }
    }
    Ok(())
}

pub async fn edit(ctx: &Ctx, args: &EditArgs) -> Result<()> {
    let id = ctx.task_id(&args.id).await?;
    let mut patch = TaskPatch {
        title: args.title.clone(),
        description: args
            .description
            .clone()
            .map(|d| Some(d).filter(|d| !d.is_empty())),
        priority: args.priority.as_deref().map(Priority::parse).transpose()?,
        assignee: args.assignee.as_deref().map(Assignee::parse).transpose()?,
        tags: args.tags.clone(),
        ..Default::default()
    };
    if let Some(due) = &args.due {
        patch.due_date = Some(if due == "none" {
            None
        } else {
            Some(end_of_day(
                parse_date(due, local_date(ctx.now, ctx.tz))?,
                ctx.tz,
            ))
        });
        patch.due_has_time = Some(false);
    }
    let project = args
        .project
        .as_deref()
        .map(|p| (p != "none").then(|| p.trim_start_matches('+').to_string()));
    let updated =
        chief_app::task::edit(&ctx.db, &ctx.scope(), id, TaskEdit { patch, project }).await?;
    if ctx.json {
        return json(&updated);
    }
    outln!(
        "Updated {} {}",
        paint(&short(&updated.id), Style::Cyan),
        describe(ctx, &updated)
    );
    Ok(())
}

pub async fn lifecycle(ctx: &Ctx, id: &str, op: TaskOp, output: Option<String>) -> Result<()> {
    let id = ctx.task_id(id).await?;
    let t = chief_app::task::transition(&ctx.db, &ctx.scope(), id, op, output).await?;
    if ctx.json {
        return json(&t);
    }
    let verb = match op {
        TaskOp::Start => "Started",
        TaskOp::Complete => "Completed",
        TaskOp::Cancel => "Cancelled",
        TaskOp::Reopen => "Reopened",
        _ => "Updated",
    };
    outln!("{verb} {} {}", paint(&short(&t.id), Style::Cyan), t.title);
    Ok(())
}

pub async fn block(ctx: &Ctx, args: &BlockArgs) -> Result<()> {
    let id = ctx.task_id(&args.id).await?;
    let question = QuestionRequest {
        text: args.question.clone(),
        context: None,
        why_asking: args.why.clone(),
        what_agent_will_do: args.will_do.clone(),
        priority: args
            .priority
            .as_deref()
            .map(Priority::parse)
            .transpose()?
            .map(Priority::get),
        priority_reason: None,
        unblocks: Vec::new(),
    };
    let (t, q) = chief_app::question::block_task(&ctx.db, &ctx.scope(), id, question).await?;
    if ctx.json {
        return json(&serde_json::json!({"task": t, "question": q}));
    }
    outln!("Blocked {} {}", paint(&short(&t.id), Style::Cyan), t.title);
    outln!("Question {}: {}", paint(&short(&q.id), Style::Cyan), q.text);
    Ok(())
}

pub async fn delete(ctx: &Ctx, id: &str) -> Result<()> {
    let id = ctx.task_id(id).await?;
    chief_app::task::delete(&ctx.db, &ctx.scope(), id).await?;
    if ctx.json {
        return json(&serde_json::json!({"deleted": id}));
    }
    outln!("Deleted {}", paint(&short(&id), Style::Cyan));
    Ok(())
}

pub async fn search(ctx: &Ctx, args: &SearchArgs) -> Result<()> {
    let kinds = args
        .types
        .iter()
        .map(|t| {
            fts::EntityKind::parse(t).with_context(|| {
                format!("unknown type {t:?}: use task, person, project, playbook or knowledge")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let hits = fts::search(
        &ctx.db,
        ctx.tenant.id,
        &args.query.join(" "),
        &kinds,
        args.limit,
    )
    .await?;
    if ctx.json {
        return json(&hits);
    }
    if hits.is_empty() {
        outln!("No matches.");
        return Ok(());
    }
    let mut table = Table::new(&["id", "type", "title", "snippet"]);
    for h in &hits {
        table.row(vec![
            (short(&h.id), Style::Cyan),
            (h.entity_type.as_str().to_string(), Style::Dim),
            (h.title.chars().take(60).collect(), Style::Plain),
            (h.snippet.replace('\n', " "), Style::Dim),
        ]);
    }
    table.print();
    Ok(())
}
