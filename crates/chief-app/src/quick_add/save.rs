//! Saving what a quick-add line describes: the task, its project, the
//! recurring task that takes over when the line repeats, and its people.

use super::{Reading, ResolvedPerson, read};
use chief_brain::local_day::{end_of_day, start_of_day};
use chief_brain::quick_add::{Due, QuickAdd};
use chief_domain::Priority;
use chief_domain::person::TaskPersonRole;
use chief_domain::recurring::{NewRecurringTask, RecurringTask};
use chief_domain::task::{Assignee, NewTask, Task};
use chief_store::{Db, Scope, StoreError, Tx, project, recurring, task, task_people};
use chrono::Utc;
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// The task a parsed phrase describes, for `user_id`: its project found or
/// created in `tx`, its due date at the end of the day in `tz` (or at the
/// time given), and `assignee` unless the phrase names one (the user by
/// default). Recurrence is the caller's to handle.
pub async fn task_of(
    tx: &mut Tx,
    user_id: Uuid,
    q: &QuickAdd,
    tz: Tz,
    description: Option<String>,
    assignee: Option<Assignee>,
    source: &str,
) -> Result<NewTask, StoreError> {
    let project_id = match &q.project {
        Some(name) => Some(project::find_or_create(tx, user_id, name).await?.id),
        None => None,
    };
    let (due_date, due_has_time) = match q.due {
        Some(Due::Date(d)) => (Some(end_of_day(d, tz)), false),
        Some(Due::At(t)) => (Some(t.with_timezone(&Utc)), true),
        None => (None, false),
    };
    Ok(NewTask {
        title: q.title.clone(),
        description,
        priority: q
            .priority
            .map(|p| Priority::try_from(i64::from(p)))
            .transpose()?,
        assignee: Some(assignee.or(q.assignee).unwrap_or(Assignee::User)),
        project_id,
        due_date,
        due_has_time,
        tags: q.tags.clone(),
        contexts: q.contexts.clone(),
        attributes: q
            .other_projects
            .iter()
            .map(|p| ("project".to_string(), p.clone()))
            .chain(q.attributes.iter().cloned())
            .collect(),
        source: Some(source.into()),
        ..Default::default()
    })
}

/// What adding a typed line made.
pub struct Added {
    pub task: Task,
    /// The recurring task that takes over after this one, when the line
    /// repeats.
    pub repeats: Option<RecurringTask>,
    /// What the user should know: the parser's warnings, repeats that could
    /// not be stored, people who could not be linked.
    pub notes: Vec<String>,
}

/// A typed line to add as a task: the request of [`add`].
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddLine {
    /// The quick-add line, as `chief add` and the dashboard's box take it.
    pub text: String,
    /// The task's description; the line itself gives none.
    #[serde(default)]
    pub description: Option<String>,
    /// Who does it, unless the line names someone (`@agent`); the user by
    /// default.
    #[serde(default)]
    pub assignee: Option<Assignee>,
}

/// What [`add`] made, and the reading it made it from.
pub struct LineAdded {
    pub added: Added,
    pub reading: Reading,
}

/// Adds the task `line` describes, read as the scope's user means it at
/// the scope's clock in `tz`: the one quick-add operation of `chief add` and
/// the dashboard's box. `source` names the edge (`cli`, `web`). Either all
/// of it is written, audited, or nothing.
pub async fn add(
    db: &Db,
    scope: &Scope,
    tz: Tz,
    line: AddLine,
    source: &str,
) -> Result<LineAdded, StoreError> {
    let user_id = scope
        .actor
        .user_id
        .ok_or_else(|| StoreError::invalid("user", "adding a task needs a user"))?;
    let now = scope.now.unwrap_or_else(Utc::now).with_timezone(&tz);
    let reading = read(db, scope.tenant, user_id, &line.text, now).await?;
    let mut tx = db.write(scope).await?;
    let added = save(
        &mut tx,
        user_id,
        &reading.phrase,
        &reading.people,
        tz,
        line.description,
        line.assignee,
        source,
    )
    .await?;
    tx.commit().await?;
    Ok(LineAdded { added, reading })
}

/// Saves the task `q` (parsed from a line in `tz`) describes for `user_id`:
/// its project found or created, a recurring task when the line repeats,
/// and links to the `people` it names who exist. A date that does not exist
/// and a line with no title left are refused.
#[allow(clippy::too_many_arguments)]
async fn save(
    tx: &mut Tx,
    user_id: Uuid,
    q: &QuickAdd,
    people: &[ResolvedPerson],
    tz: Tz,
    description: Option<String>,
    assignee: Option<Assignee>,
    source: &str,
) -> Result<Added, StoreError> {
    if let Some(bad) = q.bad_dates.first() {
        return Err(StoreError::invalid(
            "text",
            bad.replace(": left in the title", ": give a date that exists"),
        ));
    }
    if q.title.is_empty() {
        return Err(StoreError::invalid(
            "text",
            "the task has no title once its dates and tokens are taken out",
        ));
    }
    let new = task_of(tx, user_id, q, tz, description.clone(), assignee, source).await?;
    let (due_date, due_has_time) = (new.due_date, new.due_has_time);
    let new = NewTask {
        due_date: None,
        ..new
    };
    let mut notes: Vec<String> = q.warnings.clone();
    let repeats = match (&q.recurrence, due_date) {
        (Some(rule), Some(first)) => {
            let time = match q.due {
                Some(Due::At(t)) => Some(t.with_timezone(&tz).time()),
                _ => None,
            };
            let first_day = q.due.map(|d| d.date()).unwrap_or_default();
            match rule.schedule(first_day, time) {
                Ok(schedule) => {
                    // The first task is created now; the template takes
                    // over from the occurrence after it.
                    let first_run = if due_has_time {
                        first
                    } else {
                        start_of_day(first_day, tz)
                    };
                    let next_run = recurring::next_run_after(
                        schedule.frequency,
                        schedule.cron_expression.as_deref(),
                        tz,
                        first_run,
                        first_run,
                    )?;
                    let mut template =
                        serde_json::to_value(&new).expect("a new task serialises to JSON");
                    if let Some(map) = template.as_object_mut() {
                        map.retain(|_, v| !v.is_null());
                    }
                    let created = recurring::create(
                        tx,
                        user_id,
                        NewRecurringTask {
                            title: q.title.clone(),
                            description,
                            task_template: template,
                            frequency: schedule.frequency,
                            cron_expression: schedule.cron_expression,
                            next_run,
                        },
                    )
                    .await?;
                    Some(created)
                }
                Err(why) => {
                    notes.push(format!("{why}: the task was added once"));
                    None
                }
            }
        }
        _ => None,
    };
    let created = task::create(tx, user_id, NewTask { due_date, ..new }).await?;
    for p in people {
        if let Some(id) = p.person_id {
            task_people::link(tx, created.id, id, Some(TaskPersonRole::Subject)).await?;
        }
    }
    notes.extend(people.iter().filter_map(|p| p.suggestion.clone()));
    Ok(Added {
        task: created,
        repeats,
        notes,
    })
}
