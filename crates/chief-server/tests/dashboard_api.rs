//! `/api/dashboard` over HTTP, on SQLite and PostgreSQL: each section shows
//! the caller's own items, and the stats count by the user's day and week.

use axum::http::StatusCode;
use chief_domain::TenantId;
use chief_domain::calendar::NewCalendarEvent;
use chief_domain::task::TaskOp;
use chief_store::{Db, Scope, calendar, task};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

async fn owner(db: &Db, slug: &str) -> (TenantId, Uuid) {
    let email = format!("owner@{slug}.test");
    for tenant in chief_store::tenancy::list_tenants(db).await.unwrap() {
        let users = chief_store::tenancy::list_users(db, tenant.id)
            .await
            .unwrap();
        if let Some(user) = users.into_iter().find(|u| u.email == email) {
            return (tenant.id, user.id);
        }
    }
    panic!("no user {email}")
}

async fn post(db: &Db, key: &str, path: &str, body: Value) -> Value {
    let (status, _, v) = call(db, "POST", path, Some(key), Some(body)).await;
    assert!(status.is_success(), "{path}: {v}");
    v
}

/// Completes a task at `at`, as the transaction's clock.
async fn complete_at(db: &Db, slug: &str, task: &Value, at: DateTime<Utc>) {
    let (tenant, user) = owner(db, slug).await;
    let mut scope = Scope::user(tenant, user);
    scope.now = Some(at);
    let mut tx = db.write(&scope).await.unwrap();
    let id = task["id"].as_str().unwrap().parse().unwrap();
    task::transition(&mut tx, id, TaskOp::Complete, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn ids(section: &Value) -> Vec<Value> {
    section
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].clone())
        .collect()
}

both_backends! {
    async fn the_dashboard_gathers_what_needs_the_user_and_nothing_of_other_tenants(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "other").await;
        let (_, _, empty) = call(db, "GET", "/api/dashboard", Some(&key), None).await;
        assert_eq!(empty, json!({"today_priorities": [], "questions_for_you": [], "claude_working_on": null, "drafts_to_review": [], "waiting_on": [], "this_week": [], "overdue_items": []}));

        let yesterday = Utc::now() - Duration::days(1);
        let urgent = post(db, &key, "/api/tasks", json!({"title": "Sign the contract", "assignee": "user", "priority": 1})).await;
        let late = post(db, &key, "/api/tasks", json!({"title": "File taxes", "assignee": "user", "due_date": yesterday})).await;
        let agent = post(db, &key, "/api/tasks", json!({"title": "Research venues", "assignee": "claude"})).await;
        post(db, &key, &format!("/api/tasks/{}/start", agent["id"].as_str().unwrap()), json!({})).await;
        let question = post(db, &key, "/api/questions", json!({"text": "Budget cap?", "priority": 1})).await;
        let draft = post(db, &key, "/api/drafts", json!({"type": "email", "body": "Hi"})).await;
        let waiting = post(db, &key, "/api/waiting", json!({"what": "Signed NDA", "follow_up_date": yesterday})).await;
        let (tenant, user) = owner(db, "acme").await;
        let mut tx = db.write(&Scope::user(tenant, user)).await.unwrap();
        let soon = calendar::create(&mut tx, user, NewCalendarEvent { title: "Board meeting".into(), starts_at: Utc::now() + Duration::days(2), ..Default::default() }).await.unwrap();
        calendar::create(&mut tx, user, NewCalendarEvent { title: "Offsite".into(), starts_at: Utc::now() + Duration::days(10), ..Default::default() }).await.unwrap();
        tx.commit().await.unwrap();
        for path in ["/api/tasks", "/api/questions", "/api/waiting"] {
            let body = if path == "/api/waiting" { json!({"what": "theirs", "follow_up_date": yesterday}) } else if path == "/api/tasks" { json!({"title": "theirs", "assignee": "user", "due_date": yesterday}) } else { json!({"text": "theirs"}) };
            post(db, &other, path, body).await;
        }

        let (status, _, dash) = call(db, "GET", "/api/dashboard", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ids(&dash["today_priorities"]), vec![late["id"].clone(), urgent["id"].clone()], "overdue first, then priority 1");
        assert_eq!(ids(&dash["questions_for_you"]), vec![question["id"].clone()]);
        assert_eq!(dash["claude_working_on"]["id"], agent["id"]);
        assert_eq!(dash["claude_working_on"]["status"], "working");
        assert_eq!(ids(&dash["drafts_to_review"]), vec![draft["id"].clone()]);
        assert_eq!(ids(&dash["waiting_on"]), vec![waiting["id"].clone()]);
        assert_eq!(ids(&dash["this_week"]), vec![json!(soon.id)]);
        let overdue: Vec<(Value, Value)> = dash["overdue_items"].as_array().unwrap().iter().map(|o| (o["kind"].clone(), o["item"]["id"].clone())).collect();
        assert_eq!(overdue, vec![(json!("task"), late["id"].clone()), (json!("waiting"), waiting["id"].clone())]);

        let (_, _, theirs) = call(db, "GET", "/api/dashboard", Some(&other), None).await;
        assert!(theirs["claude_working_on"].is_null());
        assert!(theirs["drafts_to_review"].as_array().unwrap().is_empty());
        assert_eq!(theirs["overdue_items"].as_array().unwrap().len(), 2);
    }

    async fn stats_count_todays_and_this_weeks_work(db: &Db) {
        let key = key_for(db, "acme").await;
        let (status, _, none) = call(db, "GET", "/api/dashboard/stats", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(none, json!({"tasks_completed_today": 0, "tasks_completed_this_week": 0, "questions_answered_today": 0, "drafts_reviewed_today": 0, "average_question_response_time": null}));

        let done = post(db, &key, "/api/tasks", json!({"title": "Done now"})).await;
        complete_at(db, "acme", &done, Utc::now()).await;
        let old = post(db, &key, "/api/tasks", json!({"title": "Done long ago"})).await;
        complete_at(db, "acme", &old, Utc::now() - Duration::days(8)).await;
        let q = post(db, &key, "/api/questions", json!({"text": "Venue?"})).await;
        let (status, _, _) = call(db, "PUT", &format!("/api/questions/{}/answer", q["id"].as_str().unwrap()), Some(&key), Some(json!({"answer": "The barn"}))).await;
        assert_eq!(status, StatusCode::OK);
        let approved = post(db, &key, "/api/drafts", json!({"type": "email", "body": "A"})).await;
        post(db, &key, &format!("/api/drafts/{}/approve", approved["id"].as_str().unwrap()), json!({})).await;
        let rejected = post(db, &key, "/api/drafts", json!({"type": "email", "body": "B"})).await;
        post(db, &key, &format!("/api/drafts/{}/reject", rejected["id"].as_str().unwrap()), json!({"feedback": "no"})).await;
        post(db, &key, "/api/drafts", json!({"type": "email", "body": "still pending"})).await;

        let (_, _, stats) = call(db, "GET", "/api/dashboard/stats", Some(&key), None).await;
        assert_eq!(stats["tasks_completed_today"], 1);
        assert_eq!(stats["tasks_completed_this_week"], 1);
        assert_eq!(stats["questions_answered_today"], 1);
        assert_eq!(stats["drafts_reviewed_today"], 2);
        let mean = stats["average_question_response_time"].as_f64().expect("one answer this week");
        assert!((0.0..3600.0).contains(&mean), "{mean}");
        let (_, _, theirs) = call(db, "GET", "/api/dashboard/stats", Some(&key_for(db, "other").await), None).await;
        assert_eq!(theirs["tasks_completed_today"], 0);
    }

    async fn today_begins_at_midnight_in_the_users_time_zone(db: &Db) {
        let key = key_for(db, "acme").await;
        let zone = chrono_tz::Pacific::Kiritimati;
        chief_store::testing::execute(db, "UPDATE users SET timezone = $1 WHERE email = $2", &["Pacific/Kiritimati".into(), "owner@acme.test".into()]).await.unwrap();
        let local_today = Utc::now().with_timezone(&zone).date_naive();
        let midnight = zone.from_local_datetime(&local_today.and_hms_opt(0, 0, 0).unwrap()).unwrap().with_timezone(&Utc);
        let before = post(db, &key, "/api/tasks", json!({"title": "Late last night"})).await;
        complete_at(db, "acme", &before, midnight - Duration::minutes(1)).await;
        let after = post(db, &key, "/api/tasks", json!({"title": "First thing"})).await;
        complete_at(db, "acme", &after, midnight).await;
        let (_, _, stats) = call(db, "GET", "/api/dashboard/stats", Some(&key), None).await;
        assert_eq!(stats["tasks_completed_today"], 1, "{stats}");
    }
}
