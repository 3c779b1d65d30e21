//! `/api/briefings` on both backends: composing and keeping a briefing,
//! reading it back as JSON, Markdown or text, listing by kind with paging,
//! 422s that name the field, and 404 across workspaces and across users.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chief_store::Db;
use chief_testkit::both_backends;
use common::{call, key_for, member_key, send};
use serde_json::{Value, json};

/// A raw GET with headers: (status, content type, body text).
async fn get_raw(
    db: &Db,
    path: &str,
    key: &str,
    accept: Option<&str>,
) -> (StatusCode, String, String) {
    let mut req = Request::builder()
        .method("GET")
        .uri(path)
        .header("x-api-key", key);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let app = chief_server::router(db.clone());
    let (status, headers, bytes) = send(&app, req.body(Body::empty()).unwrap()).await;
    let ctype = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ctype, String::from_utf8(bytes.to_vec()).unwrap())
}

fn field_of(problem: &Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or_default()
}

both_backends! {
    async fn posting_a_kind_composes_keeps_and_serves_it_in_three_forms(db: &Db) {
        let key = key_for(db, "acme").await;
        let (s, _, _) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({
            "title": "Call Patrick", "assignee": "user", "due_date": "2026-03-03T15:00:00Z"
        }))).await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, _, b) = call(db, "POST", "/api/briefings", Some(&key), Some(json!({
            "kind": "morning", "now": "2026-03-03T07:00:00Z"
        }))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["kind"], "morning");
        assert_eq!(b["content"]["kind"], "morning");
        assert_eq!(b["content"]["due"]["items"][0]["title"], "Call Patrick");
        assert_eq!(b["period_start"], "2026-03-03T00:00:00Z");
        let id = b["id"].as_str().unwrap().to_string();

        let (s, ctype, v) = call(db, "GET", &format!("/api/briefings/{id}"), Some(&key), None).await;
        assert_eq!((s, ctype.as_str()), (StatusCode::OK, "application/json"));
        assert_eq!(v, b, "the kept briefing reads back as it was created");

        let (s, ctype, md) = get_raw(db, &format!("/api/briefings/{id}?format=markdown"), &key, None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(ctype, "text/markdown; charset=utf-8");
        assert!(md.starts_with("# Morning plan for Tuesday 3 March 2026"), "{md}");
        assert!(md.contains("- **P3** Call Patrick — due today 15:00"), "{md}");

        let (s, ctype, txt) = get_raw(db, &format!("/api/briefings/{id}"), &key, Some("text/plain")).await;
        assert_eq!((s, ctype.as_str()), (StatusCode::OK, "text/plain; charset=utf-8"));
        assert!(txt.contains("  - P3  Call Patrick (due today 15:00)"), "{txt}");
        assert!(!txt.contains("**"), "plain text has no Markdown: {txt}");
        // The query wins over the Accept header.
        let (_, ctype, _) = get_raw(db, &format!("/api/briefings/{id}?format=json"), &key, Some("text/markdown")).await;
        assert_eq!(ctype, "application/json");

        let (_, _, evs) = call(db, "GET", "/api/logs?action=briefing.created", Some(&key), None).await;
        assert!(evs.to_string().contains(&id), "the audit log records it: {evs}");
    }

    async fn briefings_are_listed_newest_first_by_kind_with_paging(db: &Db) {
        let key = key_for(db, "acme").await;
        for kind in ["morning", "evening", "morning"] {
            let (s, _, b) = call(db, "POST", "/api/briefings", Some(&key), Some(json!({"kind": kind}))).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (_, _, all) = call(db, "GET", "/api/briefings", Some(&key), None).await;
        assert_eq!(all["total"], 3);
        let (_, _, mornings) = call(db, "GET", "/api/briefings?kind=morning&limit=1", Some(&key), None).await;
        assert_eq!((mornings["total"].as_i64(), mornings["limit"].as_i64()), (Some(2), Some(1)));
        assert_eq!(mornings["items"].as_array().unwrap().len(), 1);
        let (_, _, next) = call(db, "GET", "/api/briefings?kind=morning&limit=1&offset=1", Some(&key), None).await;
        assert_ne!(next["items"][0]["id"], mornings["items"][0]["id"]);
        let (_, _, evenings) = call(db, "GET", "/api/briefings?kind=EVENING", Some(&key), None).await;
        assert_eq!(evenings["total"], 1);
        assert_eq!(evenings["items"][0]["content"]["kind"], "evening");
    }

    async fn bad_input_is_a_422_naming_the_field_and_creates_nothing(db: &Db) {
        let key = key_for(db, "acme").await;
        let big = "x".repeat(100_000);
        let cases: Vec<(&str, String, Option<Value>, &str)> = vec![
            ("POST", "/api/briefings".into(), Some(json!({"kind": "monthly"})), "kind"),
            ("POST", "/api/briefings".into(), Some(json!({"kind": ""})), "kind"),
            ("POST", "/api/briefings".into(), Some(json!({"kind": "🌅 مرحبا"})), "kind"),
            ("POST", "/api/briefings".into(), Some(json!({"kind": big})), "kind"),
            ("POST", "/api/briefings".into(), Some(json!({})), "kind"),
            ("POST", "/api/briefings".into(), Some(json!({"kind": 5})), "kind"),
            ("POST", "/api/briefings".into(), Some(json!({"kind": "morning", "now": "yesterday"})), "now"),
            ("GET", "/api/briefings?kind=nightly".into(), None, "kind"),
            ("GET", "/api/briefings?limit=0".into(), None, "limit"),
            ("GET", format!("/api/briefings/{}?format=pdf", uuid::Uuid::now_v7()), None, "format"),
            ("GET", "/api/briefings/not-an-id".into(), None, "id"),
        ];
        for (method, path, body, field) in cases {
            let (s, ctype, problem) = call(db, method, &path, Some(&key), body.clone()).await;
            let shown = &path[..path.len().min(60)];
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{method} {shown}: {problem}");
            assert_eq!(ctype, "application/problem+json");
            assert_eq!(field_of(&problem), field, "{method} {shown}: {problem}");
        }
        let (_, _, p) = call(db, "POST", "/api/briefings", Some(&key), Some(json!({"kind": "monthly"}))).await;
        assert!(p["detail"].as_str().unwrap().contains("morning, midday, evening, weekly"), "{p}");
        let (_, _, all) = call(db, "GET", "/api/briefings", Some(&key), None).await;
        assert_eq!(all["total"], 0);
    }

    async fn another_users_briefing_is_a_404_whatever_the_readers_role(db: &Db) {
        let owner = key_for(db, "a").await;
        let member = member_key(db, "a").await;
        call(db, "POST", "/api/tasks", Some(&owner), Some(json!({"title": "Owner's secret plan", "assignee": "user"}))).await;
        let (_, _, owners) = call(db, "POST", "/api/briefings", Some(&owner), Some(json!({"kind": "morning"}))).await;
        assert!(owners["text"].as_str().unwrap().contains("Owner's secret plan"));
        let (_, _, members) = call(db, "POST", "/api/briefings", Some(&member), Some(json!({"kind": "evening"}))).await;
        for (reader, theirs) in [(&member, &owners), (&owner, &members)] {
            let id = theirs["id"].as_str().unwrap();
            for path in [format!("/api/briefings/{id}"), format!("/api/briefings/{id}?format=markdown")] {
                let (s, ctype, p) = call(db, "GET", &path, Some(reader), None).await;
                assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {p}");
                assert_eq!(ctype, "application/problem+json");
                assert_eq!(p["type"], "/problems/not-found");
                assert!(!p.to_string().contains("secret"), "{p}");
            }
        }
        let (s, _, own) = call(db, "GET", &format!("/api/briefings/{}", owners["id"].as_str().unwrap()), Some(&owner), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(own["id"], owners["id"]);
    }

    async fn another_workspaces_briefing_is_a_404_and_never_listed(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        call(db, "POST", "/api/tasks", Some(&b), Some(json!({"title": "B's secret plan", "assignee": "user"}))).await;
        let (_, _, theirs) = call(db, "POST", "/api/briefings", Some(&b), Some(json!({"kind": "morning"}))).await;
        assert!(theirs["text"].as_str().unwrap().contains("B's secret plan"));
        let id = theirs["id"].as_str().unwrap();
        for path in [format!("/api/briefings/{id}"), format!("/api/briefings/{id}?format=text")] {
            let (s, ctype, p) = call(db, "GET", &path, Some(&a), None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {p}");
            assert_eq!(ctype, "application/problem+json");
            assert!(!p.to_string().contains("secret"));
        }
        let (_, _, mine) = call(db, "POST", "/api/briefings", Some(&a), Some(json!({"kind": "morning"}))).await;
        assert!(!mine.to_string().contains("secret"), "A's briefing is composed from A's data only");
        let (_, _, list) = call(db, "GET", "/api/briefings", Some(&a), None).await;
        assert_eq!(list["total"], 1);
        assert!(!list.to_string().contains("secret"));
    }
}
