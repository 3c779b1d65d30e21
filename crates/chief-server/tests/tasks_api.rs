//! `/api/tasks` over HTTP, on SQLite and PostgreSQL: auth, tenant isolation
//! (404), problem+json errors, and the create/read/update/delete cycle.

use axum::http::StatusCode;
use chief_store::Db;
use serde_json::json;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

both_backends! {
    async fn tasks_are_created_read_updated_and_deleted(db: &Db) {
        let key = key_for(db, "acme").await;
        let (status, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Call Patrick", "priority": 1, "assignee": "claude", "tags": ["sales"]}))).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(task["assignee"], "agent");
        assert_eq!(task["status"], "queued");
        let id = task["id"].as_str().unwrap().to_string();
        let (status, _, got) = call(db, "GET", &format!("/api/tasks/{id}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(got["title"], "Call Patrick");
        let (status, _, updated) = call(db, "PUT", &format!("/api/tasks/{id}"), Some(&key), Some(json!({"title": "Call Patrick today", "priority": 2}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((updated["title"].as_str(), updated["priority"].as_i64()), (Some("Call Patrick today"), Some(2)));
        let (status, _, list) = call(db, "GET", "/api/tasks?status=queued&tag=sales", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["total"], 1);
        let (status, _, _) = call(db, "DELETE", &format!("/api/tasks/{id}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, _) = call(db, "GET", &format!("/api/tasks/{id}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn another_tenants_task_answers_404_for_every_method(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&b), Some(json!({"title": "B's secret"}))).await;
        let path = format!("/api/tasks/{}", task["id"].as_str().unwrap());
        for (method, body) in [("GET", None), ("PUT", Some(json!({"title": "hijacked"}))), ("DELETE", None)] {
            let (status, ctype, problem) = call(db, method, &path, Some(&a), body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method}");
            assert_eq!(ctype, "application/problem+json");
            assert_eq!(problem["type"], "/problems/not-found");
        }
        let (_, _, list) = call(db, "GET", "/api/tasks", Some(&a), None).await;
        assert_eq!(list["total"], 0);
        let (_, _, still) = call(db, "GET", &path, Some(&b), None).await;
        assert_eq!(still["title"], "B's secret");
    }

    async fn requests_without_a_valid_key_are_refused(db: &Db) {
        let key = key_for(db, "acme").await;
        let (status, ctype, problem) = call(db, "GET", "/api/tasks", None, None).await;
        assert_eq!((status, ctype.as_str()), (StatusCode::UNAUTHORIZED, "application/problem+json"));
        assert_eq!(problem["type"], "/problems/unauthorized");
        // Change the last character of the secret to a different one.
        let last = if key.ends_with('x') { 'y' } else { 'x' };
        let forged = format!("{}{last}", &key[..key.len() - 1]);
        assert_ne!(forged, key);
        let (status, _, _) = call(db, "GET", "/api/tasks", Some(&forged), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _, _) = call(db, "GET", "/api/tasks", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn bad_input_is_problem_json_never_a_500(db: &Db) {
        let key = key_for(db, "acme").await;
        let cases = [
            ("POST", "/api/tasks", Some(json!({"title": ""})), StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("POST", "/api/tasks", Some(json!({"title": "x", "priority": 9})), StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("POST", "/api/tasks", Some(json!({"title": "x", "assignee": "bob"})), StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("POST", "/api/tasks", Some(json!({"title": "x", "nope": 1})), StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("POST", "/api/tasks", Some(json!({"title": 5})), StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("POST", "/api/tasks", Some(json!({"title": "x", "project_id": uuid::Uuid::now_v7()})), StatusCode::NOT_FOUND, "/problems/not-found"),
            ("GET", "/api/tasks/not-a-uuid", None, StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("GET", "/api/tasks?limit=0", None, StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("GET", "/api/tasks?status=sleeping", None, StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("GET", "/api/tasks?limit=abc", None, StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
            ("GET", "/api/tasks?colour=red", None, StatusCode::UNPROCESSABLE_ENTITY, "/problems/validation"),
        ];
        for (method, path, body, want, kind) in cases {
            let (status, ctype, problem) = call(db, method, path, Some(&key), body.clone()).await;
            assert_eq!(status, want, "{method} {path} {body:?}: {problem}");
            assert_eq!(ctype, "application/problem+json", "{method} {path}");
            assert_eq!(problem["type"], kind, "{method} {path}: {problem}");
            assert_eq!(problem["status"], want.as_u16());
        }
        let (_, _, list) = call(db, "GET", "/api/tasks", Some(&key), None).await;
        assert_eq!(list["total"], 0, "no bad request created anything");
    }

    async fn starting_blocking_and_answering_run_the_work_loop(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "other").await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Book the offsite"}))).await;
        let id = task["id"].as_str().unwrap().to_string();
        let (status, _, started) = call(db, "POST", &format!("/api/tasks/{id}/start"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(started["task"]["status"], "working");
        assert!(started["playbooks"].is_array());
        let (status, _, blocked) = call(db, "POST", &format!("/api/tasks/{id}/block"), Some(&key), Some(json!({
            "question_text": "Which dates work?", "why_asking": "the venue needs them", "what_claude_will_do": "book it", "priority": 2
        }))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(blocked["task"]["status"], "blocked");
        assert_eq!(blocked["question"]["what_agent_will_do"], "book it");
        let qid = blocked["question"]["id"].as_str().unwrap().to_string();
        let (_, _, open) = call(db, "GET", "/api/questions/unanswered", Some(&key), None).await;
        assert_eq!(open["total"], 1);
        let (status, _, _) = call(db, "PUT", &format!("/api/questions/{qid}/answer"), Some(&other), Some(json!({"answer": "never"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another tenant cannot answer");
        let (status, _, answered) = call(db, "PUT", &format!("/api/questions/{qid}/answer"), Some(&key), Some(json!({"answer": "March 3-5"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answered["question"]["status"], "answered");
        assert_eq!(answered["unblocked_tasks"][0]["id"].as_str(), Some(id.as_str()));
        assert_eq!(answered["unblocked_tasks"][0]["status"], "queued");
        let (status, _, problem) = call(db, "PUT", &format!("/api/questions/{qid}/answer"), Some(&key), Some(json!({"answer": "again"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(problem["type"], "/problems/invalid-transition");
        let (status, _, problem) = call(db, "POST", &format!("/api/tasks/{id}/block"), Some(&key), Some(json!({"question_text": ""}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    }

    async fn standalone_questions_can_be_asked_listed_and_dismissed(db: &Db) {
        let key = key_for(db, "acme").await;
        let (status, _, q) = call(db, "POST", "/api/questions", Some(&key), Some(json!({"text": "Renew the domain?", "priority": 1}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let qid = q["id"].as_str().unwrap().to_string();
        let (status, _, closed) = call(db, "PUT", &format!("/api/questions/{qid}/dismiss"), Some(&key), Some(json!({"reason": "already renewed"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(closed["question"]["status"], "dismissed");
        let (_, _, dismissed) = call(db, "GET", "/api/questions?status=dismissed", Some(&key), None).await;
        assert_eq!(dismissed["total"], 1);
        let (status, _, _) = call(db, "GET", "/api/questions?status=maybe", Some(&key), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn waiting_items_are_created_listed_as_overdue_and_resolved(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "other").await;
        let (status, _, late) = call(db, "POST", "/api/waiting", Some(&key), Some(json!({"what": "Signed contract", "who": "Patrick", "follow_up_date": "2020-01-01T00:00:00Z"}))).await;
        assert_eq!(status, StatusCode::CREATED);
        call(db, "POST", "/api/waiting", Some(&key), Some(json!({"what": "Invoice", "follow_up_date": "2999-01-01T00:00:00Z"}))).await;
        let (_, _, overdue) = call(db, "GET", "/api/waiting/overdue", Some(&key), None).await;
        assert_eq!(overdue.as_array().unwrap().len(), 1);
        assert_eq!(overdue[0]["what"], "Signed contract");
        let (_, _, theirs) = call(db, "GET", "/api/waiting/overdue", Some(&other), None).await;
        assert_eq!(theirs.as_array().unwrap().len(), 0);
        let path = format!("/api/waiting/{}/resolve", late["id"].as_str().unwrap());
        let (status, _, _) = call(db, "PUT", &path, Some(&other), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, resolved) = call(db, "PUT", &path, Some(&key), Some(json!({"resolution_notes": "signed"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((resolved["status"].as_str(), resolved["resolution_notes"].as_str()), (Some("resolved"), Some("signed")));
        let (status, _, _) = call(db, "PUT", &path, Some(&key), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "resolving twice is refused");
        let (_, _, open) = call(db, "GET", "/api/waiting?status=waiting", Some(&key), None).await;
        assert_eq!(open.as_array().unwrap().len(), 1);
        let (status, _, _) = call(db, "POST", "/api/waiting", Some(&key), Some(json!({"what": ""}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn health_and_readiness_answer_without_a_key(db: &Db) {
        let (status, _, body) = call(db, "GET", "/healthz", None, None).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")));
        let (status, _, body) = call(db, "GET", "/readyz", None, None).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ready")));
    }

    async fn next_gives_the_agent_queue_in_order_and_null_when_empty(db: &Db) {
        let key = key_for(db, "acme").await;
        let (status, _, empty) = call(db, "GET", "/api/tasks/next", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(empty["task"].is_null());
        for (title, priority, assignee) in [("Low", 4, "agent"), ("Top", 1, "agent"), ("Mine", 1, "user")] {
            call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": title, "priority": priority, "assignee": assignee}))).await;
        }
        let (_, _, next) = call(db, "GET", "/api/tasks/next", Some(&key), None).await;
        assert_eq!(next["task"]["title"], "Top");
        assert!(next["matched_playbooks"].is_array());
        let (_, _, mine) = call(db, "GET", "/api/tasks/next?assignee=user", Some(&key), None).await;
        assert_eq!(mine["task"]["title"], "Mine");
        // A blocked task is skipped.
        let id = next["task"]["id"].as_str().unwrap();
        call(db, "POST", &format!("/api/tasks/{id}/start"), Some(&key), None).await;
        call(db, "POST", &format!("/api/tasks/{id}/block"), Some(&key), Some(json!({"question_text": "Which venue?"}))).await;
        let (_, _, after) = call(db, "GET", "/api/tasks/next", Some(&key), None).await;
        assert_eq!(after["task"]["title"], "Low");
        let (status, _, problem) = call(db, "GET", "/api/tasks/next?assignee=robot", Some(&key), None).await;
        assert_eq!((status, problem["type"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("/problems/validation")));
    }

    async fn completing_records_output_learnings_and_follow_ups_in_one_go(db: &Db) {
        let key = key_for(db, "acme").await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Draft the proposal"}))).await;
        let id = task["id"].as_str().unwrap().to_string();
        call(db, "POST", &format!("/api/tasks/{id}/start"), Some(&key), None).await;
        let (status, _, done) = call(db, "POST", &format!("/api/tasks/{id}/complete"), Some(&key), Some(json!({
            "output": "Sent to Patrick for review",
            "knowledge_captured": ["Proposals go out as PDF", {"content": "Patrick prefers brief emails", "category": "person"}],
            "follow_up_tasks": [{"title": "Chase Patrick on Friday", "priority": 2}]
        }))).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["task"]["status"], "completed");
        assert_eq!(done["task"]["output"], "Sent to Patrick for review");
        assert_eq!(done["knowledge"].as_array().unwrap().len(), 2);
        assert_eq!(done["knowledge"][0]["knowledge"]["source_task_id"], id.as_str());
        assert_eq!(done["knowledge"][1]["knowledge"]["category"], "person");
        // No Patrick in this workspace: the learning waits for review.
        assert_eq!(done["knowledge"][1]["knowledge"]["status"], "pending_review");
        assert_eq!(done["follow_up_tasks"][0]["title"], "Chase Patrick on Friday");
        assert_eq!(done["follow_up_tasks"][0]["status"], "queued");
        let (_, _, list) = call(db, "GET", "/api/tasks?status=queued", Some(&key), None).await;
        assert_eq!(list["total"], 1);
        // Completing twice is a conflict that names the state, and adds nothing.
        let (status, _, problem) = call(db, "POST", &format!("/api/tasks/{id}/complete"), Some(&key), Some(json!({"follow_up_tasks": [{"title": "Again"}]}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(problem["detail"].as_str().unwrap().contains("complete"), "{problem}");
        let (_, _, list) = call(db, "GET", "/api/tasks?status=queued", Some(&key), None).await;
        assert_eq!(list["total"], 1);
        // A bad follow-up rolls the whole completion back.
        let (_, _, other) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Second"}))).await;
        let oid = other["id"].as_str().unwrap();
        let (status, _, _) = call(db, "POST", &format!("/api/tasks/{oid}/complete"), Some(&key), Some(json!({"follow_up_tasks": [{"title": ""}]}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, _, still) = call(db, "GET", &format!("/api/tasks/{oid}"), Some(&key), None).await;
        assert_eq!(still["status"], "queued");
    }

    async fn seed_case_1_the_task_state_machine_over_http(db: &Db) {
        let key = key_for(db, "acme").await;
        let new = |title: &'static str| { let key = key.clone(); async move {
            let (_, _, t) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": title}))).await;
            t["id"].as_str().unwrap().to_string()
        }};
        let post = |path: String, body: Option<serde_json::Value>| { let key = key.clone(); async move {
            call(db, "POST", &path, Some(&key), body).await
        }};
        // queued -> working -> complete
        let a = new("A").await;
        assert_eq!(post(format!("/api/tasks/{a}/start"), None).await.2["task"]["status"], "working");
        assert_eq!(post(format!("/api/tasks/{a}/complete"), None).await.2["task"]["status"], "completed");
        // queued -> working -> blocked -> (answer) queued -> working -> complete
        let b = new("B").await;
        post(format!("/api/tasks/{b}/start"), None).await;
        let (_, _, blocked) = post(format!("/api/tasks/{b}/block"), Some(json!({"question_text": "Budget?"}))).await;
        assert_eq!(blocked["task"]["status"], "blocked");
        // Cannot complete a blocked task.
        let (status, _, problem) = post(format!("/api/tasks/{b}/complete"), None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(problem["detail"].as_str().unwrap().contains("blocked"), "{problem}");
        let qid = blocked["question"]["id"].as_str().unwrap();
        let (_, _, answered) = call(db, "PUT", &format!("/api/questions/{qid}/answer"), Some(&key), Some(json!({"answer": "5k"}))).await;
        assert_eq!(answered["unblocked_tasks"][0]["id"], b.as_str());
        assert_eq!(answered["unblocked_tasks"][0]["status"], "queued");
        post(format!("/api/tasks/{b}/start"), None).await;
        assert_eq!(post(format!("/api/tasks/{b}/complete"), None).await.2["task"]["status"], "completed");
        // Cannot block a completed task.
        let (status, _, problem) = post(format!("/api/tasks/{a}/block"), Some(json!({"question_text": "Too late?"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(problem["detail"].as_str().unwrap().contains("complete"), "{problem}");
        let (_, _, questions) = call(db, "GET", "/api/questions", Some(&key), None).await;
        assert_eq!(questions["total"], 1, "the refused block asked nothing");
    }

    async fn seed_case_2_each_key_sees_only_its_own_tenant(db: &Db) {
        let a = key_for(db, "alpha").await;
        let b = key_for(db, "beta").await;
        call(db, "POST", "/api/tasks", Some(&a), Some(json!({"title": "Alpha's plan"}))).await;
        call(db, "POST", "/api/tasks", Some(&b), Some(json!({"title": "Beta's plan"}))).await;
        for (key, mine) in [(&a, "Alpha's plan"), (&b, "Beta's plan")] {
            let (_, _, list) = call(db, "GET", "/api/tasks", Some(key), None).await;
            assert_eq!(list["total"], 1);
            assert_eq!(list["items"][0]["title"], mine);
            let (_, _, next) = call(db, "GET", "/api/tasks/next?assignee=agent", Some(key), None).await;
            assert!(next["task"].is_null() || next["task"]["title"] == mine);
        }
    }
}
