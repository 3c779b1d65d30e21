//! Briefings composed at fixed instants, mostly in Madrid so that the user's
//! local day and the UTC day differ.

use super::fixtures::*;
use super::render::{markdown, text};
use super::*;
use chief_domain::project::{ProjectStatus, ProjectType};
use chief_domain::question::QuestionStatus;
use chief_domain::task::{Assignee, TaskStatus};
use chrono_tz::Europe::Madrid;

/// 08:00 in Madrid on Tuesday 3 March 2026 (UTC+1).
const MORNING: &str = "2026-03-03T07:00:00Z";

fn morning_of(b: &Briefing) -> &Morning {
    match &b.content {
        Content::Morning(m) => m,
        other => panic!("not a morning plan: {other:?}"),
    }
}

#[test]
fn the_morning_plan_takes_today_as_the_users_local_day() {
    let tasks = vec![
        due(task("Pay the rent", MORNING), "2026-03-03T22:30:00Z"), // 23:30 today in Madrid
        due(task("Send the deck", MORNING), "2026-03-03T23:30:00Z"), // 00:30 tomorrow in Madrid
        due(task("File the expenses", MORNING), "2026-03-01T10:00:00Z"), // overdue
    ];
    let events = vec![
        event("Early call", "2026-03-02T23:30:00Z", "2026-03-03T00:00:00Z"), // 00:30 today
        event(
            "Late dinner",
            "2026-03-02T21:00:00Z",
            "2026-03-02T22:45:00Z",
        ), // yesterday
        event("Standup", "2026-03-03T08:30:00Z", "2026-03-03T08:45:00Z"),
        event(
            "Midnight release",
            "2026-03-03T23:30:00Z",
            "2026-03-04T00:30:00Z",
        ), // tomorrow
    ];
    let inputs = Inputs {
        tasks: &tasks,
        events: &events,
        ..Default::default()
    };
    let b = compose(BriefingKind::Morning, &inputs, utc(MORNING), Madrid);
    let m = morning_of(&b);
    let titles: Vec<_> = m.calendar.items.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Early call", "Standup"]);
    let due: Vec<_> = m.due.items.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(due, ["File the expenses", "Pay the rent"]);
    assert!(m.due.items[0].overdue && !m.due.items[1].overdue);
    assert_eq!(b.period_start, utc("2026-03-02T23:00:00Z"));
    assert_eq!(b.period_end, utc("2026-03-03T23:00:00Z"));
    assert_eq!(b.title, "Morning plan for Tuesday 3 March 2026");
    assert_eq!(b.timezone, "Europe/Madrid");
    // Times read in the user's zone: the standup is at 09:30 in Madrid.
    assert!(text(&b).contains("09:30–09:45  Standup"), "{}", text(&b));
}

#[test]
fn top_priorities_are_the_users_own_open_work_by_urgency() {
    let now = MORNING;
    let held = task("Sign the lease", now);
    let mut wait = waiting("Lease from the landlord", "2026-03-01T09:00:00Z", None);
    wait.task_id = Some(held.id);
    let mut agents = priority(task("Agent research", now), 1);
    agents.assignee = Assignee::Agent;
    let mut blocked = priority(task("Blocked thing", now), 1);
    blocked.status = TaskStatus::Blocked;
    let mut working = priority(task("Write the plan", now), 4);
    working.status = TaskStatus::Working;
    let tasks = vec![
        priority(task("Low, undated", now), 5),
        priority(task("High, undated", now), 1),
        due(
            priority(task("Low but overdue", now), 5),
            "2026-03-02T12:00:00Z",
        ),
        working,
        held,
        agents,
        blocked,
        done(
            priority(task("Already done", now), 1),
            "2026-03-02T12:00:00Z",
        ),
        priority(task("Second high", now), 1),
        priority(task("Mid", now), 3),
    ];
    let waits = vec![wait];
    let inputs = Inputs {
        tasks: &tasks,
        waiting: &waits,
        ..Default::default()
    };
    let b = compose(BriefingKind::Morning, &inputs, utc(now), Madrid);
    let m = morning_of(&b);
    let order: Vec<_> = m.priorities.iter().map(|r| r.task.title.as_str()).collect();
    assert_eq!(
        order,
        [
            "Low but overdue",
            "High, undated",
            "Second high",
            "Write the plan",
            "Mid"
        ]
    );
    assert!(
        m.priorities
            .windows(2)
            .all(|w| w[0].urgency >= w[1].urgency)
    );
}

#[test]
fn the_morning_plan_lists_what_waits_for_the_user_and_what_the_agent_does() {
    let now = MORNING;
    let mut answered = question("Old question?", "2026-03-01T09:00:00Z");
    answered.status = QuestionStatus::Answered;
    let questions = vec![
        question("Which venue for the offsite?", "2026-03-02T09:00:00Z"),
        answered,
    ];
    let mut sent = draft("Sent already", "2026-03-01T09:00:00Z");
    sent.status = chief_domain::draft::DraftStatus::Sent;
    let drafts = vec![draft("Proposal for Liberty", "2026-03-02T10:00:00Z"), sent];
    let waits = vec![
        waiting(
            "Signed contract",
            "2026-02-20T09:00:00Z",
            Some("2026-03-01T09:00:00Z"),
        ),
        waiting(
            "Invoice",
            "2026-02-20T09:00:00Z",
            Some("2026-03-10T09:00:00Z"),
        ),
    ];
    let mut agent_working = task("Research venues", now);
    agent_working.assignee = Assignee::Agent;
    agent_working.status = TaskStatus::Working;
    let mut agent_queued = task("Draft the agenda", now);
    agent_queued.assignee = Assignee::Agent;
    let tasks = vec![agent_working, agent_queued];
    let inputs = Inputs {
        tasks: &tasks,
        questions: &questions,
        drafts: &drafts,
        waiting: &waits,
        ..Default::default()
    };
    let b = compose(BriefingKind::Morning, &inputs, utc(now), Madrid);
    let m = morning_of(&b);
    assert_eq!(m.questions.total, 1);
    assert_eq!(m.questions.items[0].text, "Which venue for the offsite?");
    assert_eq!(m.drafts.total, 1);
    assert_eq!(m.overdue_waiting.total, 1);
    assert_eq!(m.overdue_waiting.items[0].what, "Signed contract");
    assert_eq!(m.agent.working.items[0].title, "Research venues");
    assert_eq!(m.agent.queued, 1);
    let md = markdown(&b);
    assert!(
        md.contains("## Questions for you\n\n- **P3** Which venue for the offsite?"),
        "{md}"
    );
    assert!(md.contains("1 task queued for it"), "{md}");
    assert!(
        md.contains("Signed contract — follow-up was Sun 1 Mar"),
        "{md}"
    );
}

#[test]
fn an_empty_day_says_so_kindly_in_both_forms() {
    let now = utc(MORNING);
    for kind in BriefingKind::ALL {
        let b = compose(*kind, &Inputs::default(), now, Madrid);
        let (md, txt) = (markdown(&b), text(&b));
        for s in render::sections(&b) {
            assert!(md.contains(&format!("## {}", s.heading)), "{kind}: {md}");
            assert!(txt.contains(s.heading), "{kind}: {txt}");
            if s.lines.is_empty() {
                assert!(
                    !s.empty.is_empty(),
                    "{kind}: {} has no empty message",
                    s.heading
                );
                assert!(md.contains(&format!("_{}_", s.empty)), "{kind}: {md}");
                assert!(txt.contains(s.empty), "{kind}: {txt}");
            }
        }
    }
    let b = compose(BriefingKind::Morning, &Inputs::default(), now, Madrid);
    assert!(text(&b).contains("Nothing overdue, nothing due today."));
    assert_eq!(
        b.summary,
        "A clear morning: nothing due, nothing waiting for you."
    );
}

#[test]
fn long_sections_list_ten_and_count_the_rest_including_what_the_store_counted() {
    let tasks: Vec<_> = (0..14)
        .map(|i| {
            due(
                task(&format!("Overdue {i}"), MORNING),
                "2026-03-01T10:00:00Z",
            )
        })
        .collect();
    let mut inputs = Inputs {
        tasks: &tasks,
        ..Default::default()
    };
    let b = compose(BriefingKind::Morning, &inputs, utc(MORNING), Madrid);
    assert_eq!(morning_of(&b).due.items.len(), SECTION_LIMIT);
    assert_eq!(morning_of(&b).due.total, 14);
    assert!(markdown(&b).contains("- …and 4 more"));
    inputs.counts.due_or_overdue = Some(250);
    let b = compose(BriefingKind::Morning, &inputs, utc(MORNING), Madrid);
    assert_eq!(morning_of(&b).due.total, 250);
    assert!(text(&b).contains("...and 240 more"), "{}", text(&b));
}

#[test]
fn the_midday_check_shows_done_still_due_and_blocked_with_its_question() {
    let now = "2026-03-03T11:30:00Z"; // 12:30 in Madrid
    let q = question("Which budget line?", "2026-03-02T09:00:00Z");
    let mut blocked = task("Book the venue", now);
    blocked.status = TaskStatus::Blocked;
    blocked.blocking_question_id = Some(q.id);
    let tasks = vec![
        done(task("Answer Patrick", now), "2026-03-03T08:00:00Z"),
        done(task("Done last night", now), "2026-03-02T22:30:00Z"), // 23:30 yesterday
        due(task("Call the bank", now), "2026-03-03T15:00:00Z"),
        blocked,
    ];
    let questions = vec![q];
    let inputs = Inputs {
        tasks: &tasks,
        questions: &questions,
        ..Default::default()
    };
    let b = compose(BriefingKind::Midday, &inputs, utc(now), Madrid);
    let Content::Midday(m) = &b.content else {
        panic!("not a midday check")
    };
    assert_eq!(m.done.total, 1);
    assert_eq!(m.done.items[0].title, "Answer Patrick");
    assert_eq!(m.still_due.items[0].title, "Call the bank");
    assert_eq!(
        m.blocked.items[0].question.as_deref(),
        Some("Which budget line?")
    );
    assert_eq!(
        b.summary,
        "1 task done so far today, 1 still due, 1 blocked."
    );
    assert!(
        text(&b).contains("Book the venue (waiting on: Which budget line?)"),
        "{}",
        text(&b)
    );
    assert!(
        text(&b).contains("Call the bank (due today 16:00)"),
        "{}",
        text(&b)
    );
}

#[test]
fn the_evening_summary_folds_todays_moves_and_preps_tomorrow() {
    let now = "2026-03-03T17:00:00Z"; // 18:00 in Madrid
    let pushed = due(task("Quarterly report", now), "2026-03-10T17:00:00Z");
    let pulled = due(task("Dentist", now), "2026-03-04T08:00:00Z");
    let cleared = task("Someday idea", now);
    let back = due(task("Moved and back", now), "2026-03-05T09:00:00Z");
    let old = due(task("Moved yesterday", now), "2026-03-09T09:00:00Z");
    let mv = |t: &chief_domain::task::Task, from: &str, to: Option<&str>, at: &str| DueMove {
        task_id: t.id,
        from: Some(utc(from)),
        to: to.map(utc),
        at: utc(at),
    };
    let moves = vec![
        mv(
            &pushed,
            "2026-03-03T17:00:00Z",
            Some("2026-03-06T17:00:00Z"),
            "2026-03-03T09:00:00Z",
        ),
        mv(
            &pushed,
            "2026-03-06T17:00:00Z",
            Some("2026-03-10T17:00:00Z"),
            "2026-03-03T12:00:00Z",
        ),
        mv(
            &pulled,
            "2026-03-12T08:00:00Z",
            Some("2026-03-04T08:00:00Z"),
            "2026-03-03T10:00:00Z",
        ),
        mv(
            &cleared,
            "2026-03-05T08:00:00Z",
            None,
            "2026-03-03T11:00:00Z",
        ),
        mv(
            &back,
            "2026-03-05T09:00:00Z",
            Some("2026-03-07T09:00:00Z"),
            "2026-03-03T09:30:00Z",
        ),
        mv(
            &back,
            "2026-03-07T09:00:00Z",
            Some("2026-03-05T09:00:00Z"),
            "2026-03-03T09:45:00Z",
        ),
        mv(
            &old,
            "2026-03-02T09:00:00Z",
            Some("2026-03-09T09:00:00Z"),
            "2026-03-02T22:00:00Z",
        ),
    ];
    let tasks = vec![
        pushed,
        pulled,
        cleared,
        back,
        old,
        done(task("Shipped the release", now), "2026-03-03T14:00:00Z"),
        due(task("Prep the board call", now), "2026-03-04T22:00:00Z"), // 23:00 tomorrow
    ];
    let events = vec![
        event("Board call", "2026-03-04T09:00:00Z", "2026-03-04T10:00:00Z"),
        event("Day after", "2026-03-05T09:00:00Z", "2026-03-05T10:00:00Z"),
    ];
    let inputs = Inputs {
        tasks: &tasks,
        events: &events,
        moves: &moves,
        ..Default::default()
    };
    let b = compose(BriefingKind::Evening, &inputs, utc(now), Madrid);
    let Content::Evening(e) = &b.content else {
        panic!("not an evening summary")
    };
    let moved: Vec<_> = e
        .moved
        .items
        .iter()
        .map(|m| (m.task.title.as_str(), m.direction))
        .collect();
    assert_eq!(
        moved,
        [
            ("Quarterly report", items::Direction::Later),
            ("Dentist", items::Direction::Earlier),
            ("Someday idea", items::Direction::Cleared),
        ]
    );
    assert_eq!(e.moved.items[0].from, utc("2026-03-03T17:00:00Z"));
    assert_eq!(e.completed.items[0].title, "Shipped the release");
    let tomorrow: Vec<_> = e
        .tomorrow_calendar
        .items
        .iter()
        .map(|x| x.title.as_str())
        .collect();
    assert_eq!(tomorrow, ["Board call"]);
    let due_titles: Vec<_> = e
        .due_tomorrow
        .items
        .iter()
        .map(|x| x.title.as_str())
        .collect();
    assert_eq!(due_titles, ["Dentist", "Prep the board call"]);
    assert!(
        text(&b).contains("Quarterly report (Tue 3 Mar → Tue 10 Mar)"),
        "{}",
        text(&b)
    );
    assert!(
        b.summary.starts_with(
            "1 task completed today, 3 tasks moved; tomorrow: 1 event and 2 tasks due"
        )
    );
}

#[test]
fn the_weekly_review_compares_weeks_and_rolls_projects_up_into_goals() {
    let now = "2026-03-09T08:00:00Z"; // Monday 09:00 in Madrid
    let goal = project("Grow revenue", ProjectType::Goal, "2026-01-01T09:00:00Z");
    let mut sales = project("Sales push", ProjectType::Project, "2026-01-01T09:00:00Z");
    sales.parent_id = Some(goal.id);
    let quiet = project(
        "Website refresh",
        ProjectType::Project,
        "2026-02-01T09:00:00Z",
    );
    let mut paused = project("Paused thing", ProjectType::Project, "2026-01-01T09:00:00Z");
    paused.status = ProjectStatus::OnHold;
    let in_sales = |t: chief_domain::task::Task| chief_domain::task::Task {
        project_id: Some(sales.id),
        ..t
    };
    let tasks = vec![
        in_sales(done(task("Call 5 leads", now), "2026-03-05T10:00:00Z")),
        in_sales(done(task("Send proposal", now), "2026-03-08T10:00:00Z")),
        in_sales(task("Close Liberty", now)),
        done(task("Last week's win", now), "2026-02-26T10:00:00Z"),
        done(task("Too old", now), "2026-02-10T10:00:00Z"),
        chief_domain::task::Task {
            project_id: Some(quiet.id),
            updated_at: utc("2026-02-10T09:00:00Z"),
            ..task("Pick a theme", "2026-02-11T09:00:00Z")
        },
    ];
    let days = clock::Days::at(utc(now), Madrid);
    let activity = ProjectActivity::from_tasks(&tasks, days.week);
    let projects = vec![goal, sales, quiet, paused];
    let waits = vec![waiting(
        "Signed NDA",
        "2026-03-01T09:00:00Z",
        Some("2026-03-05T09:00:00Z"),
    )];
    let inputs = Inputs {
        tasks: &tasks,
        projects: &projects,
        activity: &activity,
        waiting: &waits,
        ..Default::default()
    };
    let b = compose(BriefingKind::Weekly, &inputs, utc(now), Madrid);
    let Content::Weekly(w) = &b.content else {
        panic!("not a weekly review")
    };
    assert_eq!((w.completed_this_week, w.completed_last_week), (2, 1));
    assert_eq!(w.projects.items[0].name, "Sales push");
    assert_eq!(w.projects.items[0].percent_done, Some(67));
    assert_eq!(w.goals.items.len(), 1);
    assert_eq!((w.goals.items[0].completed, w.goals.items[0].open), (2, 1));
    let stale: Vec<_> = w.stale.items.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        stale,
        ["Website refresh"],
        "on-hold projects are never stale"
    );
    assert!(w.waiting.items[0].overdue);
    assert_eq!(
        b.summary,
        "2 tasks completed this week, up from 1; 1 stale project; waiting on 1 item."
    );
    assert_eq!(
        b.title,
        "Weekly review for Tuesday 3 March 2026 to Monday 9 March 2026"
    );
    assert!(
        markdown(&b).contains("Sales push — 2 of 3 done (67%), 2 this week"),
        "{}",
        markdown(&b)
    );
}

#[test]
fn the_json_has_a_stable_shape_with_the_kind_at_the_top() {
    let b = compose(
        BriefingKind::Evening,
        &Inputs::default(),
        utc(MORNING),
        Madrid,
    );
    let v = serde_json::to_value(&b).unwrap();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "completed",
            "due_tomorrow",
            "generated_at",
            "kind",
            "moved",
            "period_end",
            "period_start",
            "summary",
            "timezone",
            "title",
            "tomorrow_calendar"
        ]
    );
    assert_eq!(v["kind"], "evening");
    assert_eq!(v["moved"], serde_json::json!({"items": [], "total": 0}));
    assert_eq!(b.kind(), BriefingKind::Evening);
}

#[test]
fn user_text_cannot_inject_markdown_and_odd_text_renders_on_one_line() {
    let tasks = vec![due(
        task("**urgent** [click](http://x)\n# heading 👋 שלום", MORNING),
        "2026-03-03T10:00:00Z",
    )];
    let inputs = Inputs {
        tasks: &tasks,
        ..Default::default()
    };
    let b = compose(BriefingKind::Morning, &inputs, utc(MORNING), Madrid);
    let md = markdown(&b);
    assert!(
        md.contains("\\*\\*urgent\\*\\* \\[click\\](http://x) \\# heading 👋 שלום"),
        "{md}"
    );
    assert!(text(&b).contains("**urgent** [click](http://x) # heading 👋 שלום"));
}
