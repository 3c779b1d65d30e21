//! The personas a workspace defines (`agent_personas`), next to the five
//! built in: add, list and remove, each validated and audited. `chief agent
//! personas` and `/api/agent/personas` call these.

use super::persona::{self, KNOWLEDGE_KINDS, KnowledgeScope, Persona};
use crate::registry::Registry;
use chief_app::write::in_scope;
use chief_domain::TenantId;
use chief_store::agent::persona::{self as rows, StoredPersona};
use chief_store::{Db, Scope, StoreError};
use schemars::JsonSchema;
use serde::Deserialize;

/// A persona to add.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersona {
    /// Lower-case letters, digits and dashes, 1 to 40; not a built-in name.
    pub name: String,
    /// Who it is and how it works, first in its system prompt.
    pub prompt: String,
    /// Words or phrases in a task that route it here.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The registry tools it may call beyond the core task tools; empty
    /// means every tool.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Which knowledge enters its context.
    #[serde(default)]
    pub knowledge_scope: KnowledgeScope,
}

fn cleaned(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    out.dedup();
    out
}

impl NewPersona {
    /// Checks every field, naming the first that is wrong, and returns the
    /// persona it defines (lists trimmed and lower-cased).
    pub fn validate(&self, registry: &Registry) -> Result<Persona, StoreError> {
        let name = self.name.trim().to_lowercase();
        if name.is_empty()
            || name.len() > 40
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(StoreError::invalid(
                "name",
                "must be 1 to 40 lower-case letters, digits or dashes",
            ));
        }
        if persona::by_name(&persona::built_in(), &name).is_some() {
            return Err(StoreError::invalid(
                "name",
                format!("{name:?} is a built-in persona; choose another name"),
            ));
        }
        let prompt = self.prompt.trim();
        if prompt.is_empty() || prompt.chars().count() > 4000 {
            return Err(StoreError::invalid(
                "prompt",
                "must be 1 to 4000 characters",
            ));
        }
        let keywords = cleaned(&self.keywords);
        if keywords.len() > 50 || keywords.iter().any(|k| k.chars().count() > 60) {
            return Err(StoreError::invalid(
                "keywords",
                "must be at most 50, each at most 60 characters",
            ));
        }
        let tools: Vec<String> = self.tools.iter().map(|t| t.trim().to_string()).collect();
        if let Some(bad) = tools
            .iter()
            .find(|t| registry.get(t).is_none() || *t == "get_next_task")
        {
            let known: Vec<&str> = registry
                .tools()
                .iter()
                .map(|t| t.name)
                .filter(|n| *n != "get_next_task")
                .collect();
            return Err(StoreError::invalid(
                "tools",
                format!(
                    "has {bad:?}, which is not a tool; the tools are {}",
                    known.join(", ")
                ),
            ));
        }
        let kinds = cleaned(&self.knowledge_scope.kinds);
        if let Some(bad) = kinds
            .iter()
            .find(|k| !KNOWLEDGE_KINDS.contains(&k.as_str()))
        {
            return Err(StoreError::invalid(
                "knowledge_scope.kinds",
                format!("has {bad:?}; the kinds are {}", KNOWLEDGE_KINDS.join(", ")),
            ));
        }
        Ok(Persona {
            name,
            prompt: prompt.to_string(),
            keywords,
            tools,
            knowledge_scope: KnowledgeScope {
                kinds,
                topics: cleaned(&self.knowledge_scope.topics),
            },
            built_in: false,
        })
    }
}

fn from_stored(p: StoredPersona<KnowledgeScope>) -> Persona {
    Persona {
        name: p.name,
        prompt: p.prompt,
        keywords: p.keywords,
        tools: p.tools,
        knowledge_scope: p.knowledge_scope,
        built_in: false,
    }
}

/// Adds a persona to the workspace; a name already used is a conflict.
pub async fn add(
    db: &Db,
    scope: &Scope,
    registry: &Registry,
    new: &NewPersona,
) -> Result<Persona, StoreError> {
    let p = new.validate(registry)?;
    let stored = StoredPersona {
        name: p.name,
        prompt: p.prompt,
        keywords: p.keywords,
        tools: p.tools,
        knowledge_scope: p.knowledge_scope,
    };
    in_scope(db, scope, async |tx| {
        if rows::id_of(tx, &stored.name).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "there is already a persona {:?}; remove it first to redefine it",
                stored.name
            )));
        }
        rows::insert(tx, &stored).await
    })
    .await?;
    Ok(from_stored(stored))
}

/// The workspace's own personas, by name.
pub async fn list(db: &Db, tenant: TenantId) -> Result<Vec<Persona>, StoreError> {
    Ok(rows::list(db, tenant)
        .await?
        .into_iter()
        .map(from_stored)
        .collect())
}

/// Every persona routing may pick: the workspace's own first (so their
/// keywords win), then the built-in ones, General last.
pub async fn all(db: &Db, tenant: TenantId) -> Result<Vec<Persona>, StoreError> {
    let mut all = list(db, tenant).await?;
    all.extend(persona::built_in());
    Ok(all)
}

/// Removes the workspace's persona `name`.
pub async fn remove(db: &Db, scope: &Scope, name: &str) -> Result<(), StoreError> {
    let name = name.trim().to_lowercase();
    if persona::by_name(&persona::built_in(), &name).is_some() {
        return Err(StoreError::invalid(
            "name",
            format!("{name:?} is built in and cannot be removed"),
        ));
    }
    in_scope(db, scope, async |tx| {
        let id = rows::id_of(tx, &name)
            .await?
            .ok_or_else(|| StoreError::not_found("persona", &name))?;
        rows::delete(tx, id, &name).await
    })
    .await
}
