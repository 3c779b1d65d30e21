//! `/api/tasks`: list, create, get, update and soft delete, as seed 003
//! specifies them.

use crate::api::Api;
use crate::auth::Caller;
use crate::body::{Body, Params};
use crate::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_domain::Priority;
use chief_domain::task::{Assignee, NewTask, Task, TaskPatch, TaskStatus};
use chief_store::task_query::{TaskFilter, TaskSort};
use chief_store::{Listing, task, task_query};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Tasks");
    api.get("/tasks", list)
        .summary("List tasks")
        .query::<ListQuery>()
        .ok::<Listing<Task>>();
    api.post("/tasks", create)
        .summary("Create a task")
        .body::<CreateBody>()
        .created::<Task>();
    api.get("/tasks/{id}", show)
        .summary("Get a task")
        .ok::<Task>();
    api.put("/tasks/{id}", update)
        .summary("Update a task")
        .describe("Fields present are changed; `null` clears an optional field.")
        .body::<UpdateBody>()
        .ok::<Task>();
    api.delete("/tasks/{id}", delete)
        .summary("Delete a task (soft)")
        .no_content();
    api.post("/tasks/{id}/start", start)
        .summary("Start a task")
        .describe("Marks the task working and returns its context and the playbooks that must be read first.")
        .ok::<Started>();
    api.post("/tasks/{id}/block", block)
        .summary("Block a task on a question")
        .body::<crate::questions::CreateBody>()
        .ok::<Blocked>();
}

/// Seed 003's list filters.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// One status or several, comma-separated.
    status: Option<String>,
    assignee: Option<String>,
    project_id: Option<Uuid>,
    priority: Option<i64>,
    tag: Option<String>,
    context: Option<String>,
    due_before: Option<DateTime<Utc>>,
    due_after: Option<DateTime<Utc>>,
    sort: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Task>>, ApiError> {
    let statuses = match q.status.as_deref() {
        None | Some("") => vec![],
        Some(list) => list
            .split(',')
            .map(str::parse)
            .collect::<Result<Vec<TaskStatus>, _>>()?,
    };
    let sort = match q.sort.as_deref() {
        None | Some("created") => TaskSort::Created,
        Some("priority") => TaskSort::Priority,
        Some("due") => TaskSort::Due,
        Some("updated") => TaskSort::Updated,
        Some(other) => {
            return Err(ApiError::invalid(
                "sort",
                format!("{other:?} is not one of created, priority, due, updated"),
            ));
        }
    };
    let page = page(q.limit, q.offset)?;
    let filter = TaskFilter {
        statuses,
        user_id: None,
        project_id: q.project_id,
        assignee: q.assignee.as_deref().map(Assignee::parse).transpose()?,
        priority: q.priority.map(Priority::try_from).transpose()?,
        due_before: q.due_before,
        due_after: q.due_after,
        tag: q.tag,
        context: q.context,
        sort,
    };
    Ok(Json(
        task_query::list(&state.db, caller.user.tenant_id, &filter, page).await?,
    ))
}

/// The body of `POST /api/tasks`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    title: String,
    description: Option<String>,
    priority: Option<i64>,
    assignee: Option<String>,
    project_id: Option<Uuid>,
    due_date: Option<DateTime<Utc>>,
    context: Option<serde_json::Value>,
    #[serde(default)]
    tags: Vec<String>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    let new = NewTask {
        title: b.title,
        description: b.description,
        priority: b.priority.map(Priority::try_from).transpose()?,
        assignee: b.assignee.as_deref().map(Assignee::parse).transpose()?,
        project_id: b.project_id,
        due_date: b.due_date,
        due_has_time: b.due_date.is_some(),
        context: b.context,
        source: Some("api".into()),
        tags: b.tags,
        ..Default::default()
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let created = task::create(&mut tx, caller.user.id, new).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Task>, ApiError> {
    Ok(Json(task::get(&state.db, caller.user.tenant_id, id).await?))
}

/// The body of `PUT /api/tasks/{id}`: fields present are changed; `null`
/// clears an optional field.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    title: Option<String>,
    #[serde(default, deserialize_with = "crate::body::double_option::deserialize")]
    description: Option<Option<String>>,
    priority: Option<i64>,
    assignee: Option<String>,
    #[serde(default, deserialize_with = "crate::body::double_option::deserialize")]
    project_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::body::double_option::deserialize")]
    due_date: Option<Option<DateTime<Utc>>>,
    tags: Option<Vec<String>>,
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<UpdateBody>,
) -> Result<Json<Task>, ApiError> {
    let patch = TaskPatch {
        title: b.title,
        description: b.description,
        priority: b.priority.map(Priority::try_from).transpose()?,
        assignee: b.assignee.as_deref().map(Assignee::parse).transpose()?,
        project_id: b.project_id,
        due_has_time: b.due_date.map(|d| d.is_some()),
        due_date: b.due_date,
        tags: b.tags,
        ..Default::default()
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let updated = task::update(&mut tx, id, patch).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.db.write(&caller.scope()).await?;
    task::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What starting a task returns: the task, its context, and the playbooks
/// that must be read before the work.
#[derive(serde::Serialize, JsonSchema)]
struct Started {
    task: Task,
    context: serde_json::Value,
    playbooks: Vec<chief_domain::playbook::Playbook>,
}

async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Started>, ApiError> {
    let mut tx = state.db.write(&caller.scope()).await?;
    let task = task::transition(&mut tx, id, chief_domain::task::TaskOp::Start, None).await?;
    tx.commit().await?;
    let filter = chief_store::playbook::PlaybookFilter {
        must_consult: Some(true),
        status: Some(chief_domain::playbook::PlaybookStatus::Active),
        ..Default::default()
    };
    let playbooks = chief_store::playbook::list(&state.db, caller.user.tenant_id, &filter).await?;
    Ok(Json(Started {
        context: task.context.clone(),
        task,
        playbooks,
    }))
}

/// What blocking a task returns.
#[derive(serde::Serialize, JsonSchema)]
struct Blocked {
    task: Task,
    question: chief_domain::question::Question,
}

async fn block(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<crate::questions::CreateBody>,
) -> Result<Json<Blocked>, ApiError> {
    let (new, _) = b.into_new()?;
    let mut tx = state.db.write(&caller.scope()).await?;
    let (task, question) = task::block(&mut tx, id, new).await?;
    tx.commit().await?;
    Ok(Json(Blocked { task, question }))
}
