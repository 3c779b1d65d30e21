//! `POST /api/tasks/parse` on SQLite and PostgreSQL: the issue's example
//! read in the caller's zone, people resolved against the caller's
//! workspace only, the `date_order` setting, nothing saved, and 422s that
//! name the field.

use axum::http::StatusCode;
use chief_store::{Db, Scope, setting, tenancy};
use serde_json::{Value, json};

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

async fn parse(db: &Db, key: &str, body: Value) -> Value {
    let (status, _, v) = call(db, "POST", "/api/tasks/parse", Some(key), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

async fn invalid(db: &Db, key: &str, body: Value, field: &str) {
    let (status, ctype, problem) =
        call(db, "POST", "/api/tasks/parse", Some(key), Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(ctype, "application/problem+json");
    assert_eq!(problem["errors"][0]["field"], field, "{problem}");
}

const EXAMPLE: &str =
    "Call Patrick tomorrow 3pm about the Liberty renewal !1 +liberty @phone #sales";
const NOW: &str = "2026-11-24T10:00:00+01:00";

both_backends! {
    async fn the_issue_example_is_read_and_patrick_is_found_in_this_workspace_only(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "globex").await;
        let (status, _, patrick) = call(db, "POST", "/api/people", Some(&key), Some(json!({"name": "Patrick Fields"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{patrick}");

        let v = parse(db, &key, json!({"text": EXAMPLE, "now": NOW, "timezone": "Europe/Berlin"})).await;
        assert_eq!(v["title"], "Call Patrick about the Liberty renewal");
        assert_eq!(v["due"], "2026-11-25T15:00:00+01:00");
        assert_eq!(v["priority"], 1);
        assert_eq!(v["project"], "liberty");
        assert_eq!(v["contexts"], json!(["phone"]));
        assert_eq!(v["tags"], json!(["sales"]));
        assert_eq!(v["people"], json!([{"name": "Patrick", "person_id": patrick["id"]}]));

        // Another workspace has no Patrick: a suggestion, not someone else's person.
        let v = parse(db, &other, json!({"text": EXAMPLE, "now": NOW, "timezone": "Europe/Berlin"})).await;
        assert_eq!(v["people"][0]["person_id"], Value::Null);
        assert!(v["people"][0]["suggestion"].as_str().unwrap().contains("no person named Patrick"), "{v}");

        // Nothing was saved.
        let (_, _, tasks) = call(db, "GET", "/api/tasks", Some(&key), None).await;
        assert_eq!(tasks["total"], 0, "{tasks}");
    }

    async fn the_callers_zone_and_date_order_setting_are_the_defaults(db: &Db) {
        let key = key_for(db, "acme").await;
        let v = parse(db, &key, json!({"text": "rent 3/12 9am", "now": "2026-11-24T10:00:00Z"})).await;
        // The test users live in UTC; mdy by default.
        assert_eq!(v["due"], "2027-03-12T09:00:00+00:00", "{v}");
        let tenant = tenancy::list_tenants(db).await.unwrap().into_iter().find(|t| t.slug == "acme").unwrap();
        let owner = tenancy::list_users(db, tenant.id).await.unwrap()[0].clone();
        let mut tx = db.write(&Scope::user(tenant.id, owner.id)).await.unwrap();
        setting::set(&mut tx, Some(owner.id), "date_order", json!("dmy")).await.unwrap();
        tx.commit().await.unwrap();
        let v = parse(db, &key, json!({"text": "rent 3/12", "now": "2026-11-24T10:00:00Z"})).await;
        assert_eq!(v["due"], "2026-12-03", "{v}");
        let v = parse(db, &key, json!({"text": "standup every weekday 9:30", "now": NOW, "timezone": "America/New_York"})).await;
        assert_eq!(v["recurrence"], json!({"frequency": "weekly", "interval": 1, "weekdays": ["mon", "tue", "wed", "thu", "fri"]}));
        assert_eq!(v["due"], "2026-11-24T09:30:00-05:00", "{v}");
    }

    async fn bad_input_is_a_422_naming_the_field_and_odd_text_is_read_anyway(db: &Db) {
        let key = key_for(db, "acme").await;
        invalid(db, &key, json!({"text": "   "}), "text").await;
        invalid(db, &key, json!({"text": "x".repeat(10_001)}), "text").await;
        invalid(db, &key, json!({"text": "call Anna", "timezone": "Mars/Olympus"}), "timezone").await;
        invalid(db, &key, json!({"text": "call Anna", "now": "tuesday"}), "now").await;
        let v = parse(db, &key, json!({"text": "🎉 اتصل Feb 30", "now": NOW})).await;
        assert_eq!(v["title"], "🎉 اتصل Feb 30");
        assert_eq!(v["due"], Value::Null);
        assert!(v["warnings"].to_string().contains("Feb 30 is not a date"), "{v}");
    }
}
