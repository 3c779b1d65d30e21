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

/// The fields a caller supplies to create a project.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewProject {
    pub name: String,
    pub description: Option<String>,
    pub project_type: Option<ProjectType>,
    pub success_criteria: Option<String>,
    pub target_date: Option<NaiveDate>,
    pub parent_id: Option<Uuid>,
}
