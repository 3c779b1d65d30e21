//! `/api/jobs` over HTTP, on SQLite and PostgreSQL: a user's built-in jobs,
//! re-timing, pausing and resuming one, running one now with its history,
//! and bad or foreign requests answered with problem+json.

use axum::http::StatusCode;
use chief_store::Db;
use serde_json::json;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for, member_key};

/// Gives every user their built-in jobs, as `chief serve` does on start.
async fn provision(db: &Db) {
    chief_scheduler::Scheduler::new(db.clone(), "test")
        .provision(chrono::Utc::now())
        .await
        .expect("built-in jobs are given");
}

both_backends! {
    async fn a_user_sees_their_jobs_and_can_retime_pause_resume_and_run_one(db: &Db) {
        let key = key_for(db, "acme").await;
        provision(db).await;
        let (status, _, jobs) = call(db, "GET", "/api/jobs", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{jobs}");
        let recurring = jobs.as_array().unwrap().iter().find(|j| j["name"] == "recurring_tasks").expect("the built-in job").clone();
        assert_eq!((recurring["enabled"].as_bool(), recurring["timezone"].as_str()), (Some(true), Some("UTC")));
        let path = format!("/api/jobs/{}", recurring["id"].as_str().unwrap());

        let (status, _, retimed) = call(db, "PUT", &path, Some(&key), Some(json!({"schedule": "0 7 * * MON-FRI", "timezone": "Europe/Madrid"}))).await;
        assert_eq!(status, StatusCode::OK, "{retimed}");
        let next: chrono::DateTime<chrono::Utc> = retimed["next_run_at"].as_str().unwrap().parse().unwrap();
        let local = next.with_timezone(&chrono_tz::Europe::Madrid);
        assert_eq!(local.format("%H:%M").to_string(), "07:00");

        let (_, _, paused) = call(db, "POST", &format!("{path}/pause"), Some(&key), None).await;
        assert_eq!(paused["enabled"], false);
        let (_, _, resumed) = call(db, "POST", &format!("{path}/resume"), Some(&key), None).await;
        assert_eq!(resumed["enabled"], true);

        let (status, _, run) = call(db, "POST", &format!("{path}/run"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!((run["status"].as_str(), run["cause"].as_str()), (Some("succeeded"), Some("manual")));
        assert_eq!(run["output"], "no recurring task was due");
        let (_, _, history) = call(db, "GET", &format!("{path}/runs"), Some(&key), None).await;
        assert_eq!(history["total"], 1);
        assert_eq!(history["items"][0]["id"], run["id"]);

        let (_, _, audit) = call(db, "GET", &format!("/api/logs?entity_id={}", recurring["id"].as_str().unwrap()), Some(&key), None).await;
        let actions: Vec<&str> = audit["items"].as_array().map(|a| a.iter().filter_map(|l| l["action"].as_str()).collect()).unwrap_or_default();
        assert!(actions.iter().filter(|a| **a == "job.updated").count() >= 3, "{audit}");
    }

    async fn bad_schedules_and_time_zones_answer_422_naming_the_field(db: &Db) {
        let key = key_for(db, "acme").await;
        provision(db).await;
        let (_, _, jobs) = call(db, "GET", "/api/jobs", Some(&key), None).await;
        let path = format!("/api/jobs/{}", jobs[0]["id"].as_str().unwrap());
        for (body, field) in [
            (json!({"schedule": "every day at 8"}), "schedule"),
            (json!({"schedule": "0 0 30 2 *"}), "schedule"),
            (json!({"timezone": "Europe/Atlantis"}), "timezone"),
            (json!({"grace_seconds": 10_000_000}), "grace_seconds"),
            (json!({"misfire_policy": "sometimes"}), "misfire_policy"),
        ] {
            let (status, content_type, problem) = call(db, "PUT", &path, Some(&key), Some(body.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {problem}");
            assert_eq!(content_type, "application/problem+json");
            assert!(problem.to_string().contains(field), "{body}: {problem}");
        }
        let (_, _, after) = call(db, "GET", &path, Some(&key), None).await;
        assert_eq!(after["schedule"], jobs[0]["schedule"], "nothing changed");
    }

    async fn a_member_cannot_see_or_run_another_users_job(db: &Db) {
        let owner = key_for(db, "acme").await;
        let member = member_key(db, "acme").await;
        provision(db).await;
        let (_, _, owners) = call(db, "GET", "/api/jobs", Some(&owner), None).await;
        let (_, _, mine) = call(db, "GET", "/api/jobs", Some(&member), None).await;
        let owner_job = owners.as_array().unwrap().iter().find(|j| !mine.as_array().unwrap().iter().any(|m| m["id"] == j["id"])).expect("the owner's own job").clone();
        assert!(mine.as_array().unwrap().iter().all(|j| j["user_id"] != owner_job["user_id"]));
        for (method, suffix) in [("GET", ""), ("POST", "/run"), ("POST", "/pause"), ("GET", "/runs")] {
            let (status, _, _) = call(db, method, &format!("/api/jobs/{}{suffix}", owner_job["id"].as_str().unwrap()), Some(&member), None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {suffix}");
        }
    }
}
