//! `/api/briefings`: the morning plan, the midday check, the evening
//! summary and the weekly review, composed from the workspace's data with no
//! model. `POST` composes one now and keeps it; kept ones are listed and
//! read back as JSON, Markdown or plain text.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chief_brain::briefing::BriefingKind;
use chief_store::Listing;
use chief_store::briefing::{self, BriefingFilter, StoredBriefing};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;

pub fn routes(api: &mut Api) {
    api.section("Briefings");
    api.get("/briefings", list)
        .summary("List your briefings")
        .describe("Your kept briefings, newest first; `kind` keeps one kind (morning, midday, evening or weekly).")
        .query::<ListQuery>()
        .ok::<Listing<StoredBriefing>>();
    api.get("/briefings/{id}", show)
        .summary("Get one of your briefings")
        .describe("Another user's briefing is a 404, as another workspace's is. As JSON by default. `?format=markdown` or `?format=text` (or an `Accept` of `text/markdown` or `text/plain`) answers with that rendering alone.")
        .query::<ShowQuery>()
        .ok::<StoredBriefing>();
    api.post("/briefings", create)
        .summary("Compose a briefing now and keep it")
        .describe("Composes your `kind` briefing (morning, midday, evening or weekly) from the workspace's data, in your time zone, at `now` (default: the current time); keeps it and emits `briefing.created`.")
        .body::<CreateBody>()
        .created::<StoredBriefing>();
}

/// A briefing kind named in a request, or a 422 naming `field`.
fn kind(field: &str, text: &str) -> Result<BriefingKind, ApiError> {
    text.parse().map_err(|_| {
        let valid: Vec<&str> = BriefingKind::ALL.iter().map(|k| k.as_str()).collect();
        ApiError::invalid(
            field,
            format!(
                "{text:?} is not a briefing kind: expected one of {}",
                valid.join(", ")
            ),
        )
    })
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// morning, midday, evening or weekly.
    kind: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<StoredBriefing>>, ApiError> {
    let filter = BriefingFilter {
        user_id: Some(caller.user.id),
        kind: q.kind.as_deref().map(|k| kind("kind", k)).transpose()?,
    };
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        briefing::list(&state.db, caller.tenant(), filter, page).await?,
    ))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ShowQuery {
    /// json (default), markdown or text.
    format: Option<String>,
}

/// The renderings a briefing is served in.
enum Format {
    Json,
    Markdown,
    Text,
}

/// The format asked for: the query wins over the `Accept` header.
fn format(query: Option<&str>, headers: &HeaderMap) -> Result<Format, ApiError> {
    if let Some(f) = query {
        return match f.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            "text" | "txt" | "plain" => Ok(Format::Text),
            _ => Err(ApiError::invalid(
                "format",
                format!("{f:?} is not a format: expected json, markdown or text"),
            )),
        };
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(if accept.contains("text/markdown") {
        Format::Markdown
    } else if accept.contains("text/plain") {
        Format::Text
    } else {
        Format::Json
    })
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<ShowQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let format = format(q.format.as_deref(), &headers)?;
    let b = briefing::get(&state.db, caller.tenant(), caller.user.id, id).await?;
    Ok(match format {
        Format::Json => Json(b).into_response(),
        Format::Markdown => (
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            b.markdown,
        )
            .into_response(),
        Format::Text => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            b.text,
        )
            .into_response(),
    })
}

/// The body of `POST /api/briefings`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "BriefingCreate")]
struct CreateBody {
    /// morning, midday, evening or weekly.
    kind: String,
    /// The instant to compose for; the current time when absent.
    now: Option<DateTime<Utc>>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<StoredBriefing>), ApiError> {
    let kind = kind("kind", &b.kind)?;
    let now = b.now.unwrap_or_else(Utc::now);
    let kept = chief_app::briefing::compose_and_store(
        &state.db,
        &caller.scope(),
        caller.user.id,
        kind,
        now,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(kept)))
}
