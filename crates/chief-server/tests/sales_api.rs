//! `/api/sales` over HTTP, on SQLite and PostgreSQL: values in currency
//! units kept as exact cents, stage advancement and its 409, tenant
//! isolation and problem+json errors.

use axum::http::StatusCode;
use chief_store::Db;
use serde_json::json;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

both_backends! {
    async fn a_deal_keeps_its_value_exactly_and_advances_to_closed_won(db: &Db) {
        let key = key_for(db, "acme").await;
        let (status, _, deal) = call(db, "POST", "/api/sales", Some(&key), Some(json!({"name": "Liberty renewal", "value": 1250.50, "probability": 60, "expected_close_date": "2026-06-30"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{deal}");
        assert_eq!((deal["value_cents"].as_i64(), deal["value"].as_f64()), (Some(125_050), Some(1250.5)));
        assert_eq!(deal["stage"], "lead");
        let path = format!("/api/sales/{}", deal["id"].as_str().unwrap());
        let (status, _, updated) = call(db, "PUT", &path, Some(&key), Some(json!({"value": 0.1, "next_action": "Send proposal"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((updated["value_cents"].as_i64(), updated["next_action"].as_str()), (Some(10), Some("Send proposal")));
        let (_, _, cleared) = call(db, "PUT", &path, Some(&key), Some(json!({"value": null}))).await;
        assert!(cleared["value_cents"].is_null() && cleared["value"].is_null());
        assert_eq!(cleared["next_action"], "Send proposal");
        let (_, _, leads) = call(db, "GET", "/api/sales?stage=lead", Some(&key), None).await;
        assert_eq!(leads.as_array().unwrap().len(), 1);
        for stage in ["qualified", "proposal", "negotiation", "closed_won"] {
            let (status, _, moved) = call(db, "PUT", &format!("{path}/advance"), Some(&key), None).await;
            assert_eq!((status, moved["stage"].as_str()), (StatusCode::OK, Some(stage)));
        }
        let (status, ctype, problem) = call(db, "PUT", &format!("{path}/advance"), Some(&key), None).await;
        assert_eq!((status, ctype.as_str()), (StatusCode::CONFLICT, "application/problem+json"));
        assert!(problem["detail"].as_str().unwrap().contains("closed_won"), "{problem}");
        let (_, _, won) = call(db, "GET", "/api/sales?stage=closed_won", Some(&key), None).await;
        assert!(won[0]["closed_at"].is_string());
        let (_, _, leads) = call(db, "GET", "/api/sales?stage=lead", Some(&key), None).await;
        assert!(leads.as_array().unwrap().is_empty());
    }

    async fn another_tenants_deal_answers_404_and_stays_unchanged(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let (_, _, deal) = call(db, "POST", "/api/sales", Some(&b), Some(json!({"name": "B's deal", "value": 10}))).await;
        let path = format!("/api/sales/{}", deal["id"].as_str().unwrap());
        for (suffix, body) in [("", Some(json!({"name": "hijacked"}))), ("/advance", None)] {
            let (status, _, problem) = call(db, "PUT", &format!("{path}{suffix}"), Some(&a), body).await;
            assert_eq!((status, problem["type"].as_str()), (StatusCode::NOT_FOUND, Some("/problems/not-found")), "{suffix}");
        }
        let (_, _, mine) = call(db, "GET", "/api/sales", Some(&a), None).await;
        assert!(mine.as_array().unwrap().is_empty());
        let (_, _, theirs) = call(db, "GET", "/api/sales", Some(&b), None).await;
        assert_eq!((theirs[0]["name"].as_str(), theirs[0]["stage"].as_str(), theirs[0]["value_cents"].as_i64()), (Some("B's deal"), Some("lead"), Some(1000)));
    }

    async fn bad_sales_input_is_problem_json_never_a_500(db: &Db) {
        let key = key_for(db, "acme").await;
        let (_, _, deal) = call(db, "POST", "/api/sales", Some(&key), Some(json!({"name": "Deal", "value": 5}))).await;
        let path = format!("/api/sales/{}", deal["id"].as_str().unwrap());
        let cases = [
            ("POST", "/api/sales", Some(json!({"name": "x", "value": 12.345})), "value"),
            ("POST", "/api/sales", Some(json!({"name": "x", "value": -5})), "value"),
            ("POST", "/api/sales", Some(json!({"name": "x", "value": 1e15})), "value"),
            ("POST", "/api/sales", Some(json!({"name": "x", "value": "lots"})), "value"),
            ("POST", "/api/sales", Some(json!({"name": "x", "probability": 101})), "probability"),
            ("POST", "/api/sales", Some(json!({"name": "x", "stage": "won"})), "stage"),
            ("POST", "/api/sales", Some(json!({"name": "", "value": 1})), "name"),
            ("POST", "/api/sales", Some(json!({"name": "x", "value_cents": 5})), "value_cents"),
            ("PUT", path.as_str(), Some(json!({"value": 0.001})), "value"),
            ("PUT", path.as_str(), Some(json!({"stage": "closed_won"})), "stage"),
            ("GET", "/api/sales?stage=maybe", None, "stage"),
        ];
        for (method, p, body, field) in cases {
            let (status, ctype, problem) = call(db, method, p, Some(&key), body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{method} {p} {body:?}: {problem}");
            assert_eq!(ctype, "application/problem+json");
            assert_eq!(problem["errors"][0]["field"], field, "{body:?}: {problem}");
        }
        let (_, _, all) = call(db, "GET", "/api/sales", Some(&key), None).await;
        assert_eq!(all.as_array().unwrap().len(), 1);
        assert_eq!(all[0]["value_cents"], 500, "a refused update changes nothing");
    }
}
