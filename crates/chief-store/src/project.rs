//! The project repository: projects, initiatives and goals in one table,
//! with a parent hierarchy.

use crate::conn::{Conn, by_id, page_of};
use crate::fields::{check_text, clean_name, snapshot};
use crate::new_id;
use crate::search::contains_pattern;
use crate::value::Row;
use crate::{Change, Db, Listing, Page, StoreError, Tx, Value};
use chief_domain::TenantId;
use chief_domain::event::{action, verb};
use chief_domain::project::{NewProject, Project, ProjectPatch, ProjectStatus, ProjectType};
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "id, tenant_id, user_id, name, description, project_type, status, priority_order, success_criteria, target_date, parent_id, metadata, created_at, updated_at";

pub(crate) fn from_row(r: &Row) -> Result<Project, StoreError> {
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
pub async fn get<'a>(
    conn: impl Into<Conn<'a>>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Project, StoreError> {
    from_row(&by_id(conn.into(), "projects", COLUMNS, "", "project", tenant, id).await?)
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

/// How far a project's own tasks are: completed out of open and completed
/// (cancelled tasks do not count).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskCounts {
    pub completed: i64,
    pub total: i64,
}

/// Each project's own task counts, by project id (a project without tasks
/// is left out), from one grouped read of the live tasks that have a
/// project.
pub async fn task_counts(
    db: &Db,
    tenant: TenantId,
) -> Result<std::collections::HashMap<Uuid, TaskCounts>, StoreError> {
    db.fetch_all(
        "SELECT project_id, \
            SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS done_n, \
            SUM(CASE WHEN status IN ('queued', 'working', 'blocked', 'completed') THEN 1 ELSE 0 END) AS all_n \
         FROM tasks WHERE tenant_id = $1 AND deleted_at IS NULL AND project_id IS NOT NULL \
         GROUP BY project_id",
        &[tenant.into()],
    )
    .await?
    .iter()
    .map(|r| {
        let counts = TaskCounts {
            completed: r.int("done_n")?,
            total: r.int("all_n")?,
        };
        Ok((r.uuid("project_id")?, counts))
    })
    .collect()
}

/// One page of the tenant's projects whose name contains `q` (any when
/// `None`), by order then name.
pub async fn listing(
    db: &Db,
    tenant: TenantId,
    q: Option<&str>,
    page: Page,
) -> Result<Listing<Project>, StoreError> {
    let filter = "tenant_id = $1 AND ($2 IS NULL OR LOWER(name) LIKE $2)";
    let args = vec![tenant.into(), q.map(contains_pattern).into()];
    page_of(
        db,
        "projects",
        COLUMNS,
        filter,
        args,
        "priority_order, name, id",
        page,
        from_row,
    )
    .await
}

async fn get_in(tx: &mut Tx, id: Uuid) -> Result<Project, StoreError> {
    let tenant = tx.tenant();
    let row = tx
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM projects WHERE tenant_id = $1 AND id = $2"),
            &[tenant.into(), id.into()],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("project", id))?;
    from_row(&row)
}

/// Refuses a parent that is the project itself or one of its descendants,
/// which would make the hierarchy a loop.
async fn check_parent(tx: &mut Tx, id: Uuid, parent: Uuid) -> Result<(), StoreError> {
    let mut next = Some(parent);
    let mut steps = 0;
    while let Some(current) = next {
        if current == id || steps > 1000 {
            return Err(StoreError::invalid(
                "parent_id",
                "would make the project its own ancestor",
            ));
        }
        next = get_in(tx, current).await?.parent_id;
        steps += 1;
    }
    Ok(())
}

/// Changes a project's fields; an empty patch writes nothing.
pub async fn update(tx: &mut Tx, id: Uuid, patch: ProjectPatch) -> Result<Project, StoreError> {
    let tenant = tx.tenant();
    let before = get_in(tx, id).await?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = clean_name(&name)?;
    }
    if let Some(description) = patch.description {
        check_text("description", &description)?;
        after.description = description;
    }
    if let Some(kind) = patch.project_type {
        after.project_type = kind;
    }
    if let Some(status) = patch.status {
        after.status = status;
    }
    if let Some(order) = patch.priority_order {
        after.priority_order = order;
    }
    if let Some(criteria) = patch.success_criteria {
        check_text("success_criteria", &criteria)?;
        after.success_criteria = criteria;
    }
    if let Some(date) = patch.target_date {
        after.target_date = date;
    }
    if let Some(parent) = patch.parent_id {
        if let Some(p) = parent {
            check_parent(tx, id, p).await?;
        }
        after.parent_id = parent;
    }
    let changes = chief_domain::log::diff(&snapshot(&before), &snapshot(&after));
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    after.updated_at = tx.now();
    tx.execute(
        "UPDATE projects SET name = $3, description = $4, project_type = $5, status = $6, priority_order = $7, success_criteria = $8, target_date = $9, parent_id = $10, updated_at = $11 WHERE tenant_id = $1 AND id = $2",
        &[
            tenant.into(),
            id.into(),
            after.name.as_str().into(),
            after.description.clone().into(),
            after.project_type.as_str().into(),
            after.status.as_str().into(),
            after.priority_order.into(),
            after.success_criteria.clone().into(),
            after.target_date.into(),
            after.parent_id.into(),
            after.updated_at.into(),
        ],
    )
    .await?;
    tx.audit(Change {
        action: action("project", verb::UPDATED),
        entity_type: "project",
        entity_id: id,
        details: changes,
    })
    .await?;
    get_in(tx, id).await
}

/// Deletes a project. Its tasks stay, without a project, and its
/// sub-projects move to the top level; the audit entry counts both.
pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let project = get_in(tx, id).await?;
    let now = tx.now();
    let detached_tasks = tx
        .execute(
            "UPDATE tasks SET project_id = NULL, updated_at = $3 WHERE tenant_id = $1 AND project_id = $2",
            &[tenant.into(), id.into(), now.into()],
        )
        .await?;
    let detached_children = tx
        .execute(
            "UPDATE projects SET parent_id = NULL, updated_at = $3 WHERE tenant_id = $1 AND parent_id = $2",
            &[tenant.into(), id.into(), now.into()],
        )
        .await?;
    tx.execute(
        "DELETE FROM projects WHERE tenant_id = $1 AND id = $2",
        &[tenant.into(), id.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("project", verb::DELETED),
        entity_type: "project",
        entity_id: id,
        details: serde_json::json!({"name": project.name, "detached_tasks": detached_tasks, "detached_projects": detached_children}),
    })
    .await?;
    Ok(())
}
