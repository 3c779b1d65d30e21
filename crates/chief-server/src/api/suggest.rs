//! `GET /api/tasks/suggest`: what the person could do now, given where they
//! are, how much time and how much energy they have (seed 002's
//! suggestions). The ranking and its reasons are `chief_app::suggest`'s,
//! shared with `chief suggest`.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Params;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use chief_app::suggest::{self, Ask, Suggestions};
use chief_brain::suggest::Energy;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;

pub fn routes(api: &mut Api) {
    api.section("Tasks");
    api.get("/tasks/suggest", suggest_tasks)
        .summary("Suggest what to do now")
        .describe("The person's open tasks (assigned to them, not blocked or waiting) ranked by due date, priority, goal alignment (task → project → goal), context match and estimated duration against the minutes available, each with a `score` and its `reasons`. With no `context`, one is inferred from the local time and the calendar by the rules in the setting `suggest.context_rules` (defaults: in a meeting → meeting; weekday 07:00–09:00 and 17:00–19:00 → phone; 19:00–23:00 → home), and reported in `context`. A given context leaves out tasks tied to other contexts; an inferred one only boosts. Estimates come from `est:30m`, the task context's `estimate`/`estimate_minutes`, or a `~30m` title token.")
        .query::<SuggestQuery>()
        .ok::<Suggestions>();
}

/// The query of `GET /api/tasks/suggest`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SuggestQuery {
    /// Where the person is: `phone`, `@home`, … Inferred when absent.
    context: Option<String>,
    /// Minutes available, 1 to 1440.
    minutes: Option<i64>,
    /// `low` or `high`.
    energy: Option<String>,
    /// 1 to 100; 10 by default.
    limit: Option<i64>,
    /// The moment to suggest for (RFC 3339); now when absent.
    at: Option<DateTime<Utc>>,
}

async fn suggest_tasks(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<SuggestQuery>,
) -> Result<Json<Suggestions>, ApiError> {
    let minutes = q
        .minutes
        .map(|m| {
            if (1..=1440).contains(&m) {
                Ok(m as u32)
            } else {
                Err(ApiError::invalid(
                    "minutes",
                    format!("must be 1 to 1440, not {m}"),
                ))
            }
        })
        .transpose()?;
    let energy = q
        .energy
        .as_deref()
        .map(|e| {
            Energy::parse(e).ok_or_else(|| {
                ApiError::invalid("energy", format!("{e:?} is not one of low, high"))
            })
        })
        .transpose()?;
    let limit = q.limit.unwrap_or(10);
    if !(1..=suggest::MAX_LIMIT as i64).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("must be 1 to {}, not {limit}", suggest::MAX_LIMIT),
        ));
    }
    let ask = Ask {
        context: q.context,
        minutes,
        energy,
        limit: limit as usize,
    };
    let now = q.at.unwrap_or_else(Utc::now);
    Ok(Json(
        suggest::suggest(&state.db, &caller.user, &ask, now).await?,
    ))
}
