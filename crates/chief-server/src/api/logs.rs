//! `/api/logs`: the tenant's activity log (the audit chain), newest first,
//! filtered by entity, actor, action and time.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Params;
use crate::http::params::page;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use chief_domain::log::{ActorKind, LogEntry};
use chief_store::Listing;
use chief_store::audit::{self, LogFilter};
use chrono::{DateTime, Days, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Logs");
    api.get("/logs", list)
        .summary("Activity log")
        .describe("Every change in the workspace, newest first. `start_date` and `end_date` take an RFC 3339 instant or a day (`2026-03-01`, which `end_date` includes whole).")
        .query::<ListQuery>()
        .ok::<Listing<LogEntry>>();
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// `task`, `question`, `draft`, …
    entity_type: Option<String>,
    entity_id: Option<Uuid>,
    /// user, agent (also `claude`) or system.
    actor: Option<String>,
    /// Such as `task.created` or `draft.status_changed`.
    action: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// An instant from RFC 3339, or the start of a day (the day after, with
/// `end_of_day`, so an end date includes its whole day).
fn instant(field: &str, raw: &str, end_of_day: bool) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        ApiError::invalid(
            field,
            format!("{raw:?} is not a date (2026-03-01) or an RFC 3339 time"),
        )
    })?;
    let day = if end_of_day {
        day.checked_add_days(Days::new(1))
            .ok_or_else(|| ApiError::invalid(field, "is out of range"))?
    } else {
        day
    };
    Ok(day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<LogEntry>>, ApiError> {
    let actor = match q.actor.as_deref() {
        None => None,
        Some("claude") => Some(ActorKind::Agent),
        Some(other) => Some(
            other
                .parse::<ActorKind>()
                .map_err(|e| ApiError::invalid("actor", e.to_string()))?,
        ),
    };
    let filter = LogFilter {
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        actor,
        action: q.action,
        since: q
            .start_date
            .as_deref()
            .map(|d| instant("start_date", d, false))
            .transpose()?,
        until: q
            .end_date
            .as_deref()
            .map(|d| instant("end_date", d, true))
            .transpose()?,
    };
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        audit::search(&state.db, caller.tenant(), &filter, page).await?,
    ))
}
