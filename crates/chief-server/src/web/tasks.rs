//! `/tasks`: every open task with filters (All, Mine, Agent, Blocked),
//! optionally of one project (`?project=ID`, linked from `/projects`), and
//! search, a quick-add box that previews what the parser reads as you type,
//! and a detail drawer (`?open=ID`) with the task's context, people,
//! history and actions: edit, complete, delete.
//!
//! An edit carries the `updated_at` the form was loaded with; the store
//! refuses it as a conflict when the task changed since
//! (`chief_app::task::update_unchanged_since`). Adding goes through
//! `quick_add::add`, as `chief add` does; completing through
//! `task_work::complete`, as the API does.

use crate::AppState;
use crate::web::page::{Nav, WebError, render, render_status, when};
use crate::web::rows::TaskRow;
use crate::web::session::{Posted, Viewer};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chief_app::quick_add::{self, AddLine};
use chief_app::task::TaskChanges;
use chief_app::task_work::{self, Completion};
use chief_brain::quick_add::Due;
use chief_domain::task::{Assignee, Task, TaskStatus};
use chief_store::search::{self, EntityKind};
use chief_store::task_query::{self, TaskFilter, TaskSort};
use chief_store::{StoreError, context_reads, project, task, task_people};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use uuid::Uuid;

/// The filters, as (value, label).
pub const FILTERS: [(&str, &str); 4] = [
    ("all", "All"),
    ("mine", "Mine"),
    ("agent", "Agent"),
    ("blocked", "Blocked"),
];

/// How many tasks a list shows.
const LIST_LIMIT: i64 = 100;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    filter: String,
    #[serde(default)]
    q: String,
    open: Option<Uuid>,
    project: Option<Uuid>,
}

/// The open task, as the drawer shows it.
pub struct Drawer {
    pub id: String,
    pub title: String,
    pub description: String,
    pub priority: i64,
    pub status: String,
    pub assignee: String,
    pub due: String,
    pub version: String,
    pub context: String,
    pub people: Vec<String>,
    pub history: Vec<(String, String)>,
    pub open: bool,
    /// A refused edit: why, with what the user typed kept in the form.
    pub error: String,
}

#[derive(Template)]
#[template(path = "web/tasks.html")]
struct TasksPage {
    nav: Nav,
    filter: String,
    q: String,
    /// The project the list is narrowed to, as (id, name).
    project: Option<(String, String)>,
    tasks: Vec<TaskRow>,
    drawer: Option<Drawer>,
    add_text: String,
    add_error: String,
}

#[derive(Template)]
#[template(path = "web/task_preview.html")]
struct Preview {
    lines: Vec<(&'static str, String)>,
    warnings: Vec<String>,
}

fn version(t: &Task) -> String {
    t.updated_at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

async fn listed(
    state: &AppState,
    viewer: &Viewer,
    filter: &str,
    q: &str,
    project: Option<Uuid>,
) -> Result<Vec<Task>, WebError> {
    let (statuses, assignee) = match filter {
        "mine" => (
            vec![TaskStatus::Queued, TaskStatus::Working, TaskStatus::Blocked],
            Some(Assignee::User),
        ),
        "agent" => (
            vec![TaskStatus::Queued, TaskStatus::Working, TaskStatus::Blocked],
            Some(Assignee::Agent),
        ),
        "blocked" => (vec![TaskStatus::Blocked], None),
        _ => (
            vec![TaskStatus::Queued, TaskStatus::Working, TaskStatus::Blocked],
            None,
        ),
    };
    let keep = |t: &Task| {
        statuses.contains(&t.status)
            && assignee.is_none_or(|a| t.assignee == a)
            && project.is_none_or(|p| t.project_id == Some(p))
    };
    if !q.trim().is_empty() {
        let hits = search::search(
            &state.db,
            viewer.tenant(),
            q,
            &[EntityKind::Task],
            LIST_LIMIT,
        )
        .await?;
        let ids: Vec<Uuid> = hits.iter().map(|h| h.id).collect();
        let mut found = context_reads::tasks_by_id(&state.db, viewer.tenant(), &ids).await?;
        found.retain(keep);
        // Most relevant first, as the search ranked them.
        found.sort_by_key(|t| ids.iter().position(|i| *i == t.id));
        return Ok(found);
    }
    // Newest first: the order an index serves without sorting or counting
    // the whole workspace.
    let f = TaskFilter {
        statuses: statuses.clone(),
        assignee,
        project_id: project,
        sort: TaskSort::Created,
        ..Default::default()
    };
    Ok(task_query::first(&state.db, viewer.tenant(), &f, LIST_LIMIT).await?)
}

async fn drawer(state: &AppState, viewer: &Viewer, id: Uuid) -> Result<Drawer, WebError> {
    let tz = viewer.tz();
    let t = task::get(&state.db, viewer.tenant(), id).await?;
    let people = task_people::people_of_task(&state.db, viewer.tenant(), id).await?;
    let history = context_reads::task_history(&state.db, viewer.tenant(), id, 20).await?;
    Ok(Drawer {
        id: t.id.to_string(),
        title: t.title.clone(),
        description: t.description.clone().unwrap_or_default(),
        priority: t.priority.get(),
        status: t.status.to_string(),
        assignee: t.assignee.to_string(),
        due: t.due_date.map(|d| when(d, tz)).unwrap_or_default(),
        version: version(&t),
        context: if t.context.as_object().is_some_and(|m| m.is_empty()) || t.context.is_null() {
            String::new()
        } else {
            serde_json::to_string_pretty(&t.context).unwrap_or_default()
        },
        people: people
            .iter()
            .map(|l| match &l.person.relationship_to_user {
                Some(r) => format!("{} ({r})", l.person.name),
                None => l.person.name.clone(),
            })
            .collect(),
        history: history
            .iter()
            .map(|e| {
                (
                    when(e.timestamp, tz),
                    format!("{} by {}", e.action, e.actor),
                )
            })
            .collect(),
        open: !matches!(t.status, TaskStatus::Completed | TaskStatus::Cancelled),
        error: String::new(),
    })
}

struct Extra {
    drawer: Option<Drawer>,
    add_text: String,
    add_error: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    q: ListQuery,
    extra: Extra,
) -> Result<TasksPage, WebError> {
    let filter = if FILTERS.iter().any(|(f, _)| *f == q.filter) {
        q.filter
    } else {
        "all".into()
    };
    let now = Utc::now();
    let tasks = listed(state, viewer, &filter, &q.q, q.project).await?;
    let project = match q.project {
        Some(id) => Some((
            id.to_string(),
            project::get(&state.db, viewer.tenant(), id).await?.name,
        )),
        None => None,
    };
    let drawer = match (extra.drawer, q.open) {
        (Some(d), _) => Some(d),
        (None, Some(id)) => Some(drawer(state, viewer, id).await?),
        (None, None) => None,
    };
    Ok(TasksPage {
        nav: Nav::new(viewer, "/tasks"),
        filter,
        q: q.q,
        project,
        tasks: tasks
            .iter()
            .map(|t| TaskRow::new(t, viewer.tz(), now))
            .collect(),
        drawer,
        add_text: extra.add_text,
        add_error: extra.add_error,
    })
}

const NOTHING: fn() -> Extra = || Extra {
    drawer: None,
    add_text: String::new(),
    add_error: String::new(),
};

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    render(&page(&state, &viewer, q, NOTHING()).await?)
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
}

/// What the quick-add parser reads from the line, as the user types.
pub async fn preview(
    State(state): State<AppState>,
    Posted { viewer, form }: Posted<TextForm>,
) -> Result<Response, WebError> {
    if form.text.trim().is_empty() {
        return render(&Preview {
            lines: vec![],
            warnings: vec![],
        });
    }
    let tz = viewer.tz();
    let scope = viewer.scope();
    let now = scope.now.unwrap_or_else(Utc::now).with_timezone(&tz);
    let q = quick_add::phrase(
        &state.db,
        viewer.tenant(),
        viewer.user_id(),
        &form.text,
        now,
    )
    .await?;
    let mut lines = vec![("Title", q.title.clone())];
    if let Some(d) = q.due {
        lines.push((
            "Due",
            match d {
                Due::Date(d) => d.format("%a %-d %b %Y").to_string(),
                Due::At(t) => t.format("%a %-d %b %Y %H:%M").to_string(),
            },
        ));
    }
    if let Some(p) = q.priority {
        lines.push(("Priority", format!("P{p}")));
    }
    if let Some(p) = &q.project {
        lines.push(("Project", p.clone()));
    }
    if !q.tags.is_empty() {
        lines.push(("Tags", q.tags.join(", ")));
    }
    if !q.contexts.is_empty() {
        lines.push(("Contexts", q.contexts.join(", ")));
    }
    if !q.people.is_empty() {
        lines.push(("People", q.people.join(", ")));
    }
    if q.assignee == Some(Assignee::Agent) {
        lines.push(("For", "the agent".into()));
    }
    if q.recurrence.is_some() {
        lines.push(("Repeats", "yes".into()));
    }
    render(&Preview {
        lines,
        warnings: q.warnings,
    })
}

/// Adds the typed line as a task; a refused line comes back with the
/// reason next to the box and the text kept.
pub async fn add(
    State(state): State<AppState>,
    Posted { viewer, form }: Posted<TextForm>,
) -> Result<Response, WebError> {
    let line = AddLine {
        text: form.text.clone(),
        ..AddLine::default()
    };
    match quick_add::add(&state.db, &viewer.scope(), viewer.tz(), line, "web").await {
        Ok(done) => {
            Ok(Redirect::to(&format!("/tasks?open={}", done.added.task.id)).into_response())
        }
        Err(StoreError::Domain(e)) => {
            let extra = Extra {
                add_text: form.text,
                add_error: e.to_string(),
                ..NOTHING()
            };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&state, &viewer, ListQuery::default(), extra).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    priority: i64,
    assignee: String,
    version: String,
}

pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, form }: Posted<EditForm>,
) -> Result<Response, WebError> {
    let seen: DateTime<Utc> = DateTime::parse_from_rfc3339(&form.version)
        .map_err(|_| WebError::bad_request("the form's version is not a time; reload the page"))?
        .with_timezone(&Utc);
    let changes = TaskChanges {
        title: Some(form.title.clone()),
        description: Some(Some(form.description.clone()).filter(|d| !d.trim().is_empty())),
        priority: Some(form.priority),
        assignee: Some(form.assignee.clone()),
        ..Default::default()
    };
    match chief_app::task::update_unchanged_since(&state.db, &viewer.scope(), id, seen, changes)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/tasks?open={id}")).into_response()),
        Err(e @ (StoreError::Conflict(_) | StoreError::Domain(_))) => {
            let status = if matches!(e, StoreError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            // The form keeps what the user typed; the version stays the one
            // they saw, so saving again needs a reload.
            let mut d = drawer(&state, &viewer, id).await?;
            d.title = form.title;
            d.description = form.description;
            d.priority = form.priority;
            d.assignee = form.assignee;
            d.version = form.version;
            d.error = e.to_string();
            let extra = Extra {
                drawer: Some(d),
                ..NOTHING()
            };
            render_status(
                status,
                &page(&state, &viewer, ListQuery::default(), extra).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn complete(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, .. }: Posted<NoFields>,
) -> Result<Response, WebError> {
    task_work::complete(&state.db, &viewer.scope(), id, Completion::default()).await?;
    Ok(Redirect::to(&format!("/tasks?open={id}")).into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, .. }: Posted<NoFields>,
) -> Result<Response, WebError> {
    chief_app::task::delete(&state.db, &viewer.scope(), id).await?;
    Ok(Redirect::to("/tasks").into_response())
}
