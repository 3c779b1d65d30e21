//! `/api/jobs`: the caller's scheduled jobs, their run history, running one
//! now, and pausing, resuming or re-timing one. An admin sees every job of
//! the workspace; a member only their own, and another user's job is a 404.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Body;
use crate::http::body::Params;
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use chief_app::job as jobs;
use chief_app::job_work;
use chief_app::polish::NoPolish;
use chief_domain::job::JobPatch;
use chief_domain::job::{Job, JobRun};
use chief_store::job;
use chief_store::job_run;
use chief_store::{Listing, StoreError};
use chrono::Utc;
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Jobs");
    api.get("/jobs", list)
        .summary("List scheduled jobs")
        .describe("Your jobs (an admin's list has the whole workspace's), by user and name, each with its cron schedule, time zone, next run and lease. New users get the built-in jobs within a minute of the scheduler seeing them.")
        .ok::<Vec<Job>>();
    api.get("/jobs/{id}", show).summary("Get a job").ok::<Job>();
    api.put("/jobs/{id}", update)
        .summary("Change a job's schedule, time zone, misfire policy or grace window")
        .describe("A new schedule or time zone moves the next run to the next occurrence from now. `schedule` is cron (five or six fields, or @daily and the like); an invalid one is a 422 naming it.")
        .body::<JobPatch>()
        .ok::<Job>();
    api.post("/jobs/{id}/pause", pause)
        .summary("Pause a job")
        .ok::<Job>();
    api.post("/jobs/{id}/resume", resume)
        .summary("Resume a job")
        .describe("It next runs at its next occurrence from now; runs that fell due while it was paused are not caught up.")
        .ok::<Job>();
    api.post("/jobs/{id}/run", run_now)
        .summary("Run a job now")
        .describe("A manual run: its outcome is in the response and the history; the schedule is unchanged.")
        .ok::<JobRun>();
    api.get("/jobs/{id}/runs", runs)
        .summary("A job's run history")
        .describe("Newest first: each run's occurrence, start and end, status (running, succeeded, failed or missed), output and error.")
        .query::<RunsQuery>()
        .ok::<Listing<JobRun>>();
}

/// The job if the caller may see it; another user's job is not found for a
/// member, as another tenant's is for everyone.
async fn visible(state: &AppState, caller: &Caller, id: Uuid) -> Result<Job, ApiError> {
    let j = job::get(&state.db, caller.tenant(), id).await?;
    if j.user_id != caller.user.id && !caller.sees_workspace() {
        return Err(StoreError::not_found("job", id).into());
    }
    Ok(j)
}

async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<Job>>, ApiError> {
    let only = (!caller.sees_workspace()).then_some(caller.user.id);
    Ok(Json(job::list(&state.db, caller.tenant(), only).await?))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Job>, ApiError> {
    Ok(Json(visible(&state, &caller, id).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<JobPatch>,
) -> Result<Json<Job>, ApiError> {
    visible(&state, &caller, id).await?;
    Ok(Json(
        jobs::update(&state.db, &caller.scope(), id, patch).await?,
    ))
}

async fn pause(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Job>, ApiError> {
    set_enabled(&state, &caller, id, false).await
}

async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Job>, ApiError> {
    set_enabled(&state, &caller, id, true).await
}

async fn set_enabled(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    enabled: bool,
) -> Result<Json<Job>, ApiError> {
    visible(state, caller, id).await?;
    Ok(Json(
        jobs::set_enabled(&state.db, &caller.scope(), id, enabled).await?,
    ))
}

async fn run_now(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<JobRun>, ApiError> {
    let j = visible(&state, &caller, id).await?;
    Ok(Json(
        job_work::run_now(&state.db, &NoPolish, &j, "api", Utc::now()).await?,
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RunsQuery {
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn runs(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<RunsQuery>,
) -> Result<Json<Listing<JobRun>>, ApiError> {
    visible(&state, &caller, id).await?;
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        job_run::runs(&state.db, caller.tenant(), id, page).await?,
    ))
}
