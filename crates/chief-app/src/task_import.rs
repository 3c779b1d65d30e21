//! Importing many tasks at once (`chief import todotxt`): all or nothing,
//! in one transaction, each task's project found or created by name.

use crate::write::in_tx;
use chief_domain::task::NewTask;
use chief_store::{Db, Scope, StoreError, project, task};
use std::collections::HashMap;

/// A task read from a file, with the line it came from and its project
/// named (found or created on import).
pub struct ImportedTask {
    pub line: usize,
    pub new: NewTask,
    pub project: Option<String>,
}

/// What an import wrote.
pub struct Imported {
    pub tasks: usize,
    /// The distinct projects the tasks were put in, found or created.
    pub projects: usize,
}

/// Creates every task in one transaction; `progress` is told the count
/// written every 1,000 tasks. A task that cannot be created fails the
/// whole import with its line (`line N: why`).
pub async fn import(
    db: &Db,
    scope: &Scope,
    tasks: Vec<ImportedTask>,
    mut progress: impl FnMut(usize),
) -> Result<Imported, StoreError> {
    in_tx(db, scope, async |tx, user| {
        let mut projects: HashMap<String, uuid::Uuid> = HashMap::new();
        let mut count = 0usize;
        for ImportedTask {
            line,
            mut new,
            project,
        } in tasks
        {
            if let Some(name) = project {
                let key = name.to_lowercase();
                let id = match projects.get(&key) {
                    Some(id) => *id,
                    None => {
                        let id = project::find_or_create(tx, user, &name).await?.id;
                        projects.insert(key, id);
                        id
                    }
                };
                new.project_id = Some(id);
            }
            task::create(tx, user, new)
                .await
                .map_err(|e| StoreError::invalid("line", format!("{line}: {e}")))?;
            count += 1;
            if count.is_multiple_of(1000) {
                progress(count);
            }
        }
        Ok(Imported {
            tasks: count,
            projects: projects.len(),
        })
    })
    .await
}
