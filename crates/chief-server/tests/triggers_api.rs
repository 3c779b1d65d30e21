//! `/api/triggers` and `/hooks/{token}` over HTTP, on SQLite and
//! PostgreSQL: triggers from the template library, firing one as a test,
//! an inbound webhook becoming a task, a trigger whose webhook calls its
//! own URL stopped as a loop, and bad or foreign requests answered with
//! problem+json.

use axum::http::StatusCode;
use chief_channels::Worker;
use chief_scheduler::trigger_dispatch::Dispatcher;
use chief_store::{Db, SecretBox};
use chrono::Utc;
use serde_json::{Value, json};

mod common;

use chief_testkit::both_backends;
use common::{call, key_for, member_key};

async fn post(db: &Db, key: &str, path: &str, body: Value) -> Value {
    let (status, _, v) = call(db, "POST", path, Some(key), Some(body)).await;
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

async fn get(db: &Db, key: &str, path: &str) -> Value {
    let (status, _, v) = call(db, "GET", path, Some(key), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {v}");
    v
}

/// Posts `body` to an inbound webhook URL with no API key.
async fn hook(db: &Db, url: &str, body: &str, content_type: &str) -> (StatusCode, Value) {
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let (status, _, bytes) = common::send(&chief_server::router(db.clone()), req).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

both_backends! {
    async fn a_template_trigger_is_listed_fired_and_paused(db: &Db) {
        let key = key_for(db, "acme").await;
        let library = get(db, &key, "/api/triggers/templates").await;
        assert!(library.as_array().unwrap().len() >= 8);
        let (status, _, created) = call(db, "POST", "/api/triggers", Some(&key), Some(json!({"template": "friday-wins", "timezone": "Europe/Madrid"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!((created["name"].as_str(), created["schedule"].as_str()), (Some("friday-wins"), Some("0 16 * * 5")));
        assert_eq!(created["template"], "friday-wins");
        let id = created["id"].as_str().unwrap();

        post(db, &key, "/api/tasks", json!({"title": "Close the Q4 books", "assignee": "user"})).await;
        let tasks = get(db, &key, "/api/tasks").await;
        let task = tasks["items"][0]["id"].as_str().unwrap();
        post(db, &key, &format!("/api/tasks/{task}/start"), json!({})).await;
        post(db, &key, &format!("/api/tasks/{task}/complete"), json!({"output": "done"})).await;

        let firing = post(db, &key, &format!("/api/triggers/{id}/fire"), json!({})).await;
        assert_eq!((firing["status"].as_str(), firing["cause"].as_str()), (Some("fired"), Some("manual")));
        assert!(firing["output"].as_str().unwrap().contains("Friday wins: 1 task"), "{firing}");
        let history = get(db, &key, &format!("/api/triggers/{id}/firings")).await;
        assert_eq!(history["total"], 1);

        let paused = post(db, &key, &format!("/api/triggers/{id}/pause"), json!({})).await;
        assert_eq!(paused["enabled"], false);
        let jobs = get(db, &key, "/api/jobs").await;
        let job = jobs.as_array().unwrap().iter().find(|j| j["name"] == "trigger-friday-wins").expect("its job");
        assert_eq!(job["enabled"], false, "pausing the trigger pauses its job");
        let (status, _, problem) = call(db, "POST", &format!("/api/jobs/{}/resume", job["id"].as_str().unwrap()), Some(&key), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a trigger's job is changed through the trigger: {problem}");

        let (status, _, _) = call(db, "DELETE", &format!("/api/triggers/{id}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let jobs = get(db, &key, "/api/jobs").await;
        assert!(!jobs.as_array().unwrap().iter().any(|j| j["name"] == "trigger-friday-wins"), "its job went with it");
    }

    async fn an_inbound_webhook_becomes_a_task_once_and_a_bad_token_is_a_404(db: &Db) {
        let key = key_for(db, "acme").await;
        let created = post(db, &key, "/api/triggers", json!({"template": "webhook-to-task"})).await;
        let url = created["webhook_url"].as_str().expect("a webhook trigger's URL").to_string();
        assert!(url.starts_with("/hooks/chwh_"));
        let listed = get(db, &key, &format!("/api/triggers/{}", created["id"].as_str().unwrap())).await;
        assert!(listed.get("webhook_token").is_none(), "the token is shown once: {listed}");

        let (status, ack) = hook(db, &url, r#"{"title": "Call back Dana about the renewal"}"#, "application/json").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{ack}");
        let (status, _) = hook(db, &url, "{not json", "application/json").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = hook(db, &url, &"x".repeat(70 * 1024), "text/plain").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        let (status, _) = hook(db, "/hooks/chwh_notarealtoken", "{}", "application/json").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let dispatcher = Dispatcher::new(db.clone(), "test");
        assert_eq!(dispatcher.tick(Utc::now()).await.unwrap().len(), 1);
        assert!(dispatcher.tick(Utc::now()).await.unwrap().is_empty());
        let tasks = get(db, &key, "/api/tasks").await;
        assert_eq!(tasks["total"], 1);
        assert_eq!(tasks["items"][0]["title"], "Call back Dana about the renewal");
    }

    async fn a_trigger_whose_webhook_calls_its_own_url_is_stopped_as_a_loop(db: &Db) {
        let key = key_for(db, "acme").await;
        // chief itself, listening, so the delivery worker's POST comes back.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = chief_server::router(db.clone());
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let channel = post(db, &key, "/api/channels", json!({"name": "self", "config": {"url": "https://placeholder.example/"}})).await;
        let channel_id = channel["channel"]["id"].as_str().unwrap();
        let created = post(db, &key, "/api/triggers", json!({"name": "echo", "event": "webhook.received", "action": {"type": "webhook", "channel_id": channel_id}})).await;
        let url = format!("http://{addr}{}", created["webhook_url"].as_str().unwrap());
        let (status, _, _) = call(db, "PUT", &format!("/api/channels/{channel_id}"), Some(&key), Some(json!({"config": {"url": url}}))).await;
        assert_eq!(status, StatusCode::OK);

        let (status, _) = hook(db, created["webhook_url"].as_str().unwrap(), r#"{"ping": 1}"#, "application/json").await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let dispatcher = Dispatcher::new(db.clone(), "test");
        let worker = Worker::new(db.clone(), SecretBox::locate(db, None).unwrap(), "test").unwrap();
        for _ in 0..3 {
            dispatcher.tick(Utc::now()).await.unwrap();
            worker.tick(Utc::now() + chrono::Duration::seconds(1)).await.unwrap();
        }
        let id = created["id"].as_str().unwrap();
        let history = get(db, &key, &format!("/api/triggers/{id}/firings")).await;
        let statuses: Vec<&str> = history["items"].as_array().unwrap().iter().rev().map(|f| f["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, vec!["fired", "loop_stopped"], "{history}");
        let sent = get(db, &key, &format!("/api/deliveries?channel_id={channel_id}")).await;
        assert_eq!(sent["total"], 1, "one POST to itself, not a loop: {sent}");
        let stopped = get(db, &key, "/api/deliveries?topic=trigger.stopped").await;
        assert!(stopped["items"][0]["payload"]["text"].as_str().unwrap().contains("echo → echo"), "{stopped}");
        server.abort();
    }

    async fn bad_and_foreign_trigger_requests_are_problems(db: &Db) {
        let owner = key_for(db, "acme").await;
        let other = key_for(db, "globex").await;
        for (body, field) in [
            (json!({"name": "x", "schedule": "every friday", "action": {"type": "notify"}}), "schedule"),
            (json!({"name": "x", "schedule": "@daily", "timezone": "Europe/Atlantis", "action": {"type": "notify"}}), "timezone"),
            (json!({"name": "x", "event": "task.exploded", "action": {"type": "notify"}}), "event"),
            (json!({"name": "x", "schedule": "@daily", "action": {"type": "send_email"}}), "action"),
            (json!({"template": "no-such-template"}), "template"),
            (json!({"name": "x", "schedule": "@daily", "event": "draft.created", "action": {"type": "notify"}}), "event"),
        ] {
            let (status, content_type, problem) = call(db, "POST", "/api/triggers", Some(&owner), Some(body.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {problem}");
            assert_eq!(content_type, "application/problem+json");
            assert!(problem.to_string().contains(field), "{body}: {problem}");
        }
        assert_eq!(get(db, &owner, "/api/triggers").await, json!([]));
        let mine = post(db, &owner, "/api/triggers", json!({"template": "question-alert"})).await;
        let path = format!("/api/triggers/{}", mine["id"].as_str().unwrap());
        for (method, p) in [("GET", path.clone()), ("PUT", path.clone()), ("DELETE", path.clone()), ("POST", format!("{path}/fire")), ("GET", format!("{path}/firings"))] {
            let body = (method == "PUT").then(|| json!({"enabled": false}));
            let (status, _, _) = call(db, method, &p, Some(&other), body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {p} from another workspace");
        }
        let member = member_key(db, "acme").await;
        let (status, _, _) = call(db, "GET", &path, Some(&member), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a member does not see the owner's trigger");
        let (status, _, _) = call(db, "POST", "/api/triggers", Some(&owner), Some(json!({"template": "question-alert"}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "a name the user has");
        assert_eq!(get(db, &owner, &path).await["enabled"], true, "nothing changed");
    }
}
