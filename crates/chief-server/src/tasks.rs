//! `/api/tasks`: list, create, get, update and soft delete, as seed 003
//! specifies them.

use crate::api::Api;
use crate::auth::Caller;
use crate::body::{Body, MaybeBody, Params};
use crate::cache::cached_json;
use crate::params::{Id, page};
use crate::task_playbooks;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chief_domain::Priority;
use chief_domain::playbook::Playbook;
use chief_domain::task::{Assignee, NewTask, Task, TaskPatch, TaskStatus};
use chief_store::knowledge_routing::{self, Capture, Routed};
use chief_store::task_query::{TaskFilter, TaskSort};
use chief_store::{Listing, playbook, task, task_query};
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
        .body::<CreateBody>()
        .created::<Task>();
    api.get("/tasks/next", next)
        .summary("The next task to work on")
        .describe("The highest-priority unblocked task with its assembled context (as `GET /api/context/task/{id}`, within `budget` tokens) and the playbooks to read first. `assignee=agent` (the default) gives the agent's queue in seed 003's order; `assignee=user` gives the person's queue by urgency. `task` is null when the queue is empty.")
        .query::<NextQuery>()
        .ok::<Next>();
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
    api.post("/tasks/{id}/complete", complete)
        .summary("Complete a task")
        .describe("Records the output, captures what was learned and creates the follow-up tasks, all in one transaction.")
        .body::<CompleteBody>()
        .ok::<Completed>();
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
        completed_after: None,
        sort,
    };
    Ok(Json(
        task_query::list(&state.db, caller.user.tenant_id, &filter, page).await?,
    ))
}

/// The body of `POST /api/tasks`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TaskCreate")]
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
#[schemars(rename = "TaskUpdate")]
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
/// to read before the work (matched ones, best first, then the relevant
/// must-consult ones).
#[derive(serde::Serialize, JsonSchema)]
struct Started {
    task: Task,
    context: serde_json::Value,
    playbooks: Vec<Playbook>,
}

async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Started>, ApiError> {
    let active = task_playbooks::active(&state.db, caller.tenant()).await?;
    let mut tx = state.db.write(&caller.scope()).await?;
    let task = task::transition(&mut tx, id, chief_domain::task::TaskOp::Start, None).await?;
    // Handing the playbooks over is reading them: each records a use, which
    // completion checks must-consult playbooks against.
    let mut playbooks = Vec::new();
    for p in task_playbooks::to_read(&task, &active) {
        playbooks.push(playbook::record_use(&mut tx, p.id).await?);
    }
    tx.commit().await?;
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

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NextQuery {
    /// `agent` (default) or `user`.
    assignee: Option<String>,
    /// The context's token budget, 1 to 200,000; the setting
    /// `context.token_budget` or 4,000 when absent.
    budget: Option<i64>,
}

/// What `GET /api/tasks/next` returns.
#[derive(serde::Serialize, JsonSchema)]
struct Next {
    task: Option<Task>,
    /// The task's assembled context, as `GET /api/context/task/{id}` gives
    /// it without the task; null when the queue is empty. The task's own
    /// context JSON stays in `task.context`.
    context: Option<crate::context_items::AssembledContext>,
    /// The active playbooks the task calls for, best first.
    matched_playbooks: Vec<task_playbooks::TaskPlaybook>,
    /// The must-consult playbooks relevant to the task: read them first.
    must_consult_warnings: Vec<task_playbooks::MustConsultWarning>,
}

/// How long the person's queue may be served from the cache: their order
/// depends on the clock (due dates come closer), the agent's does not.
const USER_QUEUE_MAX_AGE: Duration = Duration::from_secs(5);

async fn next(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<NextQuery>,
) -> Result<Response, ApiError> {
    let assignee = q
        .assignee
        .as_deref()
        .map(Assignee::parse)
        .transpose()?
        .unwrap_or(Assignee::Agent);
    // Checked before the cache; the setting is read only on a miss (a
    // changed setting is an audited change, which invalidates the entry).
    crate::task_context::check_budget(q.budget)?;
    let max_age = match assignee {
        Assignee::Agent => Duration::MAX,
        Assignee::User => USER_QUEUE_MAX_AGE,
    };
    let make = async {
        let (tenant, user) = (caller.tenant(), caller.user.id);
        let task = match assignee {
            Assignee::Agent => task_query::next_for_agent(&state.db, tenant, user, 1)
                .await?
                .into_iter()
                .next(),
            Assignee::User => task_query::next_for_user(&state.db, tenant, user, Utc::now(), 1)
                .await?
                .into_iter()
                .next()
                .map(|r| r.task),
        };
        let (matched_playbooks, must_consult_warnings, context) = match &task {
            Some(t) => {
                let budget = crate::task_context::budget(&state.db, tenant, user, q.budget).await?;
                let active = task_playbooks::active(&state.db, tenant).await?;
                let (matched, warnings) = task_playbooks::for_task(t, &active);
                let context = crate::task_context::assemble(
                    &state.db,
                    tenant,
                    t,
                    &active,
                    budget,
                    Utc::now(),
                )
                .await?;
                (matched, warnings, Some(context))
            }
            None => (Vec::new(), Vec::new(), None),
        };
        Ok(Next {
            context,
            task,
            matched_playbooks,
            must_consult_warnings,
        })
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

/// A learning recorded at completion: plain text, or text with its
/// category (inferred when absent) and the phrase that prompted it. Each is
/// routed as `POST /api/knowledge/capture` routes it.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
enum Learning {
    Text(String),
    Detailed {
        content: String,
        category: Option<String>,
        trigger_phrase: Option<String>,
    },
}

/// A task to create when this one is done.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct FollowUp {
    title: String,
    description: Option<String>,
    priority: Option<i64>,
    assignee: Option<String>,
    due_date: Option<DateTime<Utc>>,
}

/// The body of `POST /api/tasks/{id}/complete`.
#[derive(Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TaskComplete")]
struct CompleteBody {
    output: Option<String>,
    #[serde(default)]
    knowledge_captured: Vec<Learning>,
    #[serde(default)]
    follow_up_tasks: Vec<FollowUp>,
}

/// What completing a task returns.
#[derive(serde::Serialize, JsonSchema)]
struct Completed {
    task: Task,
    /// Each learning and where it was routed.
    knowledge: Vec<Routed>,
    follow_up_tasks: Vec<Task>,
    /// Relevant must-consult playbooks not read while the task was worked
    /// on (neither returned by its start nor fetched since); each is logged
    /// as `playbook.skipped`. Completion is not refused.
    must_consult_warnings: Vec<task_playbooks::MustConsultWarning>,
}

async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    MaybeBody(b): MaybeBody<CompleteBody>,
) -> Result<Json<Completed>, ApiError> {
    let b = b.unwrap_or_default();
    let mut learnings = Vec::with_capacity(b.knowledge_captured.len());
    for (i, l) in b.knowledge_captured.into_iter().enumerate() {
        let (content, category, trigger_phrase) = match l {
            Learning::Text(c) => (c, None, None),
            Learning::Detailed {
                content,
                category,
                trigger_phrase,
            } => (content, category, trigger_phrase),
        };
        let category = category
            .map(|c| {
                c.parse().map_err(|e: chief_domain::DomainError| {
                    ApiError::invalid(&format!("knowledge_captured[{i}].category"), e.to_string())
                })
            })
            .transpose()?;
        learnings.push(Capture {
            content,
            category,
            source_task_id: Some(id),
            trigger_phrase,
            target: None,
        });
    }
    let active = task_playbooks::active(&state.db, caller.tenant()).await?;
    let mut tx = state.db.write(&caller.scope()).await?;
    // Skipping a must-consult playbook does not block; it is answered and logged.
    let (task, must_consult_warnings) =
        task_playbooks::complete(&mut tx, id, b.output, &active).await?;
    let mut knowledge = Vec::with_capacity(learnings.len());
    for capture in learnings {
        knowledge.push(knowledge_routing::capture(&mut tx, caller.user.id, capture).await?);
    }
    let mut follow_up_tasks = Vec::with_capacity(b.follow_up_tasks.len());
    for f in b.follow_up_tasks {
        let new = NewTask {
            title: f.title,
            description: f.description,
            priority: f.priority.map(Priority::try_from).transpose()?,
            assignee: f.assignee.as_deref().map(Assignee::parse).transpose()?,
            project_id: task.project_id,
            due_date: f.due_date,
            due_has_time: f.due_date.is_some(),
            context: Some(serde_json::json!({"follow_up_of": id})),
            source: Some("follow_up".into()),
            ..Default::default()
        };
        follow_up_tasks.push(task::create(&mut tx, caller.user.id, new).await?);
    }
    tx.commit().await?;
    Ok(Json(Completed {
        task,
        knowledge,
        follow_up_tasks,
        must_consult_warnings,
    }))
}
