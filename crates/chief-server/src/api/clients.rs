//! `/api/clients`: the customers and accounts people belong to. Deleting a
//! client keeps its people and sales opportunities, without the client.

use crate::api::Api;
use crate::api::projects::ListQuery;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::client as clients;
use chief_domain::client::{Client, ClientPatch, NewClient};
use chief_store::{Listing, client};

pub fn routes(api: &mut Api) {
    api.section("Clients");
    api.get("/clients", list)
        .summary("List clients")
        .describe("`q` keeps the clients whose name contains it, ignoring case.")
        .query::<ListQuery>()
        .ok::<Listing<Client>>();
    api.post("/clients", create)
        .summary("Add a client")
        .body::<NewClient>()
        .created::<Client>();
    api.get("/clients/{id}", show)
        .summary("Get a client")
        .ok::<Client>();
    api.put("/clients/{id}", update)
        .summary("Update a client")
        .describe("Fields present are changed; `null` clears the notes.")
        .body::<ClientPatch>()
        .ok::<Client>();
    api.delete("/clients/{id}", delete)
        .summary("Delete a client")
        .describe("Its people and sales opportunities stay, without the client.")
        .no_content();
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Client>>, ApiError> {
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        client::listing(&state.db, caller.tenant(), q.search(), page).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewClient>,
) -> Result<(StatusCode, Json<Client>), ApiError> {
    let created = clients::create(&state.db, &caller.scope(), new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Client>, ApiError> {
    Ok(Json(client::get(&state.db, caller.tenant(), id).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<ClientPatch>,
) -> Result<Json<Client>, ApiError> {
    Ok(Json(
        clients::update(&state.db, &caller.scope(), id, patch).await?,
    ))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    clients::delete(&state.db, &caller.scope(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
