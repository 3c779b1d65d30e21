//! `GET /api/tasks/suggest` over HTTP, on SQLite and PostgreSQL: ranking
//! with reasons, a given context filtering, an inferred one from the clock
//! and the calendar, rules from settings, and bad input as 422.

use axum::http::StatusCode;
use chief_domain::calendar::NewCalendarEvent;
use chief_store::{Db, Scope, Tx, tenancy};
use serde_json::{Value, json};

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

async fn create(db: &Db, key: &str, path: &str, body: Value) -> String {
    let (status, _, created) = call(db, "POST", path, Some(key), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
    created["id"].as_str().unwrap().to_string()
}

async fn write_as(db: &Db, key: &str) -> (Tx, uuid::Uuid) {
    let (user, _) = tenancy::authenticate(db, key).await.unwrap().unwrap();
    let tx = db
        .write(&Scope::user(user.tenant_id, user.id))
        .await
        .unwrap();
    (tx, user.id)
}

/// A task of the person's with @contexts, created through the store (the
/// API's create body has no contexts).
async fn task_with(
    db: &Db,
    key: &str,
    title: &str,
    contexts: &[&str],
    priority: i64,
    project: Option<&str>,
) -> String {
    let (mut tx, user) = write_as(db, key).await;
    let new = chief_domain::task::NewTask {
        title: title.into(),
        assignee: Some(chief_domain::task::Assignee::User),
        priority: Some(chief_domain::Priority::try_from(priority).unwrap()),
        contexts: contexts.iter().map(|c| c.to_string()).collect(),
        project_id: project.map(|p| p.parse().unwrap()),
        ..Default::default()
    };
    let t = chief_store::task::create(&mut tx, user, new).await.unwrap();
    tx.commit().await.unwrap();
    t.id.to_string()
}

fn titles(v: &Value) -> Vec<&str> {
    v["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["task"]["title"].as_str().unwrap())
        .collect()
}

/// Monday 23 November 2026 at a UTC time (the test users are on UTC).
fn monday(hm: &str) -> String {
    format!("2026-11-23T{hm}:00Z")
}

both_backends! {
    async fn suggestions_rank_with_reasons_and_a_given_context_filters(db: &Db) {
        let key = key_for(db, "acme").await;
        let goal = create(db, &key, "/api/projects", json!({"name": "Grow revenue", "project_type": "goal"})).await;
        let sales = create(db, &key, "/api/projects", json!({"name": "Liberty deal", "parent_id": goal})).await;
        task_with(db, &key, "Call Patrick about pricing", &["phone"], 3, Some(&sales)).await;
        task_with(db, &key, "Buy stamps", &["errands"], 1, None).await;
        task_with(db, &key, "Read the board memo", &[], 4, None).await;
        create(db, &key, "/api/tasks", json!({"title": "Agent work", "assignee": "agent", "priority": 1})).await;

        let (status, _, got) = call(db, "GET", &format!("/api/tasks/suggest?context=@Phone&minutes=30&energy=low&at={}", monday("11:00")), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{got}");
        assert_eq!(got["context"], json!({"value": "phone", "inferred": false, "reason": "given"}));
        assert_eq!(got["minutes"], 30);
        assert_eq!(got["energy"], "low");
        assert_eq!(titles(&got), vec!["Call Patrick about pricing", "Read the board memo"], "errands are elsewhere; the agent's work is not the person's");
        let first = &got["suggestions"][0];
        let reasons: Vec<&str> = first["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        assert_eq!(reasons, vec!["serves goal 'Grow revenue'", "matches @phone"]);
        assert!(first["score"].as_f64().unwrap() > got["suggestions"][1]["score"].as_f64().unwrap());

        let (_, _, one) = call(db, "GET", "/api/tasks/suggest?context=errands&limit=1", Some(&key), None).await;
        assert_eq!(titles(&one), vec!["Buy stamps"]);
        assert_eq!(one["suggestions"][0]["reasons"], json!(["priority 1", "matches @errands"]));

        for (query, field) in [
            ("minutes=0", "minutes"), ("minutes=abc", "minutes"), ("minutes=99999", "minutes"),
            ("energy=medium", "energy"), ("limit=0", "limit"), ("limit=101", "limit"),
            ("context=", "context"), ("context=two%20words", "context"), ("at=yesterday", "at"), ("colour=red", "colour"),
        ] {
            let (status, ctype, problem) = call(db, "GET", &format!("/api/tasks/suggest?{query}"), Some(&key), None).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "application/problem+json"), "{query}: {problem}");
            assert!(problem.to_string().contains(field), "{query} names {field}: {problem}");
        }
    }

    async fn the_context_is_inferred_from_the_clock_and_the_calendar_by_rules_in_settings(db: &Db) {
        let key = key_for(db, "acme").await;
        task_with(db, &key, "Call the bank", &["phone"], 3, None).await;
        task_with(db, &key, "Fix the shelf", &["home"], 3, None).await;
        task_with(db, &key, "Write notes", &["meeting"], 4, None).await;
        let suggest_at = |hm: &'static str| {
            let key = key.clone();
            async move { call(db, "GET", &format!("/api/tasks/suggest?at={}", monday(hm)), Some(&key), None).await.2 }
        };
        let commute = suggest_at("08:15").await;
        assert_eq!(commute["context"]["value"], "phone");
        assert_eq!(commute["context"]["inferred"], true);
        assert_eq!(titles(&commute)[0], "Call the bank");
        assert_eq!(titles(&commute).len(), 3, "an inferred context boosts, it does not hide");
        let evening = suggest_at("20:30").await;
        assert_eq!(evening["context"]["value"], "home");
        assert_eq!(titles(&evening)[0], "Fix the shelf");
        let midday = suggest_at("11:00").await;
        assert!(midday["context"]["value"].is_null(), "{midday}");

        let (mut tx, user) = write_as(db, &key).await;
        chief_store::calendar::create(&mut tx, user, NewCalendarEvent {
            title: "Standup".into(),
            starts_at: monday("08:00").parse().unwrap(),
            ends_at: Some(monday("08:30").parse().unwrap()),
            ..Default::default()
        }).await.unwrap();
        tx.commit().await.unwrap();
        let meeting = suggest_at("08:15").await;
        assert_eq!(meeting["context"], json!({"value": "meeting", "inferred": true, "reason": "in a meeting (\"Standup\")"}));
        assert_eq!(titles(&meeting)[0], "Write notes");

        // The person's own rules replace the defaults.
        let (mut tx, user) = write_as(db, &key).await;
        chief_store::setting::set(&mut tx, Some(user), "suggest.context_rules", json!([{"context": "home", "from": "06:00", "to": "12:00"}])).await.unwrap();
        tx.commit().await.unwrap();
        let mine = suggest_at("08:15").await;
        assert_eq!(mine["context"]["value"], "home");
        assert_eq!(mine["context"]["reason"], "rule 1: 06:00–12:00");

        let (mut tx, user) = write_as(db, &key).await;
        chief_store::setting::set(&mut tx, Some(user), "suggest.context_rules", json!([{"context": "home", "from": "6am"}])).await.unwrap();
        tx.commit().await.unwrap();
        let (status, _, problem) = call(db, "GET", "/api/tasks/suggest", Some(&key), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem.to_string().contains("suggest.context_rules"), "{problem}");
        let (status, _, given) = call(db, "GET", "/api/tasks/suggest?context=phone", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "a given context needs no rules: {given}");
    }

    async fn another_tenants_tasks_are_never_suggested(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        task_with(db, &b, "B's secret", &["phone"], 1, None).await;
        let (status, _, got) = call(db, "GET", "/api/tasks/suggest?context=phone", Some(&a), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(titles(&got).is_empty(), "{got}");
        let (status, _, _) = call(db, "GET", "/api/tasks/suggest", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}
