//! Composing a user's briefing: [`compose`] gathers the data from the
//! store (`chief_store::briefing_inputs`) and lets the brain compose and
//! render it; [`compose_and_store`] is the one operation the API, the CLI
//! and the scheduler call to keep one: the row, its audit entry and the
//! `briefing.created` event commit together.

use chief_brain::briefing::clock::Days;
use chief_brain::briefing::{self as brain, BriefingKind};
use chief_domain::TenantId;
use chief_store::briefing::{self, Composed, StoredBriefing};
use chief_store::{Db, Scope, StoreError, briefing_inputs, tenancy};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

/// The user's zone; an unknown name (set outside the API) reads as UTC
/// rather than failing the briefing.
async fn zone_of(db: &Db, tenant: TenantId, user_id: Uuid) -> Result<Tz, StoreError> {
    let user = tenancy::get_user(db, tenant, user_id).await?;
    Ok(user.timezone.parse().unwrap_or(chrono_tz::UTC))
}

/// Composes `user_id`'s briefing of `kind` at `now`, in their time zone,
/// without keeping it.
pub async fn compose(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    kind: BriefingKind,
    now: DateTime<Utc>,
) -> Result<Composed, StoreError> {
    let tz = zone_of(db, tenant, user_id).await?;
    let days = Days::at(now, tz);
    let gathered = briefing_inputs::gather(db, tenant, user_id, kind, now, &days).await?;
    let briefing = brain::compose(kind, &gathered.inputs(), now, tz);
    Ok(Composed {
        markdown: brain::render::markdown(&briefing),
        text: brain::render::text(&briefing),
        briefing,
    })
}

/// Composes `user_id`'s briefing of `kind` at `now` and keeps it: the row,
/// its audit entry and the `briefing.created` event commit together. The
/// tenant and the actor come from `scope` (the user from the API and CLI,
/// the system from the scheduler).
pub async fn compose_and_store(
    db: &Db,
    scope: &Scope,
    user_id: Uuid,
    kind: BriefingKind,
    now: DateTime<Utc>,
) -> Result<StoredBriefing, StoreError> {
    let composed = compose(db, scope.tenant, user_id, kind, now).await?;
    let mut tx = db.write(scope).await?;
    let stored = briefing::store(&mut tx, user_id, kind, composed).await?;
    tx.commit().await?;
    Ok(stored)
}
