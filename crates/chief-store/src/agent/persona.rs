//! `agent_personas`: the personas a workspace defines beyond the built-in
//! ones. Validation and the built-in set live with the agent; this stores,
//! lists and removes a workspace's own, each write audited.

use crate::value::Value;
use crate::{Change, Db, StoreError, Tx};
use chief_domain::TenantId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use uuid::Uuid;

/// A workspace's persona as stored; `K` is the agent's knowledge scope.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPersona<K> {
    pub name: String,
    pub prompt: String,
    pub keywords: Vec<String>,
    pub tools: Vec<String>,
    pub knowledge_scope: K,
}

/// The id of the workspace's persona `name`, if there is one.
pub async fn id_of(tx: &mut Tx, name: &str) -> Result<Option<Uuid>, StoreError> {
    let tenant = tx.tenant();
    tx.fetch_optional(
        "SELECT id FROM agent_personas WHERE tenant_id = $1 AND name = $2",
        &[tenant.into(), name.into()],
    )
    .await?
    .map(|r| r.uuid("id"))
    .transpose()
}

/// Stores, audited, a persona already validated and checked to be new.
pub async fn insert<K: Serialize>(tx: &mut Tx, p: &StoredPersona<K>) -> Result<Uuid, StoreError> {
    let id = crate::new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    tx.execute(
        "INSERT INTO agent_personas (id, tenant_id, name, prompt, keywords, tools, knowledge_scope, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            id.into(),
            tenant.into(),
            p.name.clone().into(),
            p.prompt.clone().into(),
            Value::json(&p.keywords),
            Value::json(&p.tools),
            Value::json(&p.knowledge_scope),
            now.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: "agent_persona.created".into(),
        entity_type: "agent_persona",
        entity_id: id,
        details: json!({"name": p.name, "keywords": p.keywords, "tools": p.tools,
            "knowledge_scope": p.knowledge_scope}),
    })
    .await?;
    Ok(id)
}

/// The workspace's own personas, by name.
pub async fn list<K: DeserializeOwned>(
    db: &Db,
    tenant: TenantId,
) -> Result<Vec<StoredPersona<K>>, StoreError> {
    db.fetch_all(
        "SELECT name, prompt, keywords, tools, knowledge_scope FROM agent_personas \
         WHERE tenant_id = $1 ORDER BY name",
        &[tenant.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(StoredPersona {
            name: r.text("name")?,
            prompt: r.text("prompt")?,
            keywords: r.json_as("keywords")?,
            tools: r.json_as("tools")?,
            knowledge_scope: r.json_as("knowledge_scope")?,
        })
    })
    .collect()
}

/// Removes, audited, persona `id` (named `name`).
pub async fn delete(tx: &mut Tx, id: Uuid, name: &str) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    tx.execute(
        "DELETE FROM agent_personas WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    tx.audit(Change {
        action: "agent_persona.deleted".into(),
        entity_type: "agent_persona",
        entity_id: id,
        details: json!({"name": name}),
    })
    .await?;
    Ok(())
}
