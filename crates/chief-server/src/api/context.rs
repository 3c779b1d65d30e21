//! `/api/context`: everything the agent should know before it works on a
//! task, writes to a person, or touches a project or client, in one call;
//! and full-text search across the workspace.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Params;
use crate::http::params::Id;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{RawQuery, State};
use chief_app::task_handoff::{self, TaskContext};
use chief_domain::client::Client;
use chief_domain::draft::Draft;
use chief_domain::person::Person;
use chief_domain::project::Project;
use chief_domain::sales::SalesOpportunity;
use chief_domain::task::Task;
use chief_domain::waiting::WaitingItem;
use chief_store::search::{EntityKind, Hit};
use chief_store::task_query::{TaskFilter, TaskSort};
use chief_store::{Page, client, context, person, project, search, task_people, task_query};
use chrono::Utc;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub fn routes(api: &mut Api) {
    api.section("Context");
    api.get("/context/task/{id}", for_task)
        .summary("Full context for a task")
        .describe("The task, its project with its newest tasks, the people it concerns (linked, or named in its title or description) with their relationship notes, related tasks (same project, same people, similar titles) with reasons, its audit history newest first, relevant knowledge, and the playbooks it calls for. Everything but the task and its must-consult playbooks is packed most-relevant-first into a token budget (`budget`, else the setting `context.token_budget`, else 4,000; a token is estimated as ceil(chars / 4) of an item's compact JSON); `omitted` counts what did not fit.")
        .query::<TaskContextQuery>()
        .ok::<TaskContext>();
    api.get("/context/person/{id}", for_person)
        .summary("A person with their tasks, open waiting items, drafts to them and client")
        .ok::<PersonContext>();
    api.get("/context/project/{id}", for_project)
        .summary("A project with its tasks")
        .ok::<ProjectContext>();
    api.get("/context/client/{id}", for_client)
        .summary("A client with its people and sales opportunities")
        .ok::<ClientContext>();
    api.get("/context/search", search)
        .summary("Full-text search")
        .describe("Ranked, best first, with the matches in `[brackets]` in each snippet. `entity_types` is comma-separated or repeated as `entity_types[]`: task, person, playbook, project, knowledge.")
        .query::<SearchQuery>()
        .ok::<Vec<Hit>>();
}

/// The query of `GET /api/context/task/{id}`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TaskContextQuery {
    /// The token budget, 1 to 200,000; the setting `context.token_budget`
    /// or 4,000 when absent.
    budget: Option<i64>,
}

async fn for_task(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<TaskContextQuery>,
) -> Result<Json<TaskContext>, ApiError> {
    let found = task_handoff::for_task(
        &state.db,
        caller.tenant(),
        caller.user.id,
        id,
        q.budget,
        Utc::now(),
    )
    .await?;
    Ok(Json(found))
}

#[derive(Serialize, JsonSchema)]
struct PersonContext {
    person: Person,
    /// Tasks linked to the person or naming them, newest first.
    tasks: Vec<Task>,
    waiting: Vec<WaitingItem>,
    drafts: Vec<Draft>,
    client: Option<Client>,
}

async fn for_person(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<PersonContext>, ApiError> {
    let (db, tenant) = (&state.db, caller.tenant());
    let person = person::get(db, tenant, id).await?;
    let mut tasks = task_people::tasks_of_person(db, tenant, id, 50).await?;
    for t in context::tasks_mentioning(db, tenant, &person.name, 50).await? {
        if !tasks.iter().any(|k| k.id == t.id) {
            tasks.push(t);
        }
    }
    let waiting = context::open_waiting_for(db, tenant, &person).await?;
    let drafts = context::drafts_to(db, tenant, &person, 50).await?;
    let client = match person.client_id {
        Some(c) => Some(client::get(db, tenant, c).await?),
        None => None,
    };
    Ok(Json(PersonContext {
        person,
        tasks,
        waiting,
        drafts,
        client,
    }))
}

#[derive(Serialize, JsonSchema)]
struct ProjectContext {
    project: Project,
    /// The project's live tasks, by priority (at most 500).
    tasks: Vec<Task>,
}

async fn for_project(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<ProjectContext>, ApiError> {
    let (db, tenant) = (&state.db, caller.tenant());
    let project = project::get(db, tenant, id).await?;
    let filter = TaskFilter {
        project_id: Some(id),
        sort: TaskSort::Priority,
        ..Default::default()
    };
    let tasks = task_query::list(db, tenant, &filter, Page::new(500, 0))
        .await?
        .items;
    Ok(Json(ProjectContext { project, tasks }))
}

#[derive(Serialize, JsonSchema)]
struct ClientContext {
    client: Client,
    people: Vec<Person>,
    opportunities: Vec<SalesOpportunity>,
}

async fn for_client(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<ClientContext>, ApiError> {
    let (db, tenant) = (&state.db, caller.tenant());
    let client = client::get(db, tenant, id).await?;
    let people = person::for_client(db, tenant, id).await?;
    let opportunities = context::opportunities_of(db, tenant, id).await?;
    Ok(Json(ClientContext {
        client,
        people,
        opportunities,
    }))
}

/// The query of `GET /api/context/search`.
#[derive(Default, JsonSchema)]
struct SearchQuery {
    q: String,
    /// Comma-separated kinds, or repeated as `entity_types[]=task`: task,
    /// person, playbook, project, knowledge. Every kind when absent.
    #[serde(default)]
    entity_types: Vec<String>,
    /// 1 to 200; 20 by default.
    limit: Option<i64>,
}

impl SearchQuery {
    /// Reads the query string by hand: `entity_types` may repeat, which
    /// the shared query reader does not allow.
    fn parse(raw: &str) -> Result<SearchQuery, ApiError> {
        let mut out = SearchQuery::default();
        let mut has_q = false;
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            match key.as_ref() {
                "q" => {
                    out.q = value.into_owned();
                    has_q = true;
                }
                "entity_types" | "entity_types[]" => out.entity_types.push(value.into_owned()),
                "limit" => {
                    out.limit = Some(value.parse().map_err(|_| {
                        ApiError::invalid("limit", format!("{value:?} is not a whole number"))
                    })?)
                }
                other => {
                    return Err(ApiError::invalid(
                        other,
                        format!(
                            "unknown field `{other}`, expected one of `q`, `entity_types`, `limit`"
                        ),
                    ));
                }
            }
        }
        if !has_q {
            return Err(ApiError::invalid("q", "missing field `q`"));
        }
        Ok(out)
    }
}

async fn search(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<Hit>>, ApiError> {
    let q = SearchQuery::parse(raw.as_deref().unwrap_or(""))?;
    let mut kinds = Vec::new();
    for name in q.entity_types.iter().flat_map(|t| t.split(',')) {
        if name.trim().is_empty() {
            continue;
        }
        let kind = EntityKind::parse(name).ok_or_else(|| {
            ApiError::invalid(
                "entity_types",
                format!("{name:?} is not one of task, person, playbook, project, knowledge"),
            )
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let limit = q.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be 1 to 200, not {limit}"),
        ));
    }
    Ok(Json(
        search::search(&state.db, caller.tenant(), &q.q, &kinds, limit).await?,
    ))
}
