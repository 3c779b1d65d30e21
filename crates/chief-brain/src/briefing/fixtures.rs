//! Small builders for the briefing tests: domain values with sensible
//! defaults, changed through struct update syntax where a test cares.

use chief_domain::calendar::{CalendarEvent, CalendarSource};
use chief_domain::draft::{Draft, DraftStatus, DraftType};
use chief_domain::project::{Project, ProjectStatus, ProjectType};
use chief_domain::question::{Question, QuestionStatus};
use chief_domain::task::{Assignee, Task, TaskStatus};
use chief_domain::waiting::{WaitingItem, WaitingStatus};
use chief_domain::{Priority, TenantId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test times are RFC 3339")
        .with_timezone(&Utc)
}

pub fn tenant() -> TenantId {
    TenantId(Uuid::nil())
}

/// An open task of the user, created a day before `at`.
pub fn task(title: &str, at: &str) -> Task {
    let t = utc(at);
    Task {
        id: Uuid::now_v7(),
        tenant_id: tenant(),
        user_id: Uuid::nil(),
        project_id: None,
        title: title.into(),
        description: None,
        priority: Priority::DEFAULT,
        status: TaskStatus::Queued,
        assignee: Assignee::User,
        due_date: None,
        due_has_time: false,
        started_at: None,
        completed_at: None,
        blocking_question_id: None,
        context: serde_json::json!({}),
        output: None,
        source: None,
        tags: vec![],
        contexts: vec![],
        attributes: vec![],
        created_at: t - chrono::Duration::days(1),
        updated_at: t - chrono::Duration::days(1),
        deleted_at: None,
    }
}

pub fn due(mut t: Task, at: &str) -> Task {
    t.due_date = Some(utc(at));
    t.due_has_time = true;
    t
}

pub fn done(mut t: Task, at: &str) -> Task {
    t.status = TaskStatus::Completed;
    t.completed_at = Some(utc(at));
    t.updated_at = utc(at);
    t
}

pub fn priority(mut t: Task, p: i64) -> Task {
    t.priority = Priority::try_from(p).expect("1 to 5");
    t
}

pub fn event(title: &str, starts: &str, ends: &str) -> CalendarEvent {
    CalendarEvent {
        id: Uuid::now_v7(),
        tenant_id: tenant(),
        user_id: Uuid::nil(),
        title: title.into(),
        description: None,
        location: None,
        starts_at: utc(starts),
        ends_at: Some(utc(ends)),
        all_day: false,
        source: CalendarSource::Manual,
        external_uid: None,
        created_at: utc(starts),
        updated_at: utc(starts),
    }
}

pub fn question(text: &str, at: &str) -> Question {
    Question {
        id: Uuid::now_v7(),
        tenant_id: tenant(),
        user_id: Uuid::nil(),
        text: text.into(),
        context: None,
        why_asking: None,
        what_agent_will_do: None,
        priority: Priority::DEFAULT,
        priority_reason: None,
        status: QuestionStatus::Unanswered,
        answer: None,
        answered_at: None,
        answered_by: None,
        created_at: utc(at),
    }
}

pub fn draft(subject: &str, at: &str) -> Draft {
    Draft {
        id: Uuid::now_v7(),
        tenant_id: tenant(),
        user_id: Uuid::nil(),
        task_id: None,
        draft_type: DraftType::Email,
        recipient: Some("ana@example.com".into()),
        subject: Some(subject.into()),
        body: "Hi Ana".into(),
        status: DraftStatus::Pending,
        feedback: None,
        revision_of: None,
        relationship_context: None,
        created_at: utc(at),
        updated_at: utc(at),
        approved_at: None,
        sent_at: None,
    }
}

pub fn waiting(what: &str, since: &str, follow_up: Option<&str>) -> WaitingItem {
    WaitingItem {
        id: Uuid::now_v7(),
        tenant_id: tenant(),
        user_id: Uuid::nil(),
        task_id: None,
        person_id: None,
        what: what.into(),
        who: Some("Ana".into()),
        since: utc(since),
        follow_up_date: follow_up.map(utc),
        why_it_matters: None,
        status: WaitingStatus::Waiting,
        resolved_at: None,
        resolution_notes: None,
        created_at: utc(since),
    }
}

pub fn project(name: &str, kind: ProjectType, updated: &str) -> Project {
    Project {
        id: Uuid::now_v7(),
        tenant_id: tenant(),
        user_id: None,
        name: name.into(),
        description: None,
        project_type: kind,
        status: ProjectStatus::Active,
        priority_order: 0,
        success_criteria: None,
        target_date: None,
        parent_id: None,
        metadata: serde_json::json!({}),
        created_at: utc(updated),
        updated_at: utc(updated),
    }
}
