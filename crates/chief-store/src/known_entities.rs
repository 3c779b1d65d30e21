//! The people, clients and projects a text may name, with the aliases kept
//! in their `metadata.aliases`: what knowledge routing resolves a learning
//! against (`chief_brain::entity_resolve`).

use crate::StoreError;
use crate::conn::Conn;
use chief_brain::entity_resolve::{Entity, EntityKind};
use chief_domain::TenantId;
use uuid::Uuid;

/// The tenant's entities of each of `kinds`, in that order, each kind by
/// name.
pub async fn known(
    mut conn: Conn<'_>,
    tenant: TenantId,
    kinds: &[EntityKind],
) -> Result<Vec<(Uuid, Entity)>, StoreError> {
    let mut out = Vec::new();
    for &kind in kinds {
        let table = match kind {
            EntityKind::Person => "people",
            EntityKind::Client => "clients",
            EntityKind::Project => "projects",
        };
        let rows = conn
            .reborrow()
            .fetch_all(
                &format!(
                    "SELECT id, name, metadata FROM {table} WHERE tenant_id = $1 ORDER BY name, id"
                ),
                &[tenant.into()],
            )
            .await?;
        for r in &rows {
            let entity = Entity {
                kind,
                name: r.text("name")?,
                aliases: crate::fields::aliases(&r.json("metadata")?),
            };
            out.push((r.uuid("id")?, entity));
        }
    }
    Ok(out)
}
