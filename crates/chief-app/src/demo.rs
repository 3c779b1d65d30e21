//! The demo workspace (`chief serve --demo`), one operation that makes the
//! dashboard come alive, written through the same store services as the
//! other operations: projects
//! under a goal, people with relationship context, tasks in every state, a
//! blocking question, drafts, playbooks (one a must-consult email guide,
//! one proposed), waiting items (some overdue), this week's calendar,
//! clients, learnings (some routed to people, some waiting for review), a
//! sales pipeline with deals in several stages, the built-in jobs and a
//! trigger, and two briefings (one delivered).
//!
//! It is idempotent: the workspace is seeded once, and a later run only
//! prints how to log in.

use crate::knowledge_routing::{self, Capture};
use chief_brain::briefing::BriefingKind;
use chief_domain::calendar::NewCalendarEvent;
use chief_domain::client::{ClientStatus, NewClient};
use chief_domain::delivery::Notice;
use chief_domain::draft::{DraftType, NewDraft};
use chief_domain::knowledge::KnowledgeCategory;
use chief_domain::log::Actor;
use chief_domain::person::{NewPerson, Person, TaskPersonRole};
use chief_domain::playbook::NewPlaybook;
use chief_domain::project::{NewProject, ProjectType};
use chief_domain::question::NewQuestion;
use chief_domain::sales::{NewSalesOpportunity, SalesStage};
use chief_domain::task::{Assignee, NewTask, TaskOp};
use chief_domain::tenant::Role;
use chief_domain::waiting::NewWaitingItem;
use chief_domain::{Priority, tenant::User};
use chief_store::tenancy::{self, NewUser};
use chief_store::trigger::NewTrigger;
use chief_store::{
    Db, Scope, StoreError, Tx, briefing, calendar, client, delivery, draft, job, password, person,
    playbook, project, question, sales, task, task_people, trigger, waiting,
};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// The demo workspace's slug.
pub const SLUG: &str = "demo";
/// The demo user's email.
pub const EMAIL: &str = "demo@chief.local";
/// The demo user's password; it is a demo, and the README says so.
pub const PASSWORD: &str = "chief-demo";

type Result<T> = std::result::Result<T, StoreError>;

/// Seeds the demo workspace unless it exists, dated around `now`; returns
/// its user.
pub async fn ensure(db: &Db, now: DateTime<Utc>) -> Result<User> {
    if let Some(t) = tenancy::list_tenants(db)
        .await?
        .into_iter()
        .find(|t| t.slug == SLUG)
    {
        let user = tenancy::list_users(db, t.id)
            .await?
            .into_iter()
            .find(|u| u.email == EMAIL)
            .ok_or_else(|| {
                StoreError::Conflict(format!("the workspace {SLUG:?} exists but has no {EMAIL}"))
            })?;
        return Ok(user);
    }
    let ws = tenancy::create_workspace(
        db,
        "Demo",
        SLUG,
        NewUser {
            email: EMAIL.into(),
            name: Some("Dana Demo".into()),
            role: Role::Owner,
            timezone: "UTC".into(),
        },
    )
    .await?;
    let user = ws.owner;
    let mut tx = db.write(&Scope::user(user.tenant_id, user.id)).await?;
    password::set_password(&mut tx, user.id, PASSWORD).await?;
    seed(&mut tx, user.id, now).await?;
    tx.commit().await?;
    briefings(db, &user, now).await?;
    Ok(user)
}

fn task(
    now: DateTime<Utc>,
    title: &str,
    priority: i64,
    project_id: Option<Uuid>,
    due_in_hours: Option<i64>,
) -> NewTask {
    NewTask {
        title: title.into(),
        priority: Some(Priority::try_from(priority).expect("1..=5")),
        // The person's own work; the agent's tasks say so.
        assignee: Some(Assignee::User),
        project_id,
        due_date: due_in_hours.map(|h| now + Duration::hours(h)),
        due_has_time: due_in_hours.is_some(),
        source: Some("demo".into()),
        ..Default::default()
    }
}

async fn seed(tx: &mut Tx, me: Uuid, now: DateTime<Utc>) -> Result<()> {
    let goal = project::create(
        tx,
        me,
        NewProject {
            name: "Grow recurring revenue 20%".into(),
            project_type: Some(ProjectType::Goal),
            success_criteria: Some("ARR up 20% by year end".into()),
            ..Default::default()
        },
    )
    .await?;
    let liberty = project::create(
        tx,
        me,
        NewProject {
            name: "Liberty renewal".into(),
            parent_id: Some(goal.id),
            ..Default::default()
        },
    )
    .await?;
    let site = project::create(
        tx,
        me,
        NewProject {
            name: "Website relaunch".into(),
            parent_id: Some(goal.id),
            ..Default::default()
        },
    )
    .await?;

    let liberty_client = client::create(
        tx,
        me,
        NewClient {
            name: "Liberty Mutual Aid".into(),
            status: Some(ClientStatus::Active),
            notes: Some("Renews every January; three-year customer".into()),
        },
    )
    .await?;
    let patrick = person::create(
        tx,
        me,
        NewPerson {
            name: "Patrick Fields".into(),
            client_id: Some(liberty_client.id),
            email: Some("patrick@liberty.example".into()),
            title: Some("VP Operations".into()),
            company: Some("Liberty Mutual Aid".into()),
            relationship: Some("client".into()),
            relationship_to_user: Some("Main contact for the renewal; decides on budget".into()),
            political_context: Some("Reports to a new CFO who wants vendor costs down".into()),
            communication_notes: Some("Prefers short emails; no calls before 10am".into()),
            ..Default::default()
        },
    )
    .await?;
    person::create(
        tx,
        me,
        NewPerson {
            name: "Sarah Lee".into(),
            email: Some("sarah@ourco.example".into()),
            title: Some("Designer".into()),
            relationship: Some("colleague".into()),
            relationship_to_user: Some("Leads the website redesign".into()),
            communication_notes: Some("Likes written feedback with screenshots".into()),
            ..Default::default()
        },
    )
    .await?;

    let prepare = task::create(
        tx,
        me,
        task(
            now,
            "Prepare for the Liberty meeting",
            1,
            Some(liberty.id),
            Some(5),
        ),
    )
    .await?;
    task::create(
        tx,
        me,
        task(now, "Review the website copy", 2, Some(site.id), Some(30)),
    )
    .await?;
    task::create(
        tx,
        me,
        task(now, "Send the board update", 2, None, Some(-26)),
    )
    .await?;
    task::create(
        tx,
        me,
        task(now, "Book flights for the offsite", 4, None, None),
    )
    .await?;
    let working = task::create(
        tx,
        me,
        NewTask {
            assignee: Some(Assignee::Agent),
            ..task(
                now,
                "Summarise last quarter's support tickets",
                3,
                None,
                Some(48),
            )
        },
    )
    .await?;
    task::transition(tx, working.id, TaskOp::Start, None).await?;
    let blocked = task::create(
        tx,
        me,
        NewTask {
            assignee: Some(Assignee::Agent),
            ..task(
                now,
                "Draft the Liberty renewal proposal",
                1,
                Some(liberty.id),
                Some(72),
            )
        },
    )
    .await?;
    task::block(
        tx,
        blocked.id,
        NewQuestion {
            text: "Which price tier should the Liberty proposal offer?".into(),
            why_asking: Some("The CFO wants costs down; Gold keeps the margin".into()),
            what_agent_will_do: Some("Draft with Gold and a Silver fallback".into()),
            priority: Some(Priority::try_from(1).expect("1 is a priority")),
            ..Default::default()
        },
    )
    .await?;
    let done = task::create(
        tx,
        me,
        task(now, "Send the kickoff notes", 3, Some(site.id), None),
    )
    .await?;
    task::transition(
        tx,
        done.id,
        TaskOp::Complete,
        Some("Sent to the team".into()),
    )
    .await?;
    let dropped = task::create(tx, me, task(now, "Evaluate the old CRM", 5, None, None)).await?;
    task::transition(tx, dropped.id, TaskOp::Cancel, None).await?;
    question::create(
        tx,
        me,
        NewQuestion {
            text: "Should the offsite be in Lisbon or Porto?".into(),
            why_asking: Some("Flights are cheaper to Lisbon this month".into()),
            ..Default::default()
        },
        &[],
    )
    .await?;

    for (subject, body) in [
        (
            "Re: Liberty renewal",
            "Hi Patrick,\n\nThanks for the call. The proposal follows on Friday.\n\nBest,\nDana",
        ),
        (
            "Liberty: agenda for Thursday",
            "Hi Patrick,\n\nAgenda: pricing, timeline, next steps.\n\nDana",
        ),
    ] {
        draft::create(
            tx,
            me,
            NewDraft {
                task_id: None,
                draft_type: DraftType::Email,
                recipient: Some("Patrick Fields".into()),
                subject: Some(subject.into()),
                body: body.into(),
                relationship_context: None,
            },
        )
        .await?;
    }
    draft::create(
        tx,
        me,
        NewDraft {
            task_id: None,
            draft_type: DraftType::Slack,
            recipient: Some("Sarah Lee".into()),
            subject: None,
            body: "The new hero section looks great; can we try a shorter headline?".into(),
            relationship_context: None,
        },
    )
    .await?;

    playbook::create(
        tx,
        me,
        NewPlaybook {
            name: "Email guide".into(),
            description: "How every email to a client is written".into(),
            category: Some("communication".into()),
            triggers: vec!["email".into(), "reply".into()],
            must_consult: true,
            content: "Short paragraphs. One ask per email. Sign as Dana.".into(),
            ..Default::default()
        },
    )
    .await?;
    playbook::propose(
        tx,
        me,
        NewPlaybook {
            name: "Renewal prep".into(),
            description: "What to gather before a renewal meeting".into(),
            triggers: vec!["renewal".into()],
            content: "Usage numbers, open tickets, the contract end date.".into(),
            ..Default::default()
        },
        Some("learned from the Liberty renewal"),
        None,
    )
    .await?;

    waiting::create(
        tx,
        me,
        NewWaitingItem {
            what: "Signed contract".into(),
            who: Some("Legal".into()),
            follow_up_date: Some(now - Duration::days(2)),
            why_it_matters: Some("The renewal cannot start without it".into()),
            ..Default::default()
        },
    )
    .await?;
    waiting::create(
        tx,
        me,
        NewWaitingItem {
            what: "Usage numbers for Q3".into(),
            who: Some("Patrick Fields".into()),
            person_id: Some(patrick.id),
            follow_up_date: Some(now + Duration::days(3)),
            ..Default::default()
        },
    )
    .await?;

    learnings(tx, now, me, &patrick, liberty.id, prepare.id).await?;

    for (title, hours) in [
        ("Liberty renewal call", 26),
        ("Website review", 50),
        ("Team standup", 3),
    ] {
        calendar::create(
            tx,
            me,
            NewCalendarEvent {
                title: title.into(),
                starts_at: now + Duration::hours(hours),
                ends_at: Some(now + Duration::hours(hours + 1)),
                ..Default::default()
            },
        )
        .await?;
    }

    let liberty = &liberty_client;
    for (name, stage, euros, next) in [
        (
            "Liberty renewal",
            SalesStage::Negotiation,
            48_000,
            Some("Send the final quote"),
        ),
        (
            "Liberty claims add-on",
            SalesStage::Proposal,
            12_500,
            Some("Walk Patrick through the proposal"),
        ),
        (
            "Northwind pilot",
            SalesStage::Qualified,
            8_000,
            Some("Book a discovery call"),
        ),
        ("Contoso website", SalesStage::Lead, 5_000, None),
        ("Fabrikam retainer", SalesStage::ClosedWon, 30_000, None),
    ] {
        sales::create(
            tx,
            me,
            NewSalesOpportunity {
                name: name.into(),
                client_id: name.starts_with("Liberty").then_some(liberty.id),
                stage: Some(stage),
                value_cents: Some(euros * 100),
                next_action: next.map(Into::into),
                next_action_date: next.map(|_| (now + Duration::days(2)).date_naive()),
                ..Default::default()
            },
        )
        .await?;
    }

    // The built-in jobs now, so Settings shows briefing times before the
    // scheduler first runs (and with --no-scheduler).
    job::ensure_builtin(tx, me, "UTC").await?;
    trigger::create(
        tx,
        me,
        NewTrigger {
            name: "friday-wins".into(),
            template: Some("friday-wins".into()),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// A morning briefing delivered as the scheduler would (composed, kept and
/// sent in one transaction), and an evening summary composed on request.
async fn briefings(db: &Db, user: &User, now: DateTime<Utc>) -> Result<()> {
    let composed =
        crate::briefing::compose(db, user.tenant_id, user.id, BriefingKind::Morning, now).await?;
    let notice = Notice {
        title: composed.briefing.title.clone(),
        text: composed.text.clone(),
        markdown: composed.markdown.clone(),
        data: serde_json::to_value(&composed.briefing)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
    };
    let system = Scope {
        tenant: user.tenant_id,
        actor: Actor::system(),
        trace_id: Some(chief_store::new_trace_id()),
        now: None,
    };
    let mut tx = db.write(&system).await?;
    briefing::store(&mut tx, user.id, BriefingKind::Morning, composed).await?;
    delivery::enqueue(&mut tx, user.id, "briefing.morning", None, &notice).await?;
    tx.commit().await?;
    let scope = Scope::user(user.tenant_id, user.id);
    crate::briefing::compose_and_store(db, &scope, user.id, BriefingKind::Evening, now).await?;
    Ok(())
}

/// A sub-project, Patrick on his tasks, and learnings: two routed to him,
/// two held for review (nobody named, or nothing to tell where they go).
async fn learnings(
    tx: &mut Tx,
    now: DateTime<Utc>,
    me: Uuid,
    patrick: &Person,
    liberty: Uuid,
    prepare: Uuid,
) -> Result<()> {
    let pricing = project::create(
        tx,
        me,
        NewProject {
            name: "Pricing review".into(),
            parent_id: Some(liberty),
            ..Default::default()
        },
    )
    .await?;
    let compare = task::create(
        tx,
        me,
        task(
            now,
            "Compare Gold and Silver margins",
            2,
            Some(pricing.id),
            Some(96),
        ),
    )
    .await?;
    task_people::link(tx, prepare, patrick.id, Some(TaskPersonRole::Subject)).await?;
    task_people::link(
        tx,
        compare.id,
        patrick.id,
        Some(TaskPersonRole::Stakeholder),
    )
    .await?;
    for (content, category) in [
        ("Patrick wants usage numbers before any pricing talk", None),
        ("Patrick's assistant Jenna books his meetings", None),
        (
            "Bob from finance prefers a call to an email",
            Some(KnowledgeCategory::Person),
        ),
        (
            "Invoices go out on the first working day of the month",
            None,
        ),
    ] {
        knowledge_routing::capture(
            tx,
            me,
            Capture {
                content: content.into(),
                category,
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}
