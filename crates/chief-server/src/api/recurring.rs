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
use chief_domain::recurring::{NewRecurringTask, RecurringTask};
use chief_domain::task::Task;
use chief_store::recurring;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
        .body::<CreateBody>()
        .created::<RecurringTask>();
    api.post("/recurring/{id}/run", run)
        .summary("Run a recurring task and reschedule it")
        .describe("Creates the task from the template and moves `next_run` to the first slot after now; missed slots are skipped.")
        .ok::<Ran>();
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

/// The body of `POST /api/recurring`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RecurringCreate")]
struct CreateBody {
    title: String,
    description: Option<String>,
    /// The fields of each task it creates (as `POST /api/tasks` takes them);
    /// the title and description default to the recurring task's.
    task_template: Option<serde_json::Value>,
    /// daily, weekly, monthly or custom.
    frequency: String,
    /// A cron expression, required for `custom`.
    cron_expression: Option<String>,
    /// The first run; now when absent.
    next_run: Option<DateTime<Utc>>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<RecurringTask>), ApiError> {
    let new = NewRecurringTask {
        title: b.title,
        description: b.description,
        task_template: b.task_template.unwrap_or_else(|| serde_json::json!({})),
        frequency: b
            .frequency
            .parse()
            .map_err(|e: chief_domain::DomainError| {
                ApiError::invalid("frequency", e.to_string())
            })?,
        cron_expression: b.cron_expression,
        next_run: b.next_run.unwrap_or_else(Utc::now),
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let created = recurring::create(&mut tx, caller.user.id, new).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// What a run returns: the task it created and the rescheduled template.
#[derive(Serialize, JsonSchema)]
struct Ran {
    task: Task,
    recurring: RecurringTask,
}

async fn run(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Ran>, ApiError> {
    let mut tx = state.db.write(&caller.scope()).await?;
    let (task, recurring) = recurring::run(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(Ran { task, recurring }))
}
