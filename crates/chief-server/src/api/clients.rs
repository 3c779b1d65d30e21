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
use chief_domain::client::{Client, ClientPatch, ClientStatus, NewClient};
use chief_store::{Listing, client};
use schemars::JsonSchema;
use serde::Deserialize;

pub fn routes(api: &mut Api) {
    api.section("Clients");
    api.get("/clients", list)
        .summary("List clients")
        .describe("`q` keeps the clients whose name contains it, ignoring case.")
        .query::<ListQuery>()
        .ok::<Listing<Client>>();
    api.post("/clients", create)
        .summary("Add a client")
        .body::<CreateBody>()
        .created::<Client>();
    api.get("/clients/{id}", show)
        .summary("Get a client")
        .ok::<Client>();
    api.put("/clients/{id}", update)
        .summary("Update a client")
        .describe("Fields present are changed; `null` clears the notes.")
        .body::<UpdateBody>()
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

/// The body of `POST /api/clients`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ClientCreate")]
struct CreateBody {
    name: String,
    /// `prospect`, `active` (the default), `churned` or `archived`.
    status: Option<ClientStatus>,
    notes: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<Client>), ApiError> {
    let new = NewClient {
        name: b.name,
        status: b.status,
        notes: b.notes,
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let created = client::create(&mut tx, caller.user.id, new).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Client>, ApiError> {
    Ok(Json(client::get(&state.db, caller.tenant(), id).await?))
}

/// The body of `PUT /api/clients/{id}`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ClientUpdate")]
struct UpdateBody {
    name: Option<String>,
    status: Option<ClientStatus>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    notes: Option<Option<String>>,
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<UpdateBody>,
) -> Result<Json<Client>, ApiError> {
    let patch = ClientPatch {
        name: b.name,
        status: b.status,
        notes: b.notes,
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let updated = client::update(&mut tx, id, patch).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.db.write(&caller.scope()).await?;
    client::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
