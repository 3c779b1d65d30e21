//! `/api/waiting`: things owed by someone outside, and which of them are
//! past their follow-up date.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, MaybeBody, Params};
use crate::http::params::Id;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::waiting::{self as waiting_items, Resolution};
use chief_domain::waiting::{NewWaitingItem, WaitingItem, WaitingStatus};
use chief_store::waiting;
use chrono::Utc;
use schemars::JsonSchema;
use serde::Deserialize;

pub fn routes(api: &mut Api) {
    api.section("Waiting");
    api.get("/waiting", list)
        .summary("List waiting-for items")
        .query::<ListQuery>()
        .ok::<Vec<WaitingItem>>();
    api.get("/waiting/overdue", overdue)
        .summary("Waiting-for items past their follow-up date")
        .ok::<Vec<WaitingItem>>();
    api.post("/waiting", create)
        .summary("Record something you are waiting for")
        .body::<NewWaitingItem>()
        .created::<WaitingItem>();
    api.put("/waiting/{id}/resolve", resolve)
        .summary("Mark a waiting-for item resolved")
        .body::<Resolution>()
        .ok::<WaitingItem>();
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Vec<WaitingItem>>, ApiError> {
    let status = q
        .status
        .as_deref()
        .map(str::parse::<WaitingStatus>)
        .transpose()?;
    Ok(Json(
        waiting::list(&state.db, caller.user.tenant_id, status).await?,
    ))
}

async fn overdue(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WaitingItem>>, ApiError> {
    Ok(Json(
        waiting::overdue(&state.db, caller.user.tenant_id, Utc::now()).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewWaitingItem>,
) -> Result<(StatusCode, Json<WaitingItem>), ApiError> {
    let item = waiting_items::create(&state.db, &caller.scope(), new).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    MaybeBody(body): MaybeBody<Resolution>,
) -> Result<Json<WaitingItem>, ApiError> {
    let resolution = body.unwrap_or_default();
    Ok(Json(
        waiting_items::resolve(&state.db, &caller.scope(), id, resolution).await?,
    ))
}
