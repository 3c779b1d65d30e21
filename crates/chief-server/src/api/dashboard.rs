//! `/api/dashboard`: what needs the user now, and how the day and week
//! went. Days and weeks are the user's, in their time zone.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::cache::cached_json;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::response::Response;
use chief_store::dashboard::{self, Dashboard, Stats};
use chrono::Utc;
use std::time::Duration;

/// How long an answer is reused while nothing in the workspace changes; it
/// bounds how late the clock-driven parts (overdue, today) can be.
const MAX_AGE: Duration = Duration::from_secs(5);

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

async fn overview(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let make = async {
        Ok(dashboard::overview(&state.db, caller.tenant(), caller.user.id, Utc::now()).await?)
    };
    cached_json(&state, &caller, "dashboard", String::new(), MAX_AGE, make).await
}

async fn stats(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    // An unknown zone name (set outside the API) falls back to UTC rather
    // than failing the dashboard.
    let tz = caller.user.timezone.parse().unwrap_or(chrono_tz::UTC);
    let make = async {
        Ok(dashboard::stats(&state.db, caller.tenant(), caller.user.id, Utc::now(), tz).await?)
    };
    cached_json(
        &state,
        &caller,
        "dashboard.stats",
        String::new(),
        MAX_AGE,
        make,
    )
    .await
}
