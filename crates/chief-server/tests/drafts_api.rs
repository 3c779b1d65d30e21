//! `/api/drafts` over HTTP, on SQLite and PostgreSQL: relationship context
//! capture, the review workflow (approve, reject, revise) and its 409s,
//! tenant isolation and problem+json errors.

use axum::http::StatusCode;
use chief_domain::TenantId;
use chief_domain::person::NewPerson;
use chief_store::{Db, Scope, person};
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

async fn draft(db: &Db, key: &str, body: Value) -> Value {
    let (status, _, d) = call(db, "POST", "/api/drafts", Some(key), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

both_backends! {
    async fn a_draft_captures_its_recipients_relationship_context_and_shows_its_task(db: &Db) {
        let key = key_for(db, "acme").await;
        let (tenant, user) = owner(db, "acme").await;
        let mut tx = db.write(&Scope::user(tenant, user)).await.unwrap();
        let patrick = person::create(&mut tx, user, NewPerson {
            name: "Patrick Moore".into(),
            email: Some("patrick@liberty.test".into()),
            relationship: Some("client".into()),
            communication_notes: Some("Prefers brief, direct emails".into()),
            ..Default::default()
        }).await.unwrap();
        tx.commit().await.unwrap();
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Follow up with Patrick"}))).await;
        let d = draft(db, &key, json!({"type": "email", "recipient": "Patrick <PATRICK@liberty.test>", "subject": "Next steps", "body": "Hi Patrick,", "task_id": task["id"]})).await;
        assert_eq!(d["status"], "pending");
        assert_eq!(d["relationship_context"]["person_id"], patrick.id.to_string());
        assert_eq!(d["relationship_context"]["communication_notes"], "Prefers brief, direct emails");
        let by_name = draft(db, &key, json!({"type": "slack", "recipient": "patrick moore", "body": "Quick one"})).await;
        assert_eq!(by_name["relationship_context"]["relationship"], "client");
        let stranger = draft(db, &key, json!({"type": "email", "recipient": "nobody@x.test", "body": "Hello"})).await;
        assert!(stranger["relationship_context"].is_null());

        let (status, _, shown) = call(db, "GET", &format!("/api/drafts/{}", id(&d)), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(shown["draft"]["id"], d["id"]);
        assert_eq!(shown["task"]["title"], "Follow up with Patrick");
        assert_eq!(shown["recipient_person"]["name"], "Patrick Moore");

        let (_, _, emails) = call(db, "GET", "/api/drafts?status=pending&type=email", Some(&key), None).await;
        assert_eq!(emails["total"], 2);
        let (_, _, page) = call(db, "GET", "/api/drafts?limit=1&offset=1", Some(&key), None).await;
        assert_eq!((page["total"].as_i64(), page["items"].as_array().unwrap().len()), (Some(3), 1));
        let (_, _, none) = call(db, "GET", "/api/drafts?status=approved", Some(&key), None).await;
        assert_eq!(none["total"], 0);
    }

    async fn approving_says_what_sending_would_do_and_sends_nothing(db: &Db) {
        let key = key_for(db, "acme").await;
        let d = draft(db, &key, json!({"type": "email", "recipient": "a@b.test", "subject": "Proposal", "body": "Dear A"})).await;
        let path = format!("/api/drafts/{}", id(&d));
        let (status, _, edited) = call(db, "PUT", &path, Some(&key), Some(json!({"body": "Dear A,", "subject": null}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((edited["body"].as_str(), edited["subject"].is_null()), (Some("Dear A,"), true));
        let (status, _, approved) = call(db, "POST", &format!("{path}/approve"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(approved["draft"]["status"], "approved");
        assert!(approved["draft"]["approved_at"].is_string());
        assert!(approved["draft"]["sent_at"].is_null());
        assert_eq!(approved["send_action"], json!({"channel": "email", "recipient": "a@b.test", "subject": null, "sent": false}));
        for (method, suffix, body) in [("POST", "/approve", None), ("POST", "/reject", Some(json!({"feedback": "no"}))), ("PUT", "", Some(json!({"body": "changed"})))] {
            let (status, ctype, problem) = call(db, method, &format!("{path}{suffix}"), Some(&key), body).await;
            assert_eq!(status, StatusCode::CONFLICT, "{method} {suffix}");
            assert_eq!(ctype, "application/problem+json");
            assert!(problem["detail"].as_str().unwrap().contains("approved"), "{problem}");
        }
        let (_, _, still) = call(db, "GET", &path, Some(&key), None).await;
        assert_eq!((still["draft"]["status"].as_str(), still["draft"]["body"].as_str()), (Some("approved"), Some("Dear A,")));
    }

    async fn a_rejected_draft_is_revised_into_a_new_linked_draft(db: &Db) {
        let key = key_for(db, "acme").await;
        let d = draft(db, &key, json!({"type": "email", "recipient": "a@b.test", "subject": "Hello", "body": "Too long"})).await;
        let path = format!("/api/drafts/{}", id(&d));
        let (status, _, rejected) = call(db, "POST", &format!("{path}/reject"), Some(&key), Some(json!({"feedback": "Shorter, please"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((rejected["status"].as_str(), rejected["feedback"].as_str()), (Some("rejected"), Some("Shorter, please")));
        let (status, _, revised) = call(db, "POST", &format!("{path}/revise"), Some(&key), Some(json!({"body": "Short"}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let new = &revised["new_draft"];
        assert_eq!(new["revision_of"], d["id"]);
        assert_eq!((new["status"].as_str(), new["body"].as_str(), new["subject"].as_str()), (Some("pending"), Some("Short"), Some("Hello")));
        let (_, _, old) = call(db, "GET", &path, Some(&key), None).await;
        assert_eq!(old["draft"]["status"], "revised");
        let (status, _, problem) = call(db, "POST", &format!("{path}/revise"), Some(&key), Some(json!({"body": "Again"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(problem["detail"].as_str().unwrap().contains("revised"), "{problem}");
        let (status, _, problem) = call(db, "POST", &format!("/api/drafts/{}/approve", id(&rejected)), Some(&key), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    }

    async fn another_tenants_draft_answers_404_and_stays_unchanged(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let d = draft(db, &b, json!({"type": "note", "body": "B's note"})).await;
        let path = format!("/api/drafts/{}", id(&d));
        for (method, suffix, body) in [
            ("GET", "", None),
            ("PUT", "", Some(json!({"body": "hijacked"}))),
            ("POST", "/approve", None),
            ("POST", "/reject", Some(json!({"feedback": "x"}))),
            ("POST", "/revise", Some(json!({"body": "hijacked"}))),
        ] {
            let (status, ctype, problem) = call(db, method, &format!("{path}{suffix}"), Some(&a), body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {suffix}");
            assert_eq!((ctype.as_str(), problem["type"].as_str()), ("application/problem+json", Some("/problems/not-found")));
        }
        let (_, _, list) = call(db, "GET", "/api/drafts", Some(&a), None).await;
        assert_eq!(list["total"], 0);
        let (_, _, still) = call(db, "GET", &path, Some(&b), None).await;
        assert_eq!((still["draft"]["status"].as_str(), still["draft"]["body"].as_str()), (Some("pending"), Some("B's note")));
    }

    async fn bad_draft_input_is_problem_json_never_a_500(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "other").await;
        let (_, _, foreign_task) = call(db, "POST", "/api/tasks", Some(&other), Some(json!({"title": "theirs"}))).await;
        let cases = [
            ("POST", "/api/drafts", Some(json!({"type": "fax", "body": "x"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/drafts", Some(json!({"type": "email", "body": "  "})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/drafts", Some(json!({"type": "email", "body": "x", "cc": "y"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/drafts", Some(json!({"type": "email"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/drafts", Some(json!({"type": "email", "body": "x", "task_id": foreign_task["id"]})), StatusCode::NOT_FOUND),
            ("GET", "/api/drafts?status=lost", None, StatusCode::UNPROCESSABLE_ENTITY),
            ("GET", "/api/drafts?limit=0", None, StatusCode::UNPROCESSABLE_ENTITY),
            ("GET", "/api/drafts/not-a-uuid", None, StatusCode::UNPROCESSABLE_ENTITY),
        ];
        for (method, path, body, want) in cases {
            let (status, ctype, problem) = call(db, method, path, Some(&key), body.clone()).await;
            assert_eq!(status, want, "{method} {path} {body:?}: {problem}");
            assert_eq!(ctype, "application/problem+json");
        }
        let (_, _, list) = call(db, "GET", "/api/drafts", Some(&key), None).await;
        assert_eq!(list["total"], 0);
    }
}
