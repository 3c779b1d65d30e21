//! People, projects, questions and waiting-for items.

use crate::context::Ctx;
use crate::dates::{ago, end_of_day, local_date, parse_date, relative_due};
use crate::output::{Style, Table, json, paint, short};
use anyhow::{Context as _, Result, bail};
use chief_domain::person::NewPerson;
use chief_domain::project::{NewProject, ProjectType};
use chief_domain::question::QuestionStatus;
use chief_domain::task::TaskStatus;
use chief_domain::waiting::{NewWaitingItem, WaitingStatus};
use chief_store::short_id::Kind;
use chief_store::task_query::{TaskFilter, TaskSort};
use chief_store::{Page, person, project, question, task_query, waiting};
use clap::Subcommand;

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

pub async fn people(ctx: &Ctx, cmd: &PeopleCommand) -> Result<()> {
    match cmd {
        PeopleCommand::Add {
            name,
            email,
            company,
            title,
            relationship,
            notes,
        } => {
            let p = chief_app::person::create(
                &ctx.db,
                &ctx.scope(),
                NewPerson {
                    name: name.clone(),
                    email: email.clone(),
                    company: company.clone(),
                    title: title.clone(),
                    relationship: relationship.clone(),
                    communication_notes: notes.clone(),
                    ..Default::default()
                },
            )
            .await?;
            if ctx.json {
                return json(&p);
            }
            outln!("Added {} {}", paint(&short(&p.id), Style::Cyan), p.name);
        }
        PeopleCommand::List => {
            let people = person::list(&ctx.db, ctx.tenant.id).await?;
            if ctx.json {
                return json(&people);
            }
            let mut table = Table::new(&["id", "name", "company", "relationship", "email"]);
            for p in &people {
                table.row(vec![
                    (short(&p.id), Style::Cyan),
                    (p.name.clone(), Style::Plain),
                    (p.company.clone().unwrap_or_default(), Style::Plain),
                    (p.relationship.clone().unwrap_or_default(), Style::Dim),
                    (p.email.clone().unwrap_or_default(), Style::Dim),
                ]);
            }
            table.print();
        }
        PeopleCommand::Show { name_or_id } => {
            let p = match ctx.id(Kind::Person, name_or_id).await {
                Ok(id) => person::get(&ctx.db, ctx.tenant.id, id).await?,
                Err(_) => {
                    let mut found =
                        person::find_by_name(&ctx.db, ctx.tenant.id, name_or_id).await?;
                    match found.len() {
                        0 => bail!("no person named {name_or_id:?} in this workspace"),
                        1 => found.remove(0),
                        _ => bail!(
                            "{name_or_id:?} matches several people: {}",
                            found
                                .iter()
                                .map(|p| format!("{} ({})", p.name, short(&p.id)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    }
                }
            };
            if ctx.json {
                return json(&p);
            }
            outln!("{}", paint(&p.name, Style::Bold));
            let field = |k: &str, v: &Option<String>| {
                if let Some(v) = v {
                    outln!("  {:<22} {v}", paint(k, Style::Dim));
                }
            };
            field("id", &Some(p.id.to_string()));
            field("title", &p.title);
            field("company", &p.company);
            field("email", &p.email);
            field("phone", &p.phone);
            field("relationship", &p.relationship);
            field("relationship to you", &p.relationship_to_user);
            field("political context", &p.political_context);
            field("communication", &p.communication_notes);
            field("notes", &p.context_notes);
        }
    }
    Ok(())
}

async fn find_project(ctx: &Ctx, name_or_id: &str) -> Result<chief_domain::project::Project> {
    if let Ok(id) = ctx.id(Kind::Project, name_or_id).await
        && let Ok(p) = project::get(&ctx.db, ctx.tenant.id, id).await
    {
        return Ok(p);
    }
    project::find_by_name(&ctx.db, ctx.tenant.id, name_or_id.trim_start_matches('+'))
        .await?
        .with_context(|| format!("no project named {name_or_id:?} in this workspace"))
}

pub async fn projects(ctx: &Ctx, cmd: &ProjectsCommand) -> Result<()> {
    match cmd {
        ProjectsCommand::Add {
            name,
            description,
            kind,
            parent,
            target,
        } => {
            let kind: ProjectType = kind.parse()?;
            let parent_id = match parent {
                Some(p) => Some(find_project(ctx, p).await?.id),
                None => None,
            };
            let target_date = target
                .as_deref()
                .map(|t| parse_date(t, local_date(ctx.now, ctx.tz)))
                .transpose()?;
            let p = chief_app::project::create(
                &ctx.db,
                &ctx.scope(),
                NewProject {
                    name: name.clone(),
                    description: description.clone(),
                    project_type: Some(kind),
                    parent_id,
                    target_date,
                    ..Default::default()
                },
            )
            .await?;
            if ctx.json {
                return json(&p);
            }
            outln!(
                "Added {} {} {}",
                kind,
                paint(&short(&p.id), Style::Cyan),
                p.name
            );
        }
        ProjectsCommand::List => {
            let all = project::list(&ctx.db, ctx.tenant.id, None, None).await?;
            if ctx.json {
                return json(&all);
            }
            let names: std::collections::HashMap<_, _> =
                all.iter().map(|p| (p.id, p.name.clone())).collect();
            let mut table = Table::new(&["id", "type", "status", "name", "parent"]);
            for p in &all {
                table.row(vec![
                    (short(&p.id), Style::Cyan),
                    (p.project_type.to_string(), Style::Dim),
                    (p.status.to_string(), Style::Plain),
                    (p.name.clone(), Style::Plain),
                    (
                        p.parent_id
                            .and_then(|id| names.get(&id).cloned())
                            .unwrap_or_default(),
                        Style::Dim,
                    ),
                ]);
            }
            table.print();
        }
        ProjectsCommand::Show { name_or_id } => {
            let p = find_project(ctx, name_or_id).await?;
            let filter = TaskFilter {
                statuses: vec![TaskStatus::Queued, TaskStatus::Working, TaskStatus::Blocked],
                project_id: Some(p.id),
                sort: TaskSort::Priority,
                ..Default::default()
            };
            let tasks =
                task_query::list(&ctx.db, ctx.tenant.id, &filter, Page::new(100, 0)).await?;
            if ctx.json {
                return json(&serde_json::json!({"project": p, "open_tasks": tasks}));
            }
            outln!(
                "{} ({}, {})",
                paint(&p.name, Style::Bold),
                p.project_type,
                p.status
            );
            if let Some(d) = &p.description {
                outln!("{d}");
            }
            outln!("\n{} open task(s)", tasks.total);
            for t in &tasks.items {
                outln!(
                    "  {} p{} {}",
                    paint(&short(&t.id), Style::Cyan),
                    t.priority,
                    t.title
                );
            }
        }
    }
    Ok(())
}

pub async fn questions(ctx: &Ctx, cmd: &QuestionsCommand) -> Result<()> {
    match cmd {
        QuestionsCommand::List { all } => {
            let status = if *all {
                None
            } else {
                Some(QuestionStatus::Unanswered)
            };
            let listing = question::list(&ctx.db, ctx.tenant.id, status, Page::new(200, 0)).await?;
            if ctx.json {
                return json(&listing);
            }
            if listing.items.is_empty() {
                outln!("No questions waiting for you.");
                return Ok(());
            }
            let mut table = Table::new(&["id", "pri", "status", "asked", "question"]);
            for q in &listing.items {
                table.row(vec![
                    (short(&q.id), Style::Cyan),
                    (format!("p{}", q.priority), Style::Plain),
                    (q.status.to_string(), Style::Dim),
                    (ago(q.created_at, ctx.now), Style::Dim),
                    (q.text.clone(), Style::Plain),
                ]);
            }
            table.print();
        }
        QuestionsCommand::Answer { id, answer } => {
            let id = ctx.id(Kind::Question, id).await?;
            let answer = chief_app::question::Answer {
                answer: answer.clone(),
            };
            let (q, unblocked) =
                chief_app::question::answer(&ctx.db, &ctx.scope(), id, answer).await?;
            if ctx.json {
                return json(&serde_json::json!({"question": q, "unblocked_tasks": unblocked}));
            }
            outln!("Answered {}", paint(&short(&q.id), Style::Cyan));
            for t in &unblocked {
                outln!(
                    "Unblocked {} {}",
                    paint(&short(&t.id), Style::Cyan),
                    t.title
                );
            }
        }
    }
    Ok(())
}

pub async fn waiting(ctx: &Ctx, cmd: &WaitingCommand) -> Result<()> {
    match cmd {
        WaitingCommand::Add {
            what,
            who,
            follow_up,
            task,
        } => {
            let follow_up_date = follow_up
                .as_deref()
                .map(|d| parse_date(d, local_date(ctx.now, ctx.tz)).map(|d| end_of_day(d, ctx.tz)))
                .transpose()?;
            let task_id = match task {
                Some(t) => Some(ctx.task_id(t).await?),
                None => None,
            };
            let item = chief_app::waiting::create(
                &ctx.db,
                &ctx.scope(),
                NewWaitingItem {
                    what: what.clone(),
                    who: who.clone(),
                    follow_up_date,
                    task_id,
                    ..Default::default()
                },
            )
            .await?;
            if ctx.json {
                return json(&item);
            }
            outln!(
                "Waiting {} {}",
                paint(&short(&item.id), Style::Cyan),
                item.what
            );
        }
        WaitingCommand::List { all } => {
            let status = if *all {
                None
            } else {
                Some(WaitingStatus::Waiting)
            };
            let items = waiting::list(&ctx.db, ctx.tenant.id, status).await?;
            if ctx.json {
                return json(&items);
            }
            if items.is_empty() {
                outln!("You are not waiting on anyone.");
                return Ok(());
            }
            let mut table = Table::new(&["id", "since", "who", "follow-up", "what"]);
            for w in &items {
                let (follow, style) = match w.follow_up_date {
                    Some(d) if d < ctx.now && w.status == WaitingStatus::Waiting => {
                        (relative_due(d, false, ctx.now, ctx.tz), Style::Red)
                    }
                    Some(d) => (relative_due(d, false, ctx.now, ctx.tz), Style::Plain),
                    None => (String::new(), Style::Plain),
                };
                table.row(vec![
                    (short(&w.id), Style::Cyan),
                    (ago(w.since, ctx.now), Style::Dim),
                    (w.who.clone().unwrap_or_default(), Style::Plain),
                    (follow, style),
                    (w.what.clone(), Style::Plain),
                ]);
            }
            table.print();
        }
        WaitingCommand::Resolve { id, notes } => {
            let id = ctx.id(Kind::Waiting, id).await?;
            let resolution = chief_app::waiting::Resolution {
                resolution_notes: notes.clone(),
            };
            let item = chief_app::waiting::resolve(&ctx.db, &ctx.scope(), id, resolution).await?;
            if ctx.json {
                return json(&item);
            }
            outln!(
                "Resolved {} {}",
                paint(&short(&item.id), Style::Cyan),
                item.what
            );
        }
    }
    Ok(())
}
