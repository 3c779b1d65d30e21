//! Users: adding, changing and removing one, and setting a dashboard
//! password, for the API, the settings page and the CLI alike. Adding
//! takes [`UserCreate`] (its absent fields get their defaults here);
//! changing takes the store's `UserPatch`. Who may change whom (owners
//! only for owners) is the edge's to check, as it knows the caller's role.

use crate::write::{acting_user, in_tx};
use chief_domain::job::{JobKind, JobPatch};
use chief_domain::tenant::{Role, User};
use chief_store::tenancy::{self, NewUser, UserPatch};
use chief_store::{Db, Scope, StoreError, job, password};
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// A new user of the workspace (the body of `POST /api/users`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "UserCreate")]
pub struct UserCreate {
    pub email: String,
    pub name: Option<String>,
    /// `owner`, `admin` or `member` (the default).
    pub role: Option<Role>,
    /// An IANA timezone; UTC by default.
    pub timezone: Option<String>,
}

impl From<UserCreate> for NewUser {
    fn from(u: UserCreate) -> NewUser {
        NewUser {
            email: u.email,
            name: u.name,
            role: u.role.unwrap_or(Role::Member),
            timezone: u.timezone.unwrap_or_else(|| "UTC".into()),
        }
    }
}

/// Adds a user to the scope's workspace.
pub async fn create(db: &Db, scope: &Scope, new: UserCreate) -> Result<User, StoreError> {
    in_tx(db, scope, async |tx, _| {
        tenancy::add_user(tx, new.into()).await
    })
    .await
}

/// Changes user `id`; the last owner cannot be demoted.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    patch: UserPatch,
) -> Result<User, StoreError> {
    in_tx(db, scope, async |tx, _| {
        tenancy::update_user(tx, id, patch).await
    })
    .await
}

/// Moves the scope's user to time zone `tz`, and their built-in jobs with
/// them (those schedules are read in the user's own zone, so the morning
/// briefing stays at 08:00 where they now are). Nothing changes when any
/// of it is refused.
pub async fn set_timezone(db: &Db, scope: &Scope, tz: &str) -> Result<User, StoreError> {
    let jobs = job::list(db, scope.tenant, Some(acting_user(scope)?)).await?;
    in_tx(db, scope, async |tx, user| {
        let patch = UserPatch {
            timezone: Some(tz.to_string()),
            ..UserPatch::default()
        };
        let changed = tenancy::update_user(tx, user, patch).await?;
        for j in jobs {
            if j.kind != JobKind::Trigger && j.timezone != tz {
                let patch = JobPatch {
                    timezone: Some(tz.to_string()),
                    ..JobPatch::default()
                };
                job::update(tx, j.id, patch).await?;
            }
        }
        Ok(changed)
    })
    .await
}

/// Removes user `id`.
pub async fn delete(db: &Db, scope: &Scope, id: Uuid) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| tenancy::delete_user(tx, id).await).await
}

/// Sets user `id`'s dashboard password, which ends their open sessions.
pub async fn set_password(db: &Db, scope: &Scope, id: Uuid, new: &str) -> Result<(), StoreError> {
    in_tx(db, scope, async |tx, _| {
        password::set_password(tx, id, new).await
    })
    .await
}
