//! `POST /api/tasks/parse`: the quick-add parser over HTTP. It reads one
//! typed line the way `chief add` does and returns the fields, with the
//! people it names resolved against the caller's workspace. Nothing is
//! saved. The zone defaults to the caller's, the date order to their
//! `date_order` setting (`dmy` or `mdy`, else `mdy`).

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Body;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use chief_app::quick_add::{self, Reading, ResolvedPerson};
use chief_brain::quick_add::{Due, Recurrence};
use chief_domain::task::Assignee;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The longest line accepted, in characters: a task, not a document.
const MAX_TEXT_CHARS: usize = 10_000;

pub fn routes(api: &mut Api) {
    api.section("Tasks");
    api.post("/tasks/parse", parse_task)
        .summary("Read a task from one typed line, without saving")
        .describe("\"Call Patrick tomorrow 3pm !1 +liberty @phone #sales\" gives the title, the due date (RFC 3339 with the offset when a time is known, else YYYY-MM-DD), priority 1 to 5, project, contexts, tags, recurrence and assignee, with the people it names resolved against the workspace. Relative dates count from `now` (default: the server's clock) in `timezone` (default: the caller's); \"3/12\" reads by the caller's `date_order` setting (`dmy` or `mdy`, default `mdy`).")
        .body::<ParseBody>()
        .ok::<Parsed>();
}

/// The body of `POST /api/tasks/parse`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TaskParse")]
struct ParseBody {
    /// The line, as a person would type it.
    text: String,
    /// The instant relative dates count from (RFC 3339); now by default.
    now: Option<String>,
    /// An IANA time zone; the caller's by default.
    timezone: Option<String>,
}

/// What the line says, with its people resolved.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "TaskParsed")]
struct Parsed {
    title: String,
    /// `YYYY-MM-DD`, or RFC 3339 with the offset when a time was given.
    #[schemars(with = "Option<String>")]
    due: Option<Due>,
    /// 1 (highest) to 5.
    priority: Option<u8>,
    project: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    other_projects: Vec<String>,
    contexts: Vec<String>,
    tags: Vec<String>,
    /// The people named, each with the workspace's person when one matches.
    people: Vec<ResolvedPerson>,
    recurrence: Option<Recurrence>,
    assignee: Option<Assignee>,
    warnings: Vec<String>,
}

async fn parse_task(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<ParseBody>,
) -> Result<Json<Parsed>, ApiError> {
    if b.text.trim().is_empty() {
        return Err(ApiError::invalid("text", "must not be empty"));
    }
    if b.text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::invalid(
            "text",
            format!("must be at most {MAX_TEXT_CHARS} characters: send one task per request"),
        ));
    }
    let tz: Tz = match &b.timezone {
        Some(name) => name.parse().map_err(|_| {
            ApiError::invalid(
                "timezone",
                format!("{name:?} is not an IANA time zone such as Europe/Berlin"),
            )
        })?,
        None => caller.user.timezone.parse().unwrap_or(chrono_tz::UTC),
    };
    let now = match &b.now {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|_| {
                ApiError::invalid(
                    "now",
                    format!("{t:?} is not an RFC 3339 time such as 2026-11-24T10:00:00+01:00"),
                )
            })?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let Reading { phrase: q, people } = quick_add::read(
        &state.db,
        caller.tenant(),
        caller.user.id,
        &b.text,
        now.with_timezone(&tz),
    )
    .await?;
    Ok(Json(Parsed {
        title: q.title,
        due: q.due,
        priority: q.priority,
        project: q.project,
        other_projects: q.other_projects,
        contexts: q.contexts,
        tags: q.tags,
        people,
        recurrence: q.recurrence,
        assignee: q.assignee,
        warnings: q.warnings,
    }))
}
