//! Task suggestions: each ranking rule of `chief_brain::suggest`, on tasks
//! built in memory with a fixed clock.

use chief_brain::suggest::{Energy, Request, goal_of, suggest};
use chief_domain::project::{Project, ProjectStatus, ProjectType};
use chief_domain::task::{Assignee, Task, TaskStatus};
use chief_domain::{Priority, TenantId};
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    // Monday 23 November 2026, 10:00 UTC.
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

fn task(title: &str) -> Task {
    Task {
        id: Uuid::now_v7(),
        tenant_id: TenantId(Uuid::nil()),
        user_id: Uuid::nil(),
        project_id: None,
        title: title.into(),
        description: None,
        priority: Priority::try_from(3).unwrap(),
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
        created_at: now() - Duration::days(1),
        updated_at: now(),
        deleted_at: None,
    }
}

fn req() -> Request {
    Request {
        context: None,
        context_inferred: false,
        minutes: None,
        energy: None,
        now: now(),
        offset: FixedOffset::east_opt(0).unwrap(),
    }
}

fn titles(tasks: &[(&Task, Option<&str>)], r: &Request) -> Vec<String> {
    suggest(tasks, r, 10)
        .iter()
        .map(|s| s.task.title.clone())
        .collect()
}

#[test]
fn due_dates_and_priority_lead_with_reasons() {
    let mut overdue = task("overdue");
    overdue.due_date = Some(now() - Duration::hours(2));
    let mut today = task("today");
    today.due_date = Some(now() + Duration::hours(5));
    let mut p1 = task("p1");
    p1.priority = Priority::try_from(1).unwrap();
    let plain = task("plain");
    let all = [
        (&plain, None),
        (&p1, None),
        (&today, None),
        (&overdue, None),
    ];
    assert_eq!(
        titles(&all, &req()),
        vec!["overdue", "today", "p1", "plain"]
    );
    let s = suggest(&all, &req(), 10);
    assert_eq!(s[1].reasons, vec!["due today"]);
    assert_eq!(s[2].reasons, vec!["priority 1"]);
    assert!(s[0].score > s[1].score && s[1].score > s[2].score);
}

#[test]
fn due_today_is_the_persons_today_not_utc() {
    let mut t = task("late evening");
    t.due_date = Some(Utc.with_ymd_and_hms(2026, 11, 24, 3, 0, 0).unwrap());
    let mut r = req();
    r.offset = FixedOffset::west_opt(8 * 3600).unwrap();
    let s = suggest(&[(&t, None)], &r, 1);
    assert_eq!(
        s[0].reasons,
        vec!["due today"],
        "19:00 on the 23rd in UTC-8"
    );
    r.offset = FixedOffset::east_opt(0).unwrap();
    assert_eq!(
        suggest(&[(&t, None)], &r, 1)[0].reasons,
        vec!["due tomorrow"]
    );
}

#[test]
fn goal_alignment_follows_the_project_hierarchy() {
    let project = |name: &str, kind, parent| Project {
        id: Uuid::now_v7(),
        tenant_id: TenantId(Uuid::nil()),
        user_id: None,
        name: name.into(),
        description: None,
        project_type: kind,
        status: ProjectStatus::Active,
        priority_order: 0,
        success_criteria: None,
        target_date: None,
        parent_id: parent,
        metadata: serde_json::json!({}),
        created_at: now(),
        updated_at: now(),
    };
    let goal = project("Grow revenue", ProjectType::Goal, None);
    let initiative = project("Upsell", ProjectType::Initiative, Some(goal.id));
    let leaf = project("Liberty", ProjectType::Project, Some(initiative.id));
    let orphan = project("Chores", ProjectType::Project, None);
    let mut done_goal = project("Old goal", ProjectType::Goal, None);
    done_goal.status = ProjectStatus::Completed;
    let under_done = project("Legacy", ProjectType::Project, Some(done_goal.id));
    let mut looped = project("Loop", ProjectType::Project, None);
    looped.parent_id = Some(looped.id);
    let all = vec![
        goal, initiative, leaf, orphan, done_goal, under_done, looped,
    ];
    assert_eq!(
        goal_of(all[2].id, &all).map(|p| p.name.as_str()),
        Some("Grow revenue")
    );
    assert_eq!(goal_of(all[3].id, &all), None);
    assert_eq!(
        goal_of(all[5].id, &all),
        None,
        "a completed goal is not served"
    );
    assert_eq!(goal_of(all[6].id, &all), None, "a loop ends the walk");
    assert_eq!(goal_of(Uuid::nil(), &all), None);

    let aligned = task("aligned");
    let other = task("other");
    let s = suggest(
        &[(&other, None), (&aligned, Some("Grow revenue"))],
        &req(),
        2,
    );
    assert_eq!(s[0].task.title, "aligned");
    assert_eq!(s[0].reasons, vec!["serves goal 'Grow revenue'"]);
}

#[test]
fn a_given_context_filters_and_an_inferred_one_only_boosts() {
    let mut phone = task("call the bank");
    phone.contexts = vec!["phone".into()];
    let mut errand = task("buy stamps");
    errand.contexts = vec!["errands".into()];
    let free = task("think");
    let all = [(&errand, None), (&free, None), (&phone, None)];
    let mut r = req();
    r.context = Some("phone".into());
    assert_eq!(titles(&all, &r), vec!["call the bank", "think"]);
    assert_eq!(suggest(&all, &r, 1)[0].reasons, vec!["matches @phone"]);
    r.context_inferred = true;
    assert_eq!(titles(&all, &r).len(), 3, "a guess does not hide tasks");
    assert_eq!(titles(&all, &r)[0], "call the bank");
}

#[test]
fn minutes_leave_out_what_does_not_fit() {
    let mut short = task("reply to Sam");
    short.attributes = vec![("est".into(), "15m".into())];
    let mut long = task("write the report");
    long.context = serde_json::json!({"estimate": "2h"});
    let mut tilde = task("file receipts ~30m");
    tilde.priority = Priority::try_from(4).unwrap();
    let unknown = task("unknown length");
    let all = [
        (&short, None),
        (&long, None),
        (&tilde, None),
        (&unknown, None),
    ];
    let mut r = req();
    r.minutes = Some(30);
    let got = suggest(&all, &r, 10);
    let names: Vec<&str> = got.iter().map(|s| s.task.title.as_str()).collect();
    // A task known to fit beats one of unknown length at a step higher priority.
    assert_eq!(
        names,
        vec!["reply to Sam", "file receipts ~30m", "unknown length"]
    );
    assert_eq!(got[0].reasons, vec!["fits 30 min"]);
    assert_eq!(got[0].estimate_minutes, Some(15));
}

#[test]
fn energy_prefers_long_work_when_high_and_short_when_low() {
    let mut long = task("deep work");
    long.attributes = vec![("est".into(), "2h".into())];
    let mut quick = task("quick thing");
    quick.tags = vec!["easy".into()];
    let all = [(&long, None), (&quick, None)];
    let mut r = req();
    r.energy = Some(Energy::High);
    assert_eq!(titles(&all, &r), vec!["deep work", "quick thing"]);
    r.energy = Some(Energy::Low);
    assert_eq!(titles(&all, &r), vec!["quick thing", "deep work"]);
    assert_eq!(
        suggest(&all, &r, 1)[0].reasons,
        vec!["quick win for low energy"]
    );
    assert_eq!(Energy::parse(" HIGH "), Some(Energy::High));
    assert_eq!(Energy::parse("medium"), None);
}

#[test]
fn closed_and_blocked_tasks_are_never_suggested() {
    let mut blocked = task("blocked");
    blocked.status = TaskStatus::Blocked;
    let mut done = task("done");
    done.status = TaskStatus::Completed;
    let mut working = task("working");
    working.status = TaskStatus::Working;
    let all = [(&blocked, None), (&done, None), (&working, None)];
    let s = suggest(&all, &req(), 10);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].reasons, vec!["already started"]);
    assert!(suggest(&all, &req(), 0).is_empty());
}
