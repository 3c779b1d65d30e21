//! The project repository: projects, initiatives and goals in one table,
//! with a parent hierarchy.

use crate::fields::clean_name;
use crate::value::Row;
use crate::{Change, Db, StoreError, Tx, Value};
use chief_domain::event::{action, verb};
use chief_domain::project::{NewProject, Project, ProjectStatus, ProjectType};
use chief_domain::{TenantId, new_id};
use uuid::Uuid;

const COLUMNS: &str = "id, tenant_id, user_id, name, description, project_type, status, priority_order, success_criteria, target_date, parent_id, metadata, created_at, updated_at";

fn from_row(r: &Row) -> Result<Project, StoreError> {
    Ok(Project {
        id: r.uuid("id")?,
        tenant_id: r.tenant("tenant_id")?,
        user_id: r.opt_uuid("user_id")?,
        name: r.text("name")?,
        description: r.opt_text("description")?,
        project_type: r.parse("project_type")?,
        status: r.parse("status")?,
        priority_order: r.int("priority_order")?,
        success_criteria: r.opt_text("success_criteria")?,
        target_date: r.opt_date("target_date")?,
        parent_id: r.opt_uuid("parent_id")?,
        metadata: r.json("metadata")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// Creates a project (or initiative, or goal).
pub async fn create(tx: &mut Tx, user_id: Uuid, new: NewProject) -> Result<Project, StoreError> {
    let name = clean_name(&new.name)?;
    let name = name.as_str();
    if let Some(parent) = new.parent_id {
        crate::task::ensure_in_tenant(tx, "projects", "project", parent).await?;
    }
    let id = new_id();
    let now = tx.now();
    let tenant = tx.tenant();
    let kind = new.project_type.unwrap_or(ProjectType::Project);
    tx.execute(
        "INSERT INTO projects (id, tenant_id, user_id, name, description, project_type, status, success_criteria, target_date, parent_id, metadata, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9, $10, $11, $11)",
        &[id.into(), tenant.into(), user_id.into(), name.into(), new.description.clone().into(), kind.as_str().into(), new.success_criteria.clone().into(), new.target_date.into(), new.parent_id.into(), Value::json(&serde_json::json!({})), now.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("project", verb::CREATED),
        entity_type: "project",
        entity_id: id,
        details: serde_json::json!({"name": name, "project_type": kind, "parent_id": new.parent_id}),
    })
    .await?;
    let row = tx
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM projects WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("project", id))?;
    from_row(&row)
}

/// A project of the tenant.
pub async fn get(db: &Db, tenant: TenantId, id: Uuid) -> Result<Project, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM projects WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("project", id))?;
    from_row(&row)
}

/// A project by name, ignoring case (todo.txt's `+project`).
pub async fn find_by_name(
    db: &Db,
    tenant: TenantId,
    name: &str,
) -> Result<Option<Project>, StoreError> {
    db.fetch_optional(
        &format!("SELECT {COLUMNS} FROM projects WHERE tenant_id = $1 AND LOWER(name) = LOWER($2) ORDER BY created_at LIMIT 1"),
        &[tenant.into(), name.into()],
    )
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// The project named `name`, created if it does not exist yet.
pub async fn find_or_create(tx: &mut Tx, user_id: Uuid, name: &str) -> Result<Project, StoreError> {
    let tenant = tx.tenant();
    let found = tx
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM projects WHERE tenant_id = $1 AND LOWER(name) = LOWER($2) ORDER BY created_at LIMIT 1"),
            &[tenant.into(), name.into()],
        )
        .await?;
    match found {
        Some(row) => from_row(&row),
        None => {
            create(
                tx,
                user_id,
                NewProject {
                    name: name.to_string(),
                    ..Default::default()
                },
            )
            .await
        }
    }
}

/// The tenant's projects, filtered by type and status, by order then name.
pub async fn list(
    db: &Db,
    tenant: TenantId,
    kind: Option<ProjectType>,
    status: Option<ProjectStatus>,
) -> Result<Vec<Project>, StoreError> {
    db.fetch_all(
        &format!("SELECT {COLUMNS} FROM projects WHERE tenant_id = $1 AND ($2 IS NULL OR project_type = $2) AND ($3 IS NULL OR status = $3) ORDER BY priority_order, name"),
        &[tenant.into(), kind.map(|k| k.as_str()).into(), status.map(|s| s.as_str()).into()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}
