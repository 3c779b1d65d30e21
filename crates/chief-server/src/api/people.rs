//! `/api/people`: contacts and their relationship context, and the links
//! that say which tasks a person is part of. Deleting a person removes
//! those links; waiting items that named them stay, without the person.

use crate::api::Api;
use crate::api::projects::ListQuery;
use crate::http::auth::Caller;
use crate::http::body::{Body, MaybeBody, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chief_app::person::{self as people, PersonLink};
use chief_domain::person::{NewPerson, Person, PersonPatch};
use chief_store::Listing;
use chief_store::person;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("People");
    api.get("/people", list)
        .summary("List people")
        .describe("`q` keeps the people whose name contains it, ignoring case.")
        .query::<ListQuery>()
        .ok::<Listing<Person>>();
    api.post("/people", create)
        .summary("Add a person")
        .body::<NewPerson>()
        .created::<Person>();
    api.get("/people/{id}", show)
        .summary("Get a person")
        .ok::<Person>();
    api.put("/people/{id}", update)
        .summary("Update a person")
        .describe("Fields present are changed; `null` clears an optional field.")
        .body::<PersonPatch>()
        .ok::<Person>();
    api.delete("/people/{id}", delete)
        .summary("Delete a person")
        .describe("Their links to tasks go too; waiting items that named them stay.")
        .no_content();
    api.post("/people/{id}/tasks/{task_id}", link)
        .summary("Link a person to a task")
        .describe("Linking again changes the role. The task's context then lists the person.")
        .body::<PersonLink>()
        .no_content();
    api.delete("/people/{id}/tasks/{task_id}", unlink)
        .summary("Unlink a person from a task")
        .no_content();
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<Person>>, ApiError> {
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        person::listing(&state.db, caller.tenant(), q.search(), page).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewPerson>,
) -> Result<(StatusCode, Json<Person>), ApiError> {
    let created = people::create(&state.db, &caller.scope(), new).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Person>, ApiError> {
    Ok(Json(person::get(&state.db, caller.tenant(), id).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<PersonPatch>,
) -> Result<Json<Person>, ApiError> {
    Ok(Json(
        people::update(&state.db, &caller.scope(), id, patch).await?,
    ))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    people::delete(&state.db, &caller.scope(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Both ids of `/people/{id}/tasks/{task_id}`; either one not a UUID is a 422.
fn ids((id, task_id): (String, String)) -> Result<(Uuid, Uuid), ApiError> {
    let parse = |field: &str, raw: &str| {
        Uuid::parse_str(raw).map_err(|_| ApiError::invalid(field, format!("{raw:?} is not a UUID")))
    };
    Ok((parse("id", &id)?, parse("task_id", &task_id)?))
}

async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<(String, String)>,
    MaybeBody(link): MaybeBody<PersonLink>,
) -> Result<StatusCode, ApiError> {
    let (person_id, task_id) = ids(raw)?;
    let link = link.unwrap_or_default();
    people::link_task(&state.db, &caller.scope(), person_id, task_id, link).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unlink(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (person_id, task_id) = ids(raw)?;
    people::unlink_task(&state.db, &caller.scope(), person_id, task_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
