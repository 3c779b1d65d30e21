//! `/api/keys`: API keys. Anyone may list, create and revoke their own
//! keys; owners and admins may do so for any user of the workspace with
//! `?user_id=` (or `user_id` in the body). A key's secret is shown once, when
//! it is created, and never stored.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::Id;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::api_key::KeyCreate;
use chief_domain::api_key::ApiKey;
use chief_domain::tenant::Role;
use chief_store::tenancy;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("API keys");
    api.get("/keys", list)
        .summary("List API keys")
        .describe("Your own keys, or another user's with `user_id` (owners and admins). Never shows a secret; `current` marks the key of this request.")
        .query::<ListQuery>()
        .ok::<Vec<KeyView>>();
    api.post("/keys", create)
        .summary("Create an API key")
        .describe("The full key is in the answer once; store it, it cannot be shown again.")
        .body::<KeyCreate>()
        .created::<Created>();
    api.delete("/keys/{id}", revoke)
        .summary("Revoke an API key")
        .describe("Requests with a revoked key answer 401. Revoking twice is a 409.")
        .no_content();
}

/// A key as the API shows it.
#[derive(Serialize, JsonSchema)]
pub struct KeyView {
    #[serde(flatten)]
    key: ApiKey,
    /// Whether this request was made with this key.
    current: bool,
}

/// What creating a key returns.
#[derive(Serialize, JsonSchema)]
pub struct Created {
    /// The full key, `chief_<prefix>_<secret>`: shown only now.
    key: String,
    api_key: KeyView,
}

/// Whose keys: the caller's, unless an owner or admin names another user
/// of the workspace (another workspace's user answers 404).
async fn owner_of(
    state: &AppState,
    caller: &Caller,
    user_id: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    match user_id {
        None => Ok(caller.user.id),
        Some(id) if id == caller.user.id => Ok(id),
        Some(id) => {
            if caller.user.role == Role::Member {
                return Err(ApiError::forbidden(
                    "only owners and admins may manage another user's keys",
                ));
            }
            Ok(tenancy::get_user(&state.db, caller.tenant(), id).await?.id)
        }
    }
}

fn view(caller: &Caller, key: ApiKey) -> KeyView {
    KeyView {
        current: key.id == caller.key_id,
        key,
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// Another user's keys (owners and admins).
    user_id: Option<Uuid>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Vec<KeyView>>, ApiError> {
    let user = owner_of(&state, &caller, q.user_id).await?;
    let keys = tenancy::keys_of_user(&state.db, caller.tenant(), user).await?;
    Ok(Json(keys.into_iter().map(|k| view(&caller, k)).collect()))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(mut new): Body<KeyCreate>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    chief_app::api_key::check_name(&new.name)?;
    new.user_id = Some(owner_of(&state, &caller, new.user_id).await?);
    let (key, api_key) = chief_app::api_key::create(&state.db, &caller.scope(), new).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            key,
            api_key: view(&caller, api_key),
        }),
    ))
}

async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let key = tenancy::get_key(&state.db, caller.tenant(), id).await?;
    owner_of(&state, &caller, Some(key.user_id)).await?;
    chief_app::api_key::revoke(&state.db, &caller.scope(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
