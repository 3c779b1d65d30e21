//! `/api/deliveries`: every notice on its way and how it went: the
//! dashboard's copies and each channel's, their attempts, and re-delivering
//! one by hand. A member sees only their own deliveries; an admin the whole
//! workspace's.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Params;
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use chief_domain::delivery::{Delivery, DeliveryAttempt, DeliveryStatus};
use chief_store::delivery::{self, DeliveryFilter};
use chief_store::{Listing, StoreError, delivery_queue};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Deliveries");
    api.get("/deliveries", list)
        .summary("List deliveries")
        .describe("Newest first. `status=failed` lists what every attempt failed to send, with `last_error`; those stay until re-delivered. A copy without `channel_id` is the dashboard's.")
        .query::<ListQuery>()
        .ok::<Listing<Delivery>>();
    api.get("/deliveries/{id}", show)
        .summary("Get a delivery")
        .ok::<Delivery>();
    api.get("/deliveries/{id}/attempts", attempts)
        .summary("A delivery's attempts")
        .describe("Oldest first: when each try started, how long it took, the HTTP status the target answered (none when it was not reached) and the error.")
        .ok::<Vec<DeliveryAttempt>>();
    api.post("/deliveries/{id}/redeliver", redeliver)
        .summary("Send a delivery again")
        .describe("A failed or delivered channel copy goes back to pending, due now, with its attempts counted from zero (the earlier ones stay in its log). A pending one is a 409; the dashboard's copy is a 422.")
        .ok::<Delivery>();
}

async fn visible(state: &AppState, caller: &Caller, id: Uuid) -> Result<Delivery, ApiError> {
    let d = delivery::get(&state.db, caller.tenant(), id).await?;
    if d.user_id != caller.user.id && !caller.sees_workspace() {
        return Err(StoreError::not_found("delivery", id).into());
    }
    Ok(d)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// `pending`, `delivered` or `failed`.
    status: Option<DeliveryStatus>,
    /// Exactly this topic, such as `briefing.morning`.
    topic: Option<String>,
    /// Only this channel's copies.
    channel_id: Option<Uuid>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Delivery>>, ApiError> {
    let filter = DeliveryFilter {
        user_id: (!caller.sees_workspace()).then_some(caller.user.id),
        status: q.status,
        topic: q.topic,
        channel_id: q.channel_id.map(Some),
    };
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        delivery::list(&state.db, caller.tenant(), &filter, page).await?,
    ))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Delivery>, ApiError> {
    Ok(Json(visible(&state, &caller, id).await?))
}

async fn attempts(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Vec<DeliveryAttempt>>, ApiError> {
    visible(&state, &caller, id).await?;
    Ok(Json(
        delivery_queue::attempts(&state.db, caller.tenant(), id).await?,
    ))
}

async fn redeliver(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Delivery>, ApiError> {
    visible(&state, &caller, id).await?;
    let d = chief_app::channel::redeliver(&state.db, &caller.scope(), id).await?;
    Ok(Json(d))
}
