//! `/api/projects`: projects, initiatives and goals. Deleting a project
//! keeps its tasks (they lose the project) and lifts its sub-projects to the
//! top level.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_domain::project::{NewProject, Project, ProjectStatus, ProjectType};
use chief_store::Listing;
use chief_store::project::{self, ProjectPatch};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Projects");
    api.get("/projects", list)
        .summary("List projects")
        .describe("`q` keeps the projects whose name contains it, ignoring case.")
        .query::<ListQuery>()
        .ok::<Listing<Project>>();
    api.post("/projects", create)
        .summary("Create a project, initiative or goal")
        .body::<CreateBody>()
        .created::<Project>();
    api.get("/projects/{id}", show)
        .summary("Get a project")
        .ok::<Project>();
    api.put("/projects/{id}", update)
        .summary("Update a project")
        .describe("Fields present are changed; `null` clears an optional field.")
        .body::<UpdateBody>()
        .ok::<Project>();
    api.delete("/projects/{id}", delete)
        .summary("Delete a project")
        .describe("Its tasks stay, without a project; its sub-projects move to the top level.")
        .no_content();
}

/// Paging and a name search, shared by the projects, people and clients lists.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// Keeps the rows whose name contains this text, ignoring case.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl ListQuery {
    /// The search text, with an empty one meaning no search.
    pub fn search(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Project>>, ApiError> {
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        project::listing(&state.db, caller.tenant(), q.search(), page).await?,
    ))
}

/// The body of `POST /api/projects`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProjectCreate")]
struct CreateBody {
    name: String,
    description: Option<String>,
    /// `project` (the default), `initiative` or `goal`.
    project_type: Option<ProjectType>,
    success_criteria: Option<String>,
    target_date: Option<NaiveDate>,
    parent_id: Option<Uuid>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<Project>), ApiError> {
    let new = NewProject {
        name: b.name,
        description: b.description,
        project_type: b.project_type,
        success_criteria: b.success_criteria,
        target_date: b.target_date,
        parent_id: b.parent_id,
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let created = project::create(&mut tx, caller.user.id, new).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(project::get(&state.db, caller.tenant(), id).await?))
}

/// The body of `PUT /api/projects/{id}`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProjectUpdate")]
struct UpdateBody {
    name: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    description: Option<Option<String>>,
    project_type: Option<ProjectType>,
    status: Option<ProjectStatus>,
    priority_order: Option<i64>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    success_criteria: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    target_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    parent_id: Option<Option<Uuid>>,
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<UpdateBody>,
) -> Result<Json<Project>, ApiError> {
    let patch = ProjectPatch {
        name: b.name,
        description: b.description,
        project_type: b.project_type,
        status: b.status,
        priority_order: b.priority_order,
        success_criteria: b.success_criteria,
        target_date: b.target_date,
        parent_id: b.parent_id,
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let updated = project::update(&mut tx, id, patch).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.db.write(&caller.scope()).await?;
    project::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
