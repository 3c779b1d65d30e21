//! `/api/recurring`: templates that become tasks on a schedule. Running one
//! creates its task now and moves its next run to the first slot after now.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Body;
use crate::http::params::Id;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::recurring::{self as recurring_tasks, NewRecurring, RecurringRun};
use chief_domain::recurring::RecurringTask;
use chief_store::recurring;
use chrono::Utc;

pub fn routes(api: &mut Api) {
    api.section("Recurring");
    api.get("/recurring", list)
        .summary("List recurring tasks")
        .describe("Active and inactive, soonest next run first.")
        .ok::<Vec<RecurringTask>>();
    api.get("/recurring/due", due)
        .summary("Recurring tasks due now")
        .describe("Active recurring tasks whose next run has come, most overdue first.")
        .ok::<Vec<RecurringTask>>();
    api.post("/recurring", create)
        .summary("Create a recurring task")
        .body::<NewRecurring>()
        .created::<RecurringTask>();
    api.post("/recurring/{id}/run", run)
        .summary("Run a recurring task and reschedule it")
        .describe("Creates the task from the template and moves `next_run` to the first slot after now; missed slots are skipped.")
        .ok::<RecurringRun>();
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RecurringTask>>, ApiError> {
    Ok(Json(recurring::list(&state.db, caller.tenant()).await?))
}

async fn due(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RecurringTask>>, ApiError> {
    Ok(Json(
        recurring::due(&state.db, caller.tenant(), Utc::now()).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewRecurring>,
) -> Result<(StatusCode, Json<RecurringTask>), ApiError> {
    let created = recurring_tasks::create(&state.db, &caller.scope(), new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn run(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<RecurringRun>, ApiError> {
    Ok(Json(
        recurring_tasks::run(&state.db, &caller.scope(), id).await?,
    ))
}
