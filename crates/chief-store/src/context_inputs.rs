//! Everything context assembly chooses from for one task, gathered with the
//! bounded reads of [`crate::context_reads`] (briefing inputs are the
//! model): the people linked to the task or named in it, its project and
//! that project's newest tasks, the linked people's tasks, the newest tasks
//! in brief, the task's history, and the learnings routed to its people,
//! their clients or its project, or learned lately.
//! `chief_brain::context_assembly::assemble` ranks and packs them.

use crate::context_reads as reads;
use crate::{Db, StoreError, person, project};
use chief_brain::context_assembly::{ContextInputs, targets, task_text};
use chief_brain::context_items::TaskBrief;
use chief_domain::TenantId;
use chief_domain::person::Person;
use chief_domain::task::Task;
use uuid::Uuid;

/// Bounds of each read: enough to choose from, never the whole workspace.
const PROJECT_TASKS: i64 = 20;
const PEOPLE_TASKS: i64 = 20;
const RECENT_TASKS: i64 = 300;
const HISTORY: i64 = 50;
const ROUTED_KNOWLEDGE: i64 = 30;
const RECENT_KNOWLEDGE: i64 = 200;
const PEOPLE: usize = 20;

/// Reads what `task`'s context is assembled from.
pub async fn gather(db: &Db, tenant: TenantId, task: &Task) -> Result<ContextInputs, StoreError> {
    let linked_people = reads::linked_people(db, tenant, task.id).await?;
    let mentioned_people = person::mentioned_in(db, tenant, &task_text(task), PEOPLE).await?;
    let linked_ids: Vec<Uuid> = linked_people.iter().map(|(p, _)| p.id).collect();
    let everyone: Vec<&Person> = linked_people
        .iter()
        .map(|(p, _)| p)
        .chain(
            mentioned_people
                .iter()
                .filter(|m| !linked_ids.contains(&m.id)),
        )
        .collect();
    let targets = targets(task, &everyone);
    let project = match task.project_id {
        Some(pid) => {
            let found = project::get(db, tenant, pid).await?;
            let siblings = reads::project_tasks(db, tenant, pid, task.id, PROJECT_TASKS).await?;
            Some((found, siblings.iter().map(TaskBrief::from).collect()))
        }
        None => None,
    };
    let people_tasks = reads::tasks_of_people(db, tenant, &linked_ids, task.id, PEOPLE_TASKS)
        .await?
        .into_iter()
        .map(|(t, shared)| (TaskBrief::from(&t), shared))
        .collect();
    Ok(ContextInputs {
        project,
        people_tasks,
        recent_tasks: reads::recent_briefs(db, tenant, RECENT_TASKS).await?,
        history: reads::task_history(db, tenant, task.id, HISTORY).await?,
        routed_knowledge: reads::knowledge_routed_to(db, tenant, &targets, ROUTED_KNOWLEDGE)
            .await?,
        recent_knowledge: reads::recent_knowledge(db, tenant, RECENT_KNOWLEDGE).await?,
        linked_people,
        mentioned_people,
    })
}
