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
//! This is the one quick-add pipeline: [`read`] takes a line through the
//! user's date order, the parser and the people it names, for every edge
//! (`chief add`, `chief parse`, the dashboard's box and its preview,
//! `POST /api/tasks/parse` and a trigger's `task` action). [`add`] (in
//! `save`) then saves what the line describes, in one audited transaction.

mod save;

pub use save::{AddLine, Added, LineAdded, add, task_of};

use chief_brain::quick_add::{DateOrder, ParseOptions, QuickAdd, parse};
use chief_domain::TenantId;
use chief_store::{Db, StoreError, person, setting};
use chrono::DateTime;
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

/// A line as one user means it: what the parser read and the people it
/// names, each resolved against the workspace when one matches.
pub struct Reading {
    pub phrase: QuickAdd,
    pub people: Vec<ResolvedPerson>,
}

/// Parses `text` as `user_id` means it at `now` (in their zone): by their
/// date order, without resolving anyone.
pub async fn phrase(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    text: &str,
    now: DateTime<Tz>,
) -> Result<QuickAdd, StoreError> {
    let order = date_order(db, tenant, user_id).await?;
    Ok(parse(text, now, &ParseOptions { date_order: order }))
}

/// Reads `text` as `user_id` means it at `now`: [`phrase`], then the people
/// it names resolved with [`resolve_people`].
pub async fn read(
    db: &Db,
    tenant: TenantId,
    user_id: Uuid,
    text: &str,
    now: DateTime<Tz>,
) -> Result<Reading, StoreError> {
    let phrase = phrase(db, tenant, user_id, text, now).await?;
    let people = resolve_people(db, tenant, &phrase.people, &phrase.title).await?;
    Ok(Reading { phrase, people })
}
