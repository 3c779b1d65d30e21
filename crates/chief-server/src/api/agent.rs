//! `/api/agent`: the built-in agent's approval policy (per tool class, and
//! the daily token budget) and its personas. Reading is for everyone in
//! the workspace; changing is for owners and admins.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::Body;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chief_ai::Registry;
use chief_ai::agent::persona::Persona;
use chief_ai::agent::persona_store::{self, NewPersona};
use chief_ai::policy::{self as agent_policy, Policy, PolicyChange};

pub fn routes(api: &mut Api) {
    api.section("Agent");
    api.get("/agent/policy", policy)
        .summary("The agent's approval policy and daily token budget")
        .describe("Each tool class (read, write, propose, admin) is `auto` (runs), `ask` (the task blocks on a question naming the exact call; approving lets the next run apply exactly that call) or `deny`. A turn carrying untrusted outside content can never cancel, delete or change settings, whatever the policy.")
        .ok::<Policy>();
    api.put("/agent/policy", set_policy)
        .summary("Change the approval policy or the daily token budget")
        .describe("Fields left out stay as they are.")
        .body::<PolicyChange>()
        .ok::<Policy>()
        .admin();
    api.get("/agent/personas", personas)
        .summary("The personas: the built-in ones and the workspace's")
        .ok::<Vec<Persona>>();
    api.post("/agent/personas", add_persona)
        .summary("Add a persona")
        .describe("A name already used is a 409; an unknown tool or knowledge kind is a 422 naming the field.")
        .body::<NewPersona>()
        .created::<Persona>()
        .admin();
    api.delete("/agent/personas/{name}", remove_persona)
        .summary("Remove one of the workspace's personas")
        .no_content()
        .admin();
}

async fn policy(State(state): State<AppState>, caller: Caller) -> Result<Json<Policy>, ApiError> {
    Ok(Json(Policy::load(&state.db, caller.tenant()).await?))
}

async fn set_policy(
    State(state): State<AppState>,
    caller: Caller,
    Body(change): Body<PolicyChange>,
) -> Result<Json<Policy>, ApiError> {
    Ok(Json(
        agent_policy::change(&state.db, &caller.scope(), change).await?,
    ))
}

async fn personas(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Persona>>, ApiError> {
    Ok(Json(persona_store::all(&state.db, caller.tenant()).await?))
}

async fn add_persona(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<NewPersona>,
) -> Result<(StatusCode, Json<Persona>), ApiError> {
    let added = persona_store::add(&state.db, &caller.scope(), &Registry::work_loop(), &b).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

async fn remove_persona(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    persona_store::remove(&state.db, &caller.scope(), &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
