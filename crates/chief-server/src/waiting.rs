//! `/api/waiting`: things owed by someone outside, and which of them are
//! past their follow-up date.

use crate::auth::Caller;
use crate::body::{Body, Params};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use chief_domain::waiting::{NewWaitingItem, WaitingItem, WaitingStatus};
use chief_store::waiting;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/waiting", get(list).post(create))
        .route("/waiting/overdue", get(overdue))
        .route("/waiting/{id}/resolve", put(resolve))
}

#[derive(Deserialize)]
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

#[derive(Deserialize)]
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

#[derive(Deserialize)]
struct ResolveBody {
    resolution_notes: Option<String>,
}

async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<WaitingItem>, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found("waiting item", &id))?;
    // The body is optional: an empty one resolves without notes.
    let notes = if body.is_empty() {
        None
    } else {
        serde_json::from_slice::<ResolveBody>(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?
            .resolution_notes
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let item = waiting::resolve(&mut tx, id, notes.as_deref()).await?;
    tx.commit().await?;
    Ok(Json(item))
}
