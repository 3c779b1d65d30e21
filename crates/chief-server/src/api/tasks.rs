//! `/api/tasks`: list, create, get, update and soft delete, as seed 003
//! specifies them.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, MaybeBody, Params};
use crate::http::cache::cached_json;
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chief_app::requests::TaskRequest;
use chief_app::task::TaskChanges;
use chief_app::task_handoff::{self, NextRequest, NextTask};
use chief_app::task_work::{self, Completed, Completion, Started};
use chief_domain::Priority;
use chief_domain::task::{Assignee, Task, TaskStatus};
use chief_store::task_query::{TaskFilter, TaskSort};
use chief_store::{Listing, task, task_query};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use std::time::Duration;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Tasks");
    api.get("/tasks", list)
        .summary("List tasks")
        .query::<ListQuery>()
        .ok::<Listing<Task>>();
    api.post("/tasks", create)
        .summary("Create a task")
        .body::<TaskRequest>()
        .created::<Task>();
    api.get("/tasks/next", next)
        .summary("The next task to work on")
        .describe("The highest-priority unblocked task with its assembled context (as `GET /api/context/task/{id}`, within `budget` tokens) and the playbooks to read first. `assignee=agent` (the default) gives the agent's queue in seed 003's order; `assignee=user` gives the person's queue by urgency. `task` is null when the queue is empty.")
        .query::<NextRequest>()
        .ok::<NextTask>();
    api.get("/tasks/{id}", show)
        .summary("Get a task")
        .ok::<Task>();
    api.put("/tasks/{id}", update)
        .summary("Update a task")
        .describe("Fields present are changed; `null` clears an optional field.")
        .body::<TaskChanges>()
        .ok::<Task>();
    api.delete("/tasks/{id}", delete)
        .summary("Delete a task (soft)")
        .no_content();
    api.post("/tasks/{id}/start", start)
        .summary("Start a task")
        .describe("Marks the task working and returns its context and the playbooks that must be read first.")
        .ok::<Started>();
    api.post("/tasks/{id}/complete", complete)
        .summary("Complete a task")
        .describe("Records the output, captures what was learned and creates the follow-up tasks, all in one transaction.")
        .body::<Completion>()
        .ok::<Completed>();
    api.post("/tasks/{id}/block", block)
        .summary("Block a task on a question")
        .body::<chief_app::question::QuestionRequest>()
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
        completed_after: None,
        sort,
    };
    Ok(Json(
        task_query::list(&state.db, caller.user.tenant_id, &filter, page).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<TaskRequest>,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    let created = chief_app::task::create(&state.db, &caller.scope(), b, "api").await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Task>, ApiError> {
    Ok(Json(task::get(&state.db, caller.user.tenant_id, id).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<TaskChanges>,
) -> Result<Json<Task>, ApiError> {
    let updated = chief_app::task::update(&state.db, &caller.scope(), id, b).await?;
    Ok(Json(updated))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    chief_app::task::delete(&state.db, &caller.scope(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Started>, ApiError> {
    Ok(Json(
        task_work::start(&state.db, &caller.scope(), id).await?,
    ))
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
    Body(b): Body<chief_app::question::QuestionRequest>,
) -> Result<Json<Blocked>, ApiError> {
    let (task, question) =
        chief_app::question::block_task(&state.db, &caller.scope(), id, b).await?;
    Ok(Json(Blocked { task, question }))
}

/// How long the person's queue may be served from the cache: their order
/// depends on the clock (due dates come closer), the agent's does not.
const USER_QUEUE_MAX_AGE: Duration = Duration::from_secs(5);

async fn next(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<NextRequest>,
) -> Result<Response, ApiError> {
    let assignee = q.assignee()?;
    // Checked before the cache; the setting is read only on a miss (a
    // changed setting is an audited change, which invalidates the entry).
    chief_app::task_context::check_budget(q.budget)?;
    let max_age = match assignee {
        Assignee::Agent => Duration::MAX,
        Assignee::User => USER_QUEUE_MAX_AGE,
    };
    let (tenant, user) = (caller.tenant(), caller.user.id);
    let make = async {
        Ok(task_handoff::next(&state.db, tenant, user, assignee, q.budget, Utc::now()).await?)
    };
    cached_json(
        &state,
        &caller,
        "tasks.next",
        format!("{}:{:?}", assignee.as_str(), q.budget),
        max_age,
        make,
    )
    .await
}

async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    MaybeBody(b): MaybeBody<Completion>,
) -> Result<Json<Completed>, ApiError> {
    let b = b.unwrap_or_default();
    if let Some((i, e)) = b.bad_category() {
        return Err(ApiError::invalid(
            &format!("knowledge_captured[{i}].category"),
            e.to_string(),
        ));
    }
    Ok(Json(
        task_work::complete(&state.db, &caller.scope(), id, b).await?,
    ))
}
