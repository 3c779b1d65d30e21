//! `/api/users`: the people who sign in to the workspace. Everything but
//! `GET /api/users/me` is for owners and admins, and only an owner may make
//! or change another owner.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::user::UserCreate;
use chief_domain::tenant::{Role, User};
use chief_store::Listing;
use chief_store::tenancy::{self, UserPatch};
use schemars::JsonSchema;
use serde::Deserialize;

pub fn routes(api: &mut Api) {
    api.section("Users");
    api.get("/users/me", me)
        .summary("The user the API key belongs to")
        .ok::<User>();
    api.get("/users", list)
        .summary("List the workspace's users")
        .query::<ListQuery>()
        .ok::<Listing<User>>()
        .admin();
    api.post("/users", create)
        .summary("Add a user")
        .describe("The role defaults to `member`; only an owner may add an owner.")
        .body::<UserCreate>()
        .created::<User>()
        .admin();
    api.get("/users/{id}", show)
        .summary("Get a user")
        .ok::<User>()
        .admin();
    api.put("/users/{id}", update)
        .summary("Change a user's name, role or timezone")
        .describe("Only an owner may promote a user to owner or change an owner. The last owner cannot be demoted.")
        .body::<UserPatch>()
        .ok::<User>()
        .admin();
    api.delete("/users/{id}", delete)
        .summary("Remove a user")
        .describe("Their keys go with them. A user who still owns work (tasks, people, drafts…) is refused with 409: revoke their keys instead. You cannot remove yourself or the last owner.")
        .no_content()
        .admin();
}

/// Refuses owner-level changes to anyone but an owner.
fn owner_only(caller: &Caller, what: &str) -> Result<(), ApiError> {
    if caller.user.role == Role::Owner {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "only an owner may {what}; your key belongs to a {}",
            caller.user.role
        )))
    }
}

async fn me(caller: Caller) -> Json<User> {
    Json(caller.user)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Listing<User>>, ApiError> {
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        tenancy::users_page(&state.db, caller.tenant(), page).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<UserCreate>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    if new.role == Some(Role::Owner) {
        owner_only(&caller, "add an owner")?;
    }
    let user = chief_app::user::create(&state.db, &caller.scope(), new).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<User>, ApiError> {
    Ok(Json(
        tenancy::get_user(&state.db, caller.tenant(), id).await?,
    ))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<UserPatch>,
) -> Result<Json<User>, ApiError> {
    let target = tenancy::get_user(&state.db, caller.tenant(), id).await?;
    if target.role == Role::Owner && target.id != caller.user.id {
        owner_only(&caller, "change an owner")?;
    }
    if patch.role == Some(Role::Owner) && target.role != Role::Owner {
        owner_only(&caller, "make a user owner")?;
    }
    let user = chief_app::user::update(&state.db, &caller.scope(), id, patch).await?;
    Ok(Json(user))
}

async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let target = tenancy::get_user(&state.db, caller.tenant(), id).await?;
    if target.id == caller.user.id {
        return Err(chief_store::StoreError::Conflict(
            "you cannot remove yourself: ask another owner or admin".into(),
        )
        .into());
    }
    if target.role == Role::Owner {
        owner_only(&caller, "remove an owner")?;
    }
    chief_app::user::delete(&state.db, &caller.scope(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
