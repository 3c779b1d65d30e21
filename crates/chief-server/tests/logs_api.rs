//! `/api/logs` over HTTP, on SQLite and PostgreSQL: the activity log is the
//! tenant's own, newest first, and filters by entity, actor, action and date.

use axum::http::StatusCode;
use chief_store::Db;
use chrono::{Duration, Utc};
use serde_json::json;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

both_backends! {
    async fn the_log_shows_this_tenants_changes_newest_first_and_filters_them(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "other").await;
        call(db, "POST", "/api/tasks", Some(&other), Some(json!({"title": "Theirs"}))).await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Plan launch"}))).await;
        let id = task["id"].as_str().unwrap();
        call(db, "PUT", &format!("/api/tasks/{id}"), Some(&key), Some(json!({"title": "Plan the launch"}))).await;
        call(db, "POST", "/api/questions", Some(&key), Some(json!({"text": "Which date?"}))).await;

        let (status, _, all) = call(db, "GET", "/api/logs", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        let items = all["items"].as_array().unwrap();
        assert_eq!(all["total"].as_i64().unwrap() as usize, items.len());
        assert!(items.iter().all(|e| e["tenant_id"] == task["tenant_id"]), "only this tenant's rows");
        let seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first: {seqs:?}");
        assert_eq!(items[0]["entity_type"], "question");

        let (_, _, for_task) = call(db, "GET", &format!("/api/logs?entity_type=task&entity_id={id}"), Some(&key), None).await;
        let actions: Vec<&str> = for_task["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["task.updated", "task.created"]);
        let (_, _, updates) = call(db, "GET", "/api/logs?action=task.updated", Some(&key), None).await;
        assert_eq!(updates["total"], 1);
        assert_eq!(updates["items"][0]["details"]["title"]["after"], "Plan the launch");
        let (_, _, by_user) = call(db, "GET", "/api/logs?actor=user", Some(&key), None).await;
        assert_eq!(by_user["total"], 3, "the task's two changes and the question");
        let (_, _, by_system) = call(db, "GET", "/api/logs?actor=system", Some(&key), None).await;
        assert_eq!(by_system["total"].as_i64().unwrap() + 3, all["total"].as_i64().unwrap(), "the rest is the workspace's setup");
        let (_, _, by_agent) = call(db, "GET", "/api/logs?actor=claude", Some(&key), None).await;
        assert_eq!(by_agent["total"], 0);
        let today = Utc::now().date_naive();
        let (_, _, through_today) = call(db, "GET", &format!("/api/logs?start_date={today}&end_date={today}"), Some(&key), None).await;
        assert_eq!(through_today["total"], all["total"]);
        let tomorrow = today + Duration::days(1);
        let (_, _, future) = call(db, "GET", &format!("/api/logs?start_date={tomorrow}"), Some(&key), None).await;
        assert_eq!(future["total"], 0);
        let yesterday = today - Duration::days(1);
        let (_, _, past) = call(db, "GET", &format!("/api/logs?end_date={yesterday}"), Some(&key), None).await;
        assert_eq!(past["total"], 0);
        let (_, _, page) = call(db, "GET", "/api/logs?limit=1&offset=1", Some(&key), None).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["seq"], items[1]["seq"]);
        let (_, _, theirs) = call(db, "GET", &format!("/api/logs?entity_id={id}"), Some(&other), None).await;
        assert_eq!(theirs["total"], 0, "another tenant sees nothing of this task");
    }

    async fn bad_log_queries_are_problem_json_never_a_500(db: &Db) {
        let key = key_for(db, "acme").await;
        for (path, field) in [
            ("/api/logs?actor=robot", "actor"),
            ("/api/logs?start_date=yesterday", "start_date"),
            ("/api/logs?end_date=2026-13-01", "end_date"),
            ("/api/logs?entity_id=nope", "entity_id"),
            ("/api/logs?limit=5000", "limit"),
            ("/api/logs?user=me", "user"),
        ] {
            let (status, ctype, problem) = call(db, "GET", path, Some(&key), None).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {problem}");
            assert_eq!(ctype, "application/problem+json");
            assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
        }
    }
}
