//! Briefings from the store: the reads pick the user's local day, the
//! evening's moves come from the audit log, the weekly counts agree with the
//! brain's, and keeping a briefing writes the row, its audit entry and the
//! `briefing.created` event together, in one workspace only.

use chief_brain::briefing::clock::Days;
use chief_brain::briefing::{BriefingKind, ProjectActivity};
use chief_domain::project::{NewProject, ProjectType};
use chief_domain::task::{NewTask, TaskOp, TaskPatch};
use chief_domain::tenant::Role;
use chief_domain::waiting::NewWaitingItem;
use chief_domain::{TenantId, calendar::NewCalendarEvent};
use chief_store::briefing::{self, BriefingFilter};
use chief_store::tenancy::{self, NewUser};
use chief_store::{Db, Page, Scope, events, task};
use chief_testkit as common;
use chrono::{DateTime, Utc};
use common::{add_project, add_task, assert_not_found, both_backends, in_tx, my_task, scope_at};
use uuid::Uuid;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// 08:00 on Tuesday 3 March 2026 in Madrid.
const MORNING: &str = "2026-03-03T07:00:00Z";

/// A workspace whose owner lives in Madrid.
async fn madrid(db: &Db, slug: &str) -> (TenantId, Uuid) {
    let owner = NewUser {
        email: format!("owner@{slug}.example"),
        name: None,
        role: Role::Owner,
        timezone: "Europe/Madrid".into(),
    };
    let ws = tenancy::create_workspace(db, slug, slug, owner)
        .await
        .unwrap();
    (ws.tenant.id, ws.owner.id)
}

fn due_at(title: &str, at: &str) -> NewTask {
    NewTask {
        due_date: Some(utc(at)),
        due_has_time: true,
        ..my_task(title)
    }
}

both_backends! {
    async fn the_morning_plan_reads_the_users_local_day_from_the_store(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = madrid(&db, "a").await;
        let earlier = scope_at(tenant, user, utc("2026-03-01T09:00:00Z"));
        add_task(
            &db,
            &earlier,
            due_at("Pay the rent", "2026-03-03T22:30:00Z"),
        )
        .await?;
        add_task(
            &db,
            &earlier,
            due_at("Send the deck", "2026-03-03T23:30:00Z"),
        )
        .await?;
        add_task(
            &db,
            &earlier,
            due_at("File expenses", "2026-03-02T10:00:00Z"),
        )
        .await?;
        let research = add_task(&db, &earlier, common::task("Research venues")).await?;
        in_tx(&db, &earlier, async |tx| {
            task::transition(tx, research.id, TaskOp::Start, None).await
        })
        .await?;
        in_tx(&db, &earlier, async |tx| {
            chief_store::question::create(tx, user, common::question("Which venue?"), &[]).await?;
            chief_store::waiting::create(
                tx,
                user,
                NewWaitingItem {
                    what: "Signed contract".into(),
                    follow_up_date: Some(utc("2026-03-02T09:00:00Z")),
                    ..Default::default()
                },
            )
            .await?;
            chief_store::calendar::create(
                tx,
                user,
                NewCalendarEvent {
                    title: "Early call".into(),
                    starts_at: utc("2026-03-02T23:30:00Z"),
                    ends_at: Some(utc("2026-03-03T00:00:00Z")),
                    ..Default::default()
                },
            )
            .await
        })
        .await?;
        common::add_draft(&db, &earlier, common::draft("Hi Ana")).await?;
        // Another workspace's overdue work never shows.
        let (other, other_user) = madrid(&db, "b").await;
        add_task(
            &db,
            &scope_at(other, other_user, utc("2026-03-01T09:00:00Z")),
            due_at("B's secret", "2026-03-02T10:00:00Z"),
        )
        .await?;

        let c =
            chief_app::briefing::compose(&db, tenant, user, BriefingKind::Morning, utc(MORNING))
                .await?;
        let v = serde_json::to_value(&c.briefing)?;
        let titles = |section: &str| -> Vec<String> {
            let list = &v[section];
            list["items"]
                .as_array()
                .or(list.as_array())
                .unwrap()
                .iter()
                .map(|i| {
                    i["title"]
                        .as_str()
                        .or(i["task"]["title"].as_str())
                        .unwrap()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(titles("due"), ["File expenses", "Pay the rent"]);
        assert_eq!(titles("calendar"), ["Early call"]);
        assert_eq!(v["questions"]["total"], 1);
        assert_eq!(v["drafts"]["total"], 1);
        assert_eq!(v["overdue_waiting"]["items"][0]["what"], "Signed contract");
        assert_eq!(
            v["agent"]["working"]["items"][0]["title"],
            "Research venues"
        );
        assert_eq!(v["timezone"], "Europe/Madrid");
        assert!(titles("priorities").contains(&"File expenses".to_string()));
        assert!(!c.text.contains("secret") && !c.markdown.contains("secret"));
        assert!(c.text.contains("00:30–01:00  Early call"), "{}", c.text);
        Ok(())
    }
}

both_backends! {
    async fn the_evening_summary_finds_todays_moves_in_the_audit_log(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = madrid(&db, "a").await;
        let earlier = scope_at(tenant, user, utc("2026-03-01T09:00:00Z"));
        let report = add_task(
            &db,
            &earlier,
            due_at("Quarterly report", "2026-03-03T17:00:00Z"),
        )
        .await?;
        let dentist = add_task(&db, &earlier, due_at("Dentist", "2026-03-04T08:00:00Z")).await?;
        let renamed = add_task(
            &db,
            &earlier,
            due_at("Renamed only", "2026-03-06T08:00:00Z"),
        )
        .await?;
        let shipped = add_task(&db, &earlier, my_task("Ship the release")).await?;
        let move_to = |id: Uuid, at: &'static str, to: &'static str| {
            let s = scope_at(tenant, user, utc(at));
            let db = db.clone();
            async move {
                let patch = TaskPatch {
                    due_date: Some(Some(utc(to))),
                    ..Default::default()
                };
                in_tx(&db, &s, async |tx| task::update(tx, id, patch).await).await
            }
        };
        // Yesterday's move is not today's news.
        move_to(dentist.id, "2026-03-02T12:00:00Z", "2026-03-04T08:00:00Z").await?;
        // A teammate moving 60 of their tasks earlier today does not crowd
        // out the owner's move, nor show up in the owner's summary.
        let teammate = in_tx(&db, &earlier, async |tx| {
            tenancy::add_user(
                tx,
                NewUser {
                    email: "mate@a.example".into(),
                    name: None,
                    role: Role::Member,
                    timezone: "Europe/Madrid".into(),
                },
            )
            .await
        })
        .await?;
        let theirs = Scope {
            tenant,
            actor: chief_domain::log::Actor::user(teammate.id),
            trace_id: None,
            now: Some(utc("2026-03-03T08:00:00Z")),
        };
        for i in 0..60 {
            let t = add_task(
                &db,
                &theirs,
                due_at(&format!("Their task {i}"), "2026-03-03T17:00:00Z"),
            )
            .await?;
            let patch = TaskPatch {
                due_date: Some(Some(utc("2026-03-05T17:00:00Z"))),
                ..Default::default()
            };
            in_tx(&db, &theirs, async |tx| task::update(tx, t.id, patch).await).await?;
        }
        move_to(report.id, "2026-03-03T09:00:00Z", "2026-03-10T17:00:00Z").await?;
        let today = scope_at(tenant, user, utc("2026-03-03T10:00:00Z"));
        in_tx(&db, &today, async |tx| {
            task::update(
                tx,
                renamed.id,
                TaskPatch {
                    title: Some("New name".into()),
                    ..Default::default()
                },
            )
            .await?;
            task::transition(tx, shipped.id, TaskOp::Complete, None).await
        })
        .await?;

        let c = chief_app::briefing::compose(
            &db,
            tenant,
            user,
            BriefingKind::Evening,
            utc("2026-03-03T17:00:00Z"),
        )
        .await?;
        let v = serde_json::to_value(&c.briefing)?;
        assert_eq!(v["moved"]["total"], 1, "{v}");
        assert_eq!(v["moved"]["items"][0]["task"]["title"], "Quarterly report");
        assert_eq!(v["moved"]["items"][0]["direction"], "later");
        assert_eq!(v["completed"]["items"][0]["title"], "Ship the release");
        assert_eq!(v["due_tomorrow"]["items"][0]["title"], "Dentist");
        Ok(())
    }
}

both_backends! {
    async fn the_weekly_counts_from_sql_match_the_brains_count_of_the_same_tasks(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = madrid(&db, "a").await;
        let now = utc("2026-03-09T08:00:00Z");
        let old = scope_at(tenant, user, utc("2026-02-01T09:00:00Z"));
        let sales = add_project(
            &db,
            &old,
            NewProject {
                name: "Sales push".into(),
                ..Default::default()
            },
        )
        .await?;
        let quiet = add_project(
            &db,
            &old,
            NewProject {
                name: "Website".into(),
                ..Default::default()
            },
        )
        .await?;
        let goal = add_project(
            &db,
            &old,
            NewProject {
                name: "Grow revenue".into(),
                project_type: Some(ProjectType::Goal),
                ..Default::default()
            },
        )
        .await?;
        in_tx(&db, &old, async |tx| {
            chief_store::project::update(
                tx,
                sales.id,
                chief_domain::project::ProjectPatch {
                    parent_id: Some(Some(goal.id)),
                    ..Default::default()
                },
            )
            .await
        })
        .await?;
        let mut ids = Vec::new();
        for (i, when) in [
            "2026-03-05T10:00:00Z",
            "2026-03-08T10:00:00Z",
            "2026-02-26T10:00:00Z",
            "",
        ]
        .iter()
        .enumerate()
        {
            let t = add_task(
                &db,
                &old,
                NewTask {
                    project_id: Some(sales.id),
                    ..my_task(&format!("Sales {i}"))
                },
            )
            .await?;
            if !when.is_empty() {
                let s = scope_at(tenant, user, utc(when));
                in_tx(&db, &s, async |tx| {
                    task::transition(tx, t.id, TaskOp::Complete, None).await
                })
                .await?;
            }
            ids.push(t.id);
        }
        add_task(
            &db,
            &old,
            NewTask {
                project_id: Some(quiet.id),
                ..my_task("Pick a theme")
            },
        )
        .await?;

        let c = chief_app::briefing::compose(&db, tenant, user, BriefingKind::Weekly, now).await?;
        let v = serde_json::to_value(&c.briefing)?;
        assert_eq!(
            (
                v["completed_this_week"].as_u64(),
                v["completed_last_week"].as_u64()
            ),
            (Some(2), Some(1))
        );
        let sales_line = v["projects"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "Sales push")
            .unwrap()
            .clone();
        assert_eq!(
            (
                sales_line["completed"].as_u64(),
                sales_line["open"].as_u64()
            ),
            (Some(3), Some(1))
        );
        assert_eq!(sales_line["completed_this_week"], 2);
        assert_eq!(v["goals"]["items"][0]["completed"], 3);
        assert_eq!(v["stale"]["items"][0]["name"], "Website");
        assert_eq!(v["stale"]["total"], 1);

        // The same numbers from the tasks in memory.
        let all =
            chief_store::task_query::list(&db, tenant, &Default::default(), Page::new(1000, 0))
                .await?
                .items;
        let days = Days::at(now, chrono_tz::Europe::Madrid);
        let expected = ProjectActivity::from_tasks(&all, days.week);
        let mine = expected.iter().find(|a| a.project_id == sales.id).unwrap();
        assert_eq!(
            (mine.completed, mine.open, mine.completed_in_period),
            (3, 1, 2)
        );
        Ok(())
    }
}

both_backends! {
    async fn keeping_a_briefing_writes_row_audit_and_event_in_one_workspace(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = madrid(&db, "a").await;
        let (other, other_user) = madrid(&db, "b").await;
        let s = Scope::user(tenant, user);
        let before = events::head(&db, tenant).await?;
        let kept = chief_app::briefing::compose_and_store(
            &db,
            &s,
            user,
            BriefingKind::Morning,
            utc(MORNING),
        )
        .await?;
        assert_eq!(kept.kind, BriefingKind::Morning);
        assert_eq!(kept.period_start, utc("2026-03-02T23:00:00Z"));
        assert_eq!(kept.content["kind"], "morning");
        assert!(
            kept.markdown
                .starts_with("# Morning plan for Tuesday 3 March 2026")
        );
        let evs = events::since(&db, tenant, before, 10).await?;
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].event_type, "briefing.created");
        assert_eq!(evs[0].entity_id, Some(kept.id));
        assert!(
            chief_store::audit::verify(&db, Some(tenant))
                .await?
                .broken
                .is_none()
        );

        assert_eq!(briefing::get(&db, tenant, user, kept.id).await?, kept);
        assert_not_found(briefing::get(&db, other, user, kept.id).await);
        chief_app::briefing::compose_and_store(&db, &s, user, BriefingKind::Weekly, utc(MORNING))
            .await?;
        let mornings = briefing::list(
            &db,
            tenant,
            BriefingFilter {
                user_id: Some(user),
                kind: Some(BriefingKind::Morning),
            },
            Page::default(),
        )
        .await?;
        assert_eq!(mornings.total, 1);
        let all = briefing::list(&db, tenant, BriefingFilter::default(), Page::default()).await?;
        assert_eq!(all.total, 2);
        assert_eq!(all.items[0].kind, BriefingKind::Weekly, "newest first");
        let theirs = briefing::list(
            &db,
            other,
            BriefingFilter {
                user_id: Some(other_user),
                kind: None,
            },
            Page::default(),
        )
        .await?;
        assert_eq!(theirs.total, 0);
        // A user of another workspace cannot be briefed from this one.
        assert_not_found(
            chief_app::briefing::compose_and_store(
                &db,
                &s,
                other_user,
                BriefingKind::Morning,
                utc(MORNING),
            )
            .await,
        );
        Ok(())
    }
}
