//! `/api/dashboard`: what needs the user now, and how the day and week
//! went. Days and weeks are the user's, in their time zone.

use crate::api::Api;
use crate::auth::Caller;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use chief_store::dashboard::{self, Dashboard, Stats};
use chrono::Utc;

pub fn routes(api: &mut Api) {
    api.section("Dashboard");
    api.get("/dashboard", overview)
        .summary("Main dashboard")
        .describe("Today's priorities, questions for you, what the agent is working on, drafts to review, waiting-for items, the week's calendar and overdue items; up to 10 of each.")
        .ok::<Dashboard>();
    api.get("/dashboard/stats", stats)
        .summary("Dashboard metrics")
        .describe("Counts for today and this week (from Monday) in your time zone; `average_question_response_time` is in seconds over this week's answers, `null` when there were none.")
        .ok::<Stats>();
}

async fn overview(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Dashboard>, ApiError> {
    Ok(Json(
        dashboard::overview(&state.db, caller.tenant(), caller.user.id, Utc::now()).await?,
    ))
}

async fn stats(State(state): State<AppState>, caller: Caller) -> Result<Json<Stats>, ApiError> {
    // An unknown zone name (set outside the API) falls back to UTC rather
    // than failing the dashboard.
    let tz = caller.user.timezone.parse().unwrap_or(chrono_tz::UTC);
    Ok(Json(
        dashboard::stats(&state.db, caller.tenant(), caller.user.id, Utc::now(), tz).await?,
    ))
}
