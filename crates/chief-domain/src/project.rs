//! Projects, initiatives and goals: one table, told apart by type, arranged
//! in a hierarchy through `parent_id`.

use crate::{TenantId, text_enum};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// A concrete deliverable, a strategic effort, or an outcome target.
    ProjectType {
        Project => "project",
        Initiative => "initiative",
        Goal => "goal",
    }
}

text_enum! {
    /// Whether work on a project goes on.
    ProjectStatus {
        Active => "active",
        OnHold => "on_hold",
        Completed => "completed",
        Archived => "archived",
    }
}

/// A grouping of related work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Project {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub project_type: ProjectType,
    pub status: ProjectStatus,
    pub priority_order: i64,
    pub success_criteria: Option<String>,
    pub target_date: Option<NaiveDate>,
    pub parent_id: Option<Uuid>,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields a caller supplies to create a project (`POST /api/projects`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProjectCreate")]
pub struct NewProject {
    pub name: String,
    pub description: Option<String>,
    /// `project` (the default), `initiative` or `goal`.
    pub project_type: Option<ProjectType>,
    pub success_criteria: Option<String>,
    pub target_date: Option<NaiveDate>,
    pub parent_id: Option<Uuid>,
}

/// Changes to a project (`PUT /api/projects/{id}`); a field left out stays
/// as it is, and `null` clears an optional one.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProjectUpdate")]
pub struct ProjectPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub description: Option<Option<String>>,
    pub project_type: Option<ProjectType>,
    pub status: Option<ProjectStatus>,
    pub priority_order: Option<i64>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub success_criteria: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub target_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::patch::double_option::deserialize")]
    pub parent_id: Option<Option<Uuid>>,
}
