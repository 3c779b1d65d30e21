//! Small builders so a test sets up only the data it is about: a workspace
//! and its owner, scopes, a fixed clock, new tasks, people, projects,
//! drafts, playbooks and clients, and a few assertions on store errors.

use chief_domain::log::Actor;
use chief_domain::person::{NewPerson, Person};
use chief_domain::project::{NewProject, Project};
use chief_domain::question::NewQuestion;
use chief_domain::task::{NewTask, Task};
use chief_domain::tenant::Role;
use chief_domain::{Priority, TenantId, TransitionError};
use chief_store::tenancy::{self, NewUser};
use chief_store::{Db, Scope, StoreError, Tx};
use chrono::{DateTime, TimeZone, Utc};
use std::fmt::Debug;
use uuid::Uuid;

/// Creates a workspace whose slug is `slug`; returns the tenant and its owner.
pub async fn workspace(db: &Db, slug: &str) -> (TenantId, Uuid) {
    let owner = NewUser {
        email: format!("owner@{slug}.example"),
        name: Some(format!("Owner of {slug}")),
        role: Role::Owner,
        timezone: "UTC".into(),
    };
    let ws = tenancy::create_workspace(db, &format!("Workspace {slug}"), slug, owner)
        .await
        .expect("a new workspace with a fresh slug is created");
    (ws.tenant.id, ws.owner.id)
}

/// A user writing in their tenant, on the system clock.
pub fn scope(tenant: TenantId, user: Uuid) -> Scope {
    Scope::user(tenant, user)
}

/// A user writing in their tenant with the clock stopped at `now`.
pub fn scope_at(tenant: TenantId, user: Uuid, now: DateTime<Utc>) -> Scope {
    Scope {
        tenant,
        actor: Actor::user(user),
        trace_id: None,
        now: Some(now),
    }
}

/// A fixed instant for tests that need a clock: Monday 2 June 2025, noon UTC.
pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 12, 0, 0)
        .single()
        .expect("a valid date")
}

/// A priority from 1 (highest) to 5.
pub fn p(n: i64) -> Priority {
    Priority::try_from(n).expect("test priorities are 1 to 5")
}

/// A new task with only a title; set other fields with `..task("…")`.
pub fn task(title: &str) -> NewTask {
    NewTask {
        title: title.into(),
        ..NewTask::default()
    }
}

/// A new task the person (not the agent) does.
pub fn my_task(title: &str) -> NewTask {
    NewTask {
        assignee: Some(chief_domain::task::Assignee::User),
        ..task(title)
    }
}

/// A question with only its text.
pub fn question(text: &str) -> NewQuestion {
    NewQuestion {
        text: text.into(),
        ..NewQuestion::default()
    }
}

/// A person with only a name.
pub fn person(name: &str) -> NewPerson {
    NewPerson {
        name: name.into(),
        ..NewPerson::default()
    }
}

/// Runs `f` in a write transaction and commits it if `f` succeeds; on an
/// error the transaction is dropped, so nothing it wrote is kept.
pub async fn in_tx<T>(
    db: &Db,
    scope: &Scope,
    f: impl AsyncFnOnce(&mut Tx) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut tx = db.write(scope).await?;
    let value = f(&mut tx).await?;
    tx.commit().await?;
    Ok(value)
}

/// Creates a task for the scope's user and commits it.
pub async fn add_task(db: &Db, scope: &Scope, new: NewTask) -> Result<Task, StoreError> {
    let user = scope.actor.user_id.expect("tasks are added by a user");
    in_tx(db, scope, async |tx| {
        chief_store::task::create(tx, user, new).await
    })
    .await
}

/// Creates a project for the scope's user and commits it.
pub async fn add_project(db: &Db, scope: &Scope, new: NewProject) -> Result<Project, StoreError> {
    let user = scope.actor.user_id.expect("projects are added by a user");
    in_tx(db, scope, async |tx| {
        chief_store::project::create(tx, user, new).await
    })
    .await
}

/// Adds a person for the scope's user and commits it.
pub async fn add_person(db: &Db, scope: &Scope, new: NewPerson) -> Result<Person, StoreError> {
    let user = scope.actor.user_id.expect("people are added by a user");
    in_tx(db, scope, async |tx| {
        chief_store::person::create(tx, user, new).await
    })
    .await
}

/// Counts a tenant's rows in `table` (`logs`, `events`, …).
pub async fn count_rows(db: &Db, table: &str, tenant: TenantId) -> i64 {
    chief_store::testing::count_rows(db, table, tenant)
        .await
        .expect("a count query runs")
}

/// Asserts that a store call answered `NotFound`.
#[track_caller]
pub fn assert_not_found<T: Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::NotFound { .. }) => {}
        other => panic!("expected StoreError::NotFound, got {other:?}"),
    }
}

/// The transition error a store call answered; panics on anything else.
#[track_caller]
pub fn transition_error<T: Debug>(result: Result<T, StoreError>) -> TransitionError {
    match result {
        Err(StoreError::Domain(chief_domain::DomainError::Transition(e))) => e,
        other => panic!("expected a transition error, got {other:?}"),
    }
}

/// A new email draft with only a body.
pub fn draft(body: &str) -> chief_domain::draft::NewDraft {
    chief_domain::draft::NewDraft::new(chief_domain::draft::DraftType::Email, body)
}

/// A new playbook with a name and some content.
pub fn playbook(name: &str) -> chief_domain::playbook::NewPlaybook {
    chief_domain::playbook::NewPlaybook {
        name: name.into(),
        description: format!("How to {name}"),
        content: format!("1. {name}\n2. Check the result."),
        ..Default::default()
    }
}

/// A new client with only a name.
pub fn client(name: &str) -> chief_domain::client::NewClient {
    chief_domain::client::NewClient {
        name: name.into(),
        ..Default::default()
    }
}

/// Adds a pending draft for the scope's user and commits it.
pub async fn add_draft(
    db: &Db,
    scope: &Scope,
    new: chief_domain::draft::NewDraft,
) -> Result<chief_domain::draft::Draft, StoreError> {
    let user = scope.actor.user_id.expect("drafts are added by a user");
    in_tx(db, scope, async |tx| {
        chief_store::draft::create(tx, user, new).await
    })
    .await
}

/// Adds an active playbook for the scope's user and commits it.
pub async fn add_playbook(
    db: &Db,
    scope: &Scope,
    new: chief_domain::playbook::NewPlaybook,
) -> Result<chief_domain::playbook::Playbook, StoreError> {
    let user = scope.actor.user_id.expect("playbooks are added by a user");
    in_tx(db, scope, async |tx| {
        chief_store::playbook::create(tx, user, new).await
    })
    .await
}

/// Adds a client for the scope's user and commits it.
pub async fn add_client(
    db: &Db,
    scope: &Scope,
    new: chief_domain::client::NewClient,
) -> Result<chief_domain::client::Client, StoreError> {
    let user = scope.actor.user_id.expect("clients are added by a user");
    in_tx(db, scope, async |tx| {
        chief_store::client::create(tx, user, new).await
    })
    .await
}
