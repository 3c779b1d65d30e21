//! `/api/recurring` over HTTP, on SQLite and PostgreSQL: templates come due,
//! running one creates its task and reschedules it, and bad or foreign
//! requests answer problem+json.

use axum::http::StatusCode;
use chief_domain::TenantId;
use chief_store::{Db, Scope, recurring};
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use serde_json::json;
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

fn ts(v: &serde_json::Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

both_backends! {
    async fn running_a_due_template_creates_its_task_and_schedules_the_next_run(db: &Db) {
        let key = key_for(db, "acme").await;
        let three_days_ago = Utc::now() - Duration::days(3);
        let (status, _, weekly) = call(db, "POST", "/api/recurring", Some(&key), Some(json!({
            "title": "Weekly review", "description": "Look back at the week",
            "task_template": {"priority": 2, "tags": ["review"]},
            "frequency": "daily", "next_run": three_days_ago,
        }))).await;
        assert_eq!(status, StatusCode::CREATED, "{weekly}");
        assert_eq!((weekly["active"].as_bool(), weekly["frequency"].as_str()), (Some(true), Some("daily")));
        let (_, _, later) = call(db, "POST", "/api/recurring", Some(&key), Some(json!({
            "title": "Monthly invoices", "frequency": "monthly", "next_run": Utc::now() + Duration::days(10),
        }))).await;
        let (_, _, all) = call(db, "GET", "/api/recurring", Some(&key), None).await;
        assert_eq!(all.as_array().unwrap().len(), 2);
        let (status, _, due) = call(db, "GET", "/api/recurring/due", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(due.as_array().unwrap().iter().map(|r| r["id"].clone()).collect::<Vec<_>>(), vec![weekly["id"].clone()]);

        let before = Utc::now();
        let (status, _, ran) = call(db, "POST", &format!("/api/recurring/{}/run", weekly["id"].as_str().unwrap()), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{ran}");
        assert_eq!(ran["task"]["title"], "Weekly review");
        assert_eq!(ran["task"]["description"], "Look back at the week");
        assert_eq!((ran["task"]["priority"].as_i64(), ran["task"]["source"].as_str()), (Some(2), Some("recurring")));
        assert_eq!(ran["task"]["tags"], json!(["review"]));
        let next = ts(&ran["recurring"]["next_run"]);
        assert!(next > before && next <= before + Duration::days(1) + Duration::minutes(1), "{next}");
        assert_eq!((next - ts(&weekly["next_run"])).num_seconds() % 86_400, 0, "stays on the daily slot");
        assert!(ran["recurring"]["last_run"].is_string());
        let (_, _, due) = call(db, "GET", "/api/recurring/due", Some(&key), None).await;
        assert!(due.as_array().unwrap().is_empty());
        let (_, _, tasks) = call(db, "GET", "/api/tasks?tag=review", Some(&key), None).await;
        assert_eq!(tasks["total"], 1);

        let (_, _, ran) = call(db, "POST", &format!("/api/recurring/{}/run", later["id"].as_str().unwrap()), Some(&key), None).await;
        let next = ts(&ran["recurring"]["next_run"]);
        assert!(next > ts(&later["next_run"]) + Duration::days(27), "a month after the scheduled run: {next}");
    }

    async fn an_inactive_template_does_not_run_and_a_cron_one_follows_its_expression(db: &Db) {
        let key = key_for(db, "acme").await;
        let (tenant, user) = owner(db, "acme").await;
        let (_, _, t) = call(db, "POST", "/api/recurring", Some(&key), Some(json!({"title": "Standup", "frequency": "daily"}))).await;
        let id: Uuid = t["id"].as_str().unwrap().parse().unwrap();
        let mut tx = db.write(&Scope::user(tenant, user)).await.unwrap();
        recurring::deactivate(&mut tx, id).await.unwrap();
        tx.commit().await.unwrap();
        let (status, _, problem) = call(db, "POST", &format!("/api/recurring/{id}/run"), Some(&key), None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(problem["detail"].as_str().unwrap().contains("inactive"), "{problem}");
        let (_, _, tasks) = call(db, "GET", "/api/tasks", Some(&key), None).await;
        assert_eq!(tasks["total"], 0, "a refused run creates no task");

        // Nine on the first of each month, in the owner's zone (UTC here).
        let (status, _, custom) = call(db, "POST", "/api/recurring", Some(&key), Some(json!({"title": "Payroll", "frequency": "custom", "cron_expression": "0 9 1 * *"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{custom}");
        let (status, _, ran) = call(db, "POST", &format!("/api/recurring/{}/run", custom["id"].as_str().unwrap()), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{ran}");
        assert_eq!(ran["task"]["title"], "Payroll");
        let next = ts(&ran["recurring"]["next_run"]);
        assert!(next > Utc::now(), "{next}");
        assert_eq!((next.day(), next.hour(), next.minute()), (1, 9, 0), "{next}");
        assert!(next < Utc::now() + Duration::days(32), "{next}");
    }

    async fn another_tenants_template_answers_404_and_is_not_run(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let (_, _, t) = call(db, "POST", "/api/recurring", Some(&b), Some(json!({"title": "B's chore", "frequency": "weekly"}))).await;
        let (status, ctype, problem) = call(db, "POST", &format!("/api/recurring/{}/run", t["id"].as_str().unwrap()), Some(&a), None).await;
        assert_eq!((status, ctype.as_str(), problem["type"].as_str()), (StatusCode::NOT_FOUND, "application/problem+json", Some("/problems/not-found")));
        let (_, _, list) = call(db, "GET", "/api/recurring", Some(&a), None).await;
        assert!(list.as_array().unwrap().is_empty());
        let (_, _, due) = call(db, "GET", "/api/recurring/due", Some(&a), None).await;
        assert!(due.as_array().unwrap().is_empty());
        let (_, _, theirs) = call(db, "GET", "/api/recurring", Some(&b), None).await;
        assert_eq!(theirs[0]["next_run"], t["next_run"]);
        assert!(theirs[0]["last_run"].is_null());
    }

    async fn bad_recurring_input_is_problem_json_never_a_500(db: &Db) {
        let key = key_for(db, "acme").await;
        let cases = [
            ("POST", "/api/recurring", Some(json!({"title": "x", "frequency": "hourly"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring", Some(json!({"title": "x", "frequency": "custom"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring", Some(json!({"title": "x", "frequency": "custom", "cron_expression": "every monday"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring", Some(json!({"title": "x", "frequency": "custom", "cron_expression": "0 0 31 2 *"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring", Some(json!({"title": "", "frequency": "daily"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring", Some(json!({"title": "x", "frequency": "daily", "task_template": [1]})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring", Some(json!({"title": "x", "frequency": "daily", "task_template": {"priority": "high"}})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring", Some(json!({"title": "x", "frequency": "daily", "next_run": "soon"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring", Some(json!({"title": "x", "frequency": "daily", "every": 2})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/recurring/not-a-uuid/run", None, StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", &format!("/api/recurring/{}/run", Uuid::now_v7()), None, StatusCode::NOT_FOUND),
        ];
        for (method, path, body, want) in cases {
            let (status, ctype, problem) = call(db, method, path, Some(&key), body.clone()).await;
            assert_eq!(status, want, "{method} {path} {body:?}: {problem}");
            assert_eq!(ctype, "application/problem+json");
        }
        let (_, _, list) = call(db, "GET", "/api/recurring", Some(&key), None).await;
        assert!(list.as_array().unwrap().is_empty());
    }
}
