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
use chief_domain::waiting::{NewWaitingItem, WaitingItem, WaitingStatus};
use chief_store::waiting;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

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
        .body::<CreateBody>()
        .created::<WaitingItem>();
    api.put("/waiting/{id}/resolve", resolve)
        .summary("Mark a waiting-for item resolved")
        .body::<ResolveBody>()
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

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WaitingCreate")]
struct CreateBody {
    what: String,
    who: Option<String>,
    task_id: Option<Uuid>,
    person_id: Option<Uuid>,
    follow_up_date: Option<DateTime<Utc>>,
    why_it_matters: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<WaitingItem>), ApiError> {
    let new = NewWaitingItem {
        what: b.what,
        who: b.who,
        task_id: b.task_id,
        person_id: b.person_id,
        follow_up_date: b.follow_up_date,
        why_it_matters: b.why_it_matters,
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let item = waiting::create(&mut tx, caller.user.id, new).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(item)))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WaitingResolve")]
struct ResolveBody {
    resolution_notes: Option<String>,
}

async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    MaybeBody(body): MaybeBody<ResolveBody>,
) -> Result<Json<WaitingItem>, ApiError> {
    let notes = body.and_then(|b| b.resolution_notes);
    let mut tx = state.db.write(&caller.scope()).await?;
    let item = waiting::resolve(&mut tx, id, notes.as_deref()).await?;
    tx.commit().await?;
    Ok(Json(item))
}
