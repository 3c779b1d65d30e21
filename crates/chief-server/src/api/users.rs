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
use chief_domain::tenant::{Role, User};
use chief_store::Listing;
use chief_store::tenancy::{self, NewUser, UserPatch};
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
        .body::<CreateBody>()
        .created::<User>()
        .admin();
    api.get("/users/{id}", show)
        .summary("Get a user")
        .ok::<User>()
        .admin();
    api.put("/users/{id}", update)
        .summary("Change a user's name, role or timezone")
        .describe("Only an owner may promote a user to owner or change an owner. The last owner cannot be demoted.")
        .body::<UpdateBody>()
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

/// The body of `POST /api/users`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "UserCreate")]
struct CreateBody {
    email: String,
    name: Option<String>,
    /// `owner`, `admin` or `member` (the default).
    role: Option<Role>,
    /// An IANA timezone; UTC by default.
    timezone: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let role = b.role.unwrap_or(Role::Member);
    if role == Role::Owner {
        owner_only(&caller, "add an owner")?;
    }
    let new = NewUser {
        email: b.email,
        name: b.name,
        role,
        timezone: b.timezone.unwrap_or_else(|| "UTC".into()),
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let user = tenancy::add_user(&mut tx, new).await?;
    tx.commit().await?;
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

/// The body of `PUT /api/users/{id}`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "UserUpdate")]
struct UpdateBody {
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    name: Option<Option<String>>,
    role: Option<Role>,
    timezone: Option<String>,
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<UpdateBody>,
) -> Result<Json<User>, ApiError> {
    let target = tenancy::get_user(&state.db, caller.tenant(), id).await?;
    if target.role == Role::Owner && target.id != caller.user.id {
        owner_only(&caller, "change an owner")?;
    }
    if b.role == Some(Role::Owner) && target.role != Role::Owner {
        owner_only(&caller, "make a user owner")?;
    }
    let patch = UserPatch {
        name: b.name,
        role: b.role,
        timezone: b.timezone,
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let user = tenancy::update_user(&mut tx, id, patch).await?;
    tx.commit().await?;
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
    let mut tx = state.db.write(&caller.scope()).await?;
    tenancy::delete_user(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
