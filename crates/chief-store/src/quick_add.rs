//! What the quick-add parser needs from the store, shared by `chief add`,
//! `chief parse` and `POST /api/tasks/parse`: the user's date order setting
//! and the people a phrase names, resolved against the workspace's people.
//!
//! A name resolves when exactly one person has it (ignoring case), or,
//! failing that, when exactly one person's first name is it ("Patrick" is
//! Patrick Fields when there is only one Patrick). Names typed in lower
//! case, which the parser does not offer, are found as whole-word mentions
//! of known people.
//!
//! [`add`] saves what a line describes, for `chief add` and the dashboard's
//! quick-add box alike.

use crate::{Db, StoreError, Tx, person, project, recurring, setting, task, task_people};
use chief_brain::local_day::{end_of_day, start_of_day};
use chief_brain::quick_add::{DateOrder, Due, QuickAdd};
use chief_domain::Priority;
use chief_domain::TenantId;
use chief_domain::person::TaskPersonRole;
use chief_domain::recurring::{NewRecurringTask, RecurringTask};
use chief_domain::task::{Assignee, NewTask, Task};
use chrono::Utc;
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

/// The setting that says how "3/12" is read: `"dmy"` or `"mdy"`.
pub const DATE_ORDER_KEY: &str = "date_order";

/// A name from the phrase and the person it is, if any.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ResolvedPerson {
    pub name: String,
    pub person_id: Option<Uuid>,
    /// What to do when no one has the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// The user's date order: their `date_order` setting, else the
/// workspace's, else month first.
pub async fn date_order(db: &Db, tenant: TenantId, user: Uuid) -> Result<DateOrder, StoreError> {
    Ok(setting::get(db, tenant, Some(user), DATE_ORDER_KEY)
        .await?
        .and_then(|s| s.value.as_str().and_then(DateOrder::parse))
        .unwrap_or_default())
}

/// Resolves the parser's candidate `names`, then adds the tenant's people
/// that `text` mentions by full name and no candidate resolved to.
pub async fn resolve_people(
    db: &Db,
    tenant: TenantId,
    names: &[String],
    text: &str,
) -> Result<Vec<ResolvedPerson>, StoreError> {
    let mut out: Vec<ResolvedPerson> = Vec::new();
    for name in names {
        let found = person::find_by_name(db, tenant, name).await?;
        let exact: Vec<_> = found
            .iter()
            .filter(|p| p.name.eq_ignore_ascii_case(name))
            .collect();
        let first_name: Vec<_> = found
            .iter()
            .filter(|p| {
                p.name
                    .split_whitespace()
                    .next()
                    .is_some_and(|f| f.eq_ignore_ascii_case(name))
            })
            .collect();
        let person_id = match (exact.as_slice(), first_name.as_slice()) {
            ([one], _) => Some(one.id),
            ([], [one]) => Some(one.id),
            _ => None,
        };
        let suggestion = match (person_id, exact.len().max(first_name.len())) {
            (Some(_), _) => None,
            (None, 0) => Some(format!(
                "no person named {name}: `chief people add \"{name}\"`"
            )),
            (None, n) => Some(format!(
                "{n} people are called {name}: link the right one by hand"
            )),
        };
        out.push(ResolvedPerson {
            name: name.clone(),
            person_id,
            suggestion,
        });
    }
    for p in person::mentioned_in(db, tenant, text, usize::MAX).await? {
        if !out.iter().any(|r| r.person_id == Some(p.id)) {
            out.push(ResolvedPerson {
                name: p.name,
                person_id: Some(p.id),
                suggestion: None,
            });
        }
    }
    Ok(out)
}

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

/// Adds the task `q` (parsed from a line in `tz`) describes for `user_id`:
/// its project found or created, a recurring task when the line repeats,
/// and links to the `people` it names who exist. A date that does not exist
/// and a line with no title left are refused.
#[allow(clippy::too_many_arguments)]
pub async fn add(
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
