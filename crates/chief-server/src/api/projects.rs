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
use chief_app::project as projects;
use chief_domain::project::{NewProject, Project, ProjectPatch};
use chief_store::Listing;
use chief_store::project;
use schemars::JsonSchema;
use serde::Deserialize;

pub fn routes(api: &mut Api) {
    api.section("Projects");
    api.get("/projects", list)
        .summary("List projects")
        .describe("`q` keeps the projects whose name contains it, ignoring case.")
        .query::<ListQuery>()
        .ok::<Listing<Project>>();
    api.post("/projects", create)
        .summary("Create a project, initiative or goal")
        .body::<NewProject>()
        .created::<Project>();
    api.get("/projects/{id}", show)
        .summary("Get a project")
        .ok::<Project>();
    api.put("/projects/{id}", update)
        .summary("Update a project")
        .describe("Fields present are changed; `null` clears an optional field.")
        .body::<ProjectPatch>()
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

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewProject>,
) -> Result<(StatusCode, Json<Project>), ApiError> {
    let created = projects::create(&state.db, &caller.scope(), new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(project::get(&state.db, caller.tenant(), id).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<ProjectPatch>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(
        projects::update(&state.db, &caller.scope(), id, patch).await?,
    ))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    projects::delete(&state.db, &caller.scope(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
