//! Links between tasks and the people they concern (`task_people`), with
//! the role each person plays: subject, recipient, stakeholder, mentioned.
//! The context endpoints read them to show who a task is about.

use crate::person::{COLUMNS as PERSON_COLUMNS, from_row as person_from_row};
use crate::task::{TASK_COLUMNS, task_from_row};
use crate::{Change, Db, StoreError, Tx};
use chief_domain::TenantId;
use chief_domain::event::action;
use chief_domain::person::{Person, TaskPersonRole};
use chief_domain::task::Task;
use uuid::Uuid;

/// A person linked to a task, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Linked {
    pub person: Person,
    pub role: Option<TaskPersonRole>,
}

/// Links a person to a task, or changes the role of an existing link.
pub async fn link(
    tx: &mut Tx,
    task_id: Uuid,
    person_id: Uuid,
    role: Option<TaskPersonRole>,
) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let task = crate::task::get(&mut *tx, tenant, task_id).await?;
    crate::person::get(&mut *tx, tenant, person_id).await?;
    let role = role.map(|r| r.as_str());
    tx.execute(
        "DELETE FROM task_people WHERE tenant_id = $1 AND task_id = $2 AND person_id = $3",
        &[tenant.into(), task.id.into(), person_id.into()],
    )
    .await?;
    tx.execute(
        "INSERT INTO task_people (tenant_id, task_id, person_id, role) VALUES ($1, $2, $3, $4)",
        &[tenant.into(), task.id.into(), person_id.into(), role.into()],
    )
    .await?;
    tx.audit(Change {
        action: action("task", "person_linked"),
        entity_type: "task",
        entity_id: task.id,
        details: serde_json::json!({"person_id": person_id, "role": role}),
    })
    .await?;
    Ok(())
}

/// Removes a person's link to a task; a missing link is `NotFound`.
pub async fn unlink(tx: &mut Tx, task_id: Uuid, person_id: Uuid) -> Result<(), StoreError> {
    let tenant = tx.tenant();
    let removed = tx
        .execute(
            "DELETE FROM task_people WHERE tenant_id = $1 AND task_id = $2 AND person_id = $3",
            &[tenant.into(), task_id.into(), person_id.into()],
        )
        .await?;
    if removed == 0 {
        return Err(StoreError::not_found(
            "task link",
            format!("{person_id} → {task_id}"),
        ));
    }
    tx.audit(Change {
        action: action("task", "person_unlinked"),
        entity_type: "task",
        entity_id: task_id,
        details: serde_json::json!({"person_id": person_id}),
    })
    .await?;
    Ok(())
}

/// The people linked to a task, by name.
pub async fn people_of_task(
    db: &Db,
    tenant: TenantId,
    task_id: Uuid,
) -> Result<Vec<Linked>, StoreError> {
    let cols = PERSON_COLUMNS
        .split(", ")
        .map(|c| format!("p.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    db.fetch_all(
        &format!(
            "SELECT {cols}, tp.role AS link_role FROM task_people tp JOIN people p ON p.id = tp.person_id AND p.tenant_id = tp.tenant_id \
             WHERE tp.tenant_id = $1 AND tp.task_id = $2 ORDER BY p.name, p.id"
        ),
        &[tenant.into(), task_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Linked {
            person: person_from_row(r)?,
            role: r.opt_text("link_role")?.map(|s| s.parse()).transpose()?,
        })
    })
    .collect()
}

/// The live tasks a person is linked to, newest first, at most `limit`.
pub async fn tasks_of_person(
    db: &Db,
    tenant: TenantId,
    person_id: Uuid,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE tenant_id = $1 AND deleted_at IS NULL \
             AND id IN (SELECT task_id FROM task_people WHERE tenant_id = $1 AND person_id = $2) \
             ORDER BY created_at DESC, id LIMIT $3"
        ),
        &[tenant.into(), person_id.into(), limit.into()],
    )
    .await?
    .iter()
    .map(task_from_row)
    .collect()
}

/// Live tasks other than `task_id` that share its project or one of its
/// linked people, newest first, at most `limit`.
pub async fn related_tasks(
    db: &Db,
    tenant: TenantId,
    task: &Task,
    limit: i64,
) -> Result<Vec<Task>, StoreError> {
    db.fetch_all(
        &format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE tenant_id = $1 AND deleted_at IS NULL AND id <> $2 \
             AND (($3 IS NOT NULL AND project_id = $3) OR id IN (SELECT task_id FROM task_people WHERE tenant_id = $1 \
             AND person_id IN (SELECT person_id FROM task_people WHERE tenant_id = $1 AND task_id = $2))) \
             ORDER BY created_at DESC, id LIMIT $4"
        ),
        &[tenant.into(), task.id.into(), task.project_id.into(), limit.into()],
    )
    .await?
    .iter()
    .map(task_from_row)
    .collect()
}
