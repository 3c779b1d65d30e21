//! The audit log: one row for every change, chained by SHA-256 so that
//! tampering is detectable (see `chief-store`'s `audit` module).

use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// Who made a change.
    ActorKind {
        User => "user",
        Agent => "agent",
        System => "system",
    }
}

/// The one making a change: a kind, and the user when there is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Actor {
    pub kind: ActorKind,
    pub user_id: Option<Uuid>,
}

impl Actor {
    /// A person acting through the CLI, API or UI.
    pub fn user(user_id: Uuid) -> Self {
        Actor {
            kind: ActorKind::User,
            user_id: Some(user_id),
        }
    }

    /// The agent acting for a user.
    pub fn agent(user_id: Uuid) -> Self {
        Actor {
            kind: ActorKind::Agent,
            user_id: Some(user_id),
        }
    }

    /// chief itself (scheduler, migrations, init).
    pub fn system() -> Self {
        Actor {
            kind: ActorKind::System,
            user_id: None,
        }
    }
}

/// One audited change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LogEntry {
    pub id: Uuid,
    pub tenant_id: TenantId,
    /// Position in the tenant's chain, from 1.
    pub seq: i64,
    pub user_id: Option<Uuid>,
    pub timestamp: DateTime<Utc>,
    pub actor: ActorKind,
    pub action: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    /// The changed fields, `{field: {"before": .., "after": ..}}`, or the
    /// action's details.
    pub details: serde_json::Value,
    pub trace_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Field-level changes between two JSON renderings of an entity:
/// `{field: {"before": old, "after": new}}` for each field that differs.
pub fn diff(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let mut changes = serde_json::Map::new();
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    for (key, new) in a {
        if key == "updated_at" {
            continue;
        }
        let old = b.get(key).unwrap_or(&serde_json::Value::Null);
        if old != new {
            changes.insert(
                key.clone(),
                serde_json::json!({"before": old, "after": new}),
            );
        }
    }
    serde_json::Value::Object(changes)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn diff_lists_only_changed_fields_with_before_and_after() {
        let d = super::diff(
            &json!({"title": "a", "priority": 3, "updated_at": 1}),
            &json!({"title": "b", "priority": 3, "updated_at": 2}),
        );
        assert_eq!(d, json!({"title": {"before": "a", "after": "b"}}));
    }
}
