//! `/api/channels`: where the caller's notices go. A member sees and
//! changes only their own channels (another user's is a 404); an admin sees
//! the whole workspace's. A channel's signing secret is in the answer to its
//! creation and nowhere else.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Body;
use crate::http::params::Id;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::channel::ChannelCreate;
use chief_domain::channel::Channel;
use chief_domain::delivery::Delivery;
use chief_store::StoreError;
use chief_store::channel::{self, ChannelPatch};
use schemars::JsonSchema;
use serde::Serialize;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Channels");
    api.get("/channels", list)
        .summary("List channels")
        .describe("Your delivery targets (an admin's list has the whole workspace's), oldest first. Secrets are never listed.")
        .ok::<Vec<Channel>>();
    api.post("/channels", create)
        .summary("Create a channel")
        .describe("A webhook takes `config: {\"url\": \"https://…\"}`. Its signing secret (`whsec_…`, Standard Webhooks) is generated unless you give one, and is in this answer only: store it now. `topics` limits which notices it receives (`briefing` also takes `briefing.morning`); empty takes every topic.")
        .body::<ChannelCreate>()
        .created::<ChannelCreated>();
    api.get("/channels/{id}", show)
        .summary("Get a channel")
        .ok::<Channel>();
    api.put("/channels/{id}", update)
        .summary("Change a channel's name, URL, topics or state")
        .describe("Fields present are changed. A disabled channel gets no new notices; those already queued are still sent. The secret cannot be changed: create a new channel to rotate it.")
        .body::<ChannelPatch>()
        .ok::<Channel>();
    api.delete("/channels/{id}", remove)
        .summary("Delete a channel")
        .describe("Its deliveries and their attempts go with it.")
        .no_content();
    api.post("/channels/{id}/test", test)
        .summary("Send a test notice to a channel")
        .describe("Queues a `channel.test` notice for this channel only (whatever its topics, enabled or not) and answers the delivery; the worker sends it within moments. Follow it at `/api/deliveries/{id}` and its attempts.")
        .created::<Delivery>();
}

/// The channel if the caller may see it; another user's is not found for a
/// member, as another tenant's is for everyone.
async fn visible(state: &AppState, caller: &Caller, id: Uuid) -> Result<Channel, ApiError> {
    let c = channel::get(&state.db, caller.tenant(), id).await?;
    if c.user_id != caller.user.id && !caller.sees_workspace() {
        return Err(StoreError::not_found("channel", id).into());
    }
    Ok(c)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Channel>>, ApiError> {
    let only = (!caller.sees_workspace()).then_some(caller.user.id);
    Ok(Json(channel::list(&state.db, caller.tenant(), only).await?))
}

/// A new channel and its signing secret, shown this once.
#[derive(Serialize, JsonSchema)]
struct ChannelCreated {
    channel: Channel,
    /// `whsec_…`: verify each request's `webhook-signature` with it. It is
    /// stored encrypted and never shown again.
    secret: String,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<ChannelCreate>,
) -> Result<(StatusCode, Json<ChannelCreated>), ApiError> {
    let secrets = state.secrets()?;
    let (channel, secret) =
        chief_app::channel::create(&state.db, &caller.scope(), secrets, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(ChannelCreated { channel, secret }),
    ))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Channel>, ApiError> {
    Ok(Json(visible(&state, &caller, id).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<ChannelPatch>,
) -> Result<Json<Channel>, ApiError> {
    visible(&state, &caller, id).await?;
    let updated = chief_app::channel::update(&state.db, &caller.scope(), id, patch).await?;
    Ok(Json(updated))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    visible(&state, &caller, id).await?;
    chief_app::channel::delete(&state.db, &caller.scope(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn test(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<(StatusCode, Json<Delivery>), ApiError> {
    let c = visible(&state, &caller, id).await?;
    let d = chief_app::channel::test(&state.db, &caller.scope(), &c).await?;
    Ok((StatusCode::CREATED, Json(d)))
}
