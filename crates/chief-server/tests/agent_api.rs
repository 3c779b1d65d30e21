//! `/api/agent/policy` and `/api/agent/personas` over HTTP, on SQLite and
//! PostgreSQL: the default policy, changing it (bad values are
//! problem+json naming the field), and personas added, listed, refused
//! when invalid or taken, and removed; another workspace never sees them.

use axum::http::StatusCode;
use chief_store::Db;
use serde_json::json;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

both_backends! {
    async fn the_agent_policy_is_read_and_changed_with_clear_errors(db: &Db) {
        let owner = key_for(db, "acme").await;
        let (status, _, policy) = call(db, "GET", "/api/agent/policy", Some(&owner), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(policy, json!({"read": "auto", "write": "auto", "propose": "auto",
            "admin": "ask", "daily_token_budget": 1_000_000}));
        let (status, _, changed) = call(db, "PUT", "/api/agent/policy", Some(&owner),
            Some(json!({"write": "ask", "daily_token_budget": 5000}))).await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!((changed["write"].as_str(), changed["admin"].as_str()), (Some("ask"), Some("ask")));
        let (_, _, read) = call(db, "GET", "/api/agent/policy", Some(&owner), None).await;
        assert_eq!(read["daily_token_budget"], 5000);
        for bad in [json!({"write": "sometimes"}), json!({"daily_token_budget": 0}),
                    json!({"delete": "auto"})] {
            let (status, ctype, problem) = call(db, "PUT", "/api/agent/policy", Some(&owner),
                Some(bad.clone())).await;
            assert!(status.is_client_error(), "{bad}: {status}");
            assert!(ctype.starts_with("application/problem+json"), "{bad}: {ctype}");
            assert!(problem["detail"].is_string(), "{problem}");
        }
        let (status, _, problem) = call(db, "PUT", "/api/agent/policy", Some(&owner),
            Some(json!({"daily_token_budget": 0}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem["detail"].as_str().unwrap().contains("daily_token_budget"), "{problem}");
        let other = key_for(db, "globex").await;
        let (_, _, theirs) = call(db, "GET", "/api/agent/policy", Some(&other), None).await;
        assert_eq!(theirs["write"], "auto", "another workspace keeps its own policy");
    }
}

both_backends! {
    async fn personas_are_added_listed_and_removed(db: &Db) {
        let owner = key_for(db, "acme").await;
        let legal = json!({"name": "legal", "prompt": "Contracts and their risks.",
            "keywords": ["NDA"], "tools": ["create_draft"],
            "knowledge_scope": {"kinds": ["client"]}});
        let (status, _, added) = call(db, "POST", "/api/agent/personas", Some(&owner),
            Some(legal.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{added}");
        assert_eq!(added["keywords"], json!(["nda"]));
        let (status, _, _) = call(db, "POST", "/api/agent/personas", Some(&owner),
            Some(legal.clone())).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _, problem) = call(db, "POST", "/api/agent/personas", Some(&owner),
            Some(json!({"name": "ops", "prompt": "x", "tools": ["send_email"]}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem["detail"].as_str().unwrap().contains("send_email"), "{problem}");
        let (_, _, all) = call(db, "GET", "/api/agent/personas", Some(&owner), None).await;
        let names: Vec<&str> = all.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["legal", "execution", "strategy", "discovery", "stakeholder", "general"]);

        let other = key_for(db, "globex").await;
        let (_, _, theirs) = call(db, "GET", "/api/agent/personas", Some(&other), None).await;
        assert_eq!(theirs.as_array().unwrap().len(), 5, "only the built-in ones");
        let (status, _, _) = call(db, "DELETE", "/api/agent/personas/legal", Some(&other), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another workspace's persona is a 404");

        let (status, _, _) = call(db, "DELETE", "/api/agent/personas/legal", Some(&owner), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, _) = call(db, "DELETE", "/api/agent/personas/general", Some(&owner), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
