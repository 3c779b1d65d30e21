//! `/api/channels`: creating a webhook hands its secret back once and
//! stores it only encrypted; bad input is a 422 naming the field; members
//! see only their own channels; a test notice goes to that channel only.

mod common;

use axum::http::StatusCode;
use chief_store::Db;
use chief_testkit::both_backends;
use common::{call, key_for, member_key};
use serde_json::{Value, json};

async fn add_hook(db: &Db, key: &str, name: &str) -> Value {
    let (status, _, v) = call(
        db,
        "POST",
        "/api/channels",
        Some(key),
        Some(json!({"kind": "webhook", "name": name, "config": {"url": "https://hooks.example.test/in"}, "topics": ["briefing", "deadline"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

both_backends! {
    async fn a_channels_secret_is_shown_once_and_stored_only_encrypted(db: &Db) {
        let key = key_for(db, "a").await;
        let created = add_hook(db, &key, "ops").await;
        let secret = created["secret"].as_str().unwrap().to_string();
        assert!(secret.starts_with("whsec_"), "{created}");
        let id = created["channel"]["id"].as_str().unwrap().to_string();
        assert_eq!(created["channel"]["config"]["url"], "https://hooks.example.test/in");

        for path in ["/api/channels".to_string(), format!("/api/channels/{id}"), "/api/logs?limit=100".into()] {
            let (status, _, v) = call(db, "GET", &path, Some(&key), None).await;
            if status == StatusCode::OK {
                assert!(!v.to_string().contains(&secret), "GET {path} shows the secret: {v}");
            }
        }
        let (_, _, updated) = call(db, "PUT", &format!("/api/channels/{id}"), Some(&key), Some(json!({"enabled": false}))).await;
        assert_eq!(updated["enabled"], false);
        assert!(!updated.to_string().contains(&secret));

        let raw = chief_store::testing::fetch_optional(db, "SELECT secret FROM channels WHERE id = $1", &[uuid::Uuid::parse_str(&id).unwrap().into()])
            .await
            .unwrap()
            .unwrap()
            .text("secret")
            .unwrap();
        let encoded = secret.trim_start_matches("whsec_");
        assert!(!raw.contains("whsec_") && !raw.contains(encoded), "stored in plaintext: {raw}");
        assert!(raw.len() > secret.len(), "nonce, ciphertext and tag: {raw}");
    }

    async fn a_given_secret_is_used_and_bad_ones_are_refused(db: &Db) {
        let key = key_for(db, "a").await;
        let given = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let (status, _, v) = call(db, "POST", "/api/channels", Some(&key), Some(json!({"name": "mine", "config": {"url": "http://127.0.0.1:9/x"}, "secret": given}))).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["secret"], given);
        assert_eq!(v["channel"]["kind"], "webhook", "webhook unless told");
        let (status, _, v) = call(db, "POST", "/api/channels", Some(&key), Some(json!({"name": "bad", "config": {"url": "http://x.test"}, "secret": "hunter2"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["errors"][0]["field"], "secret", "{v}");
    }

    async fn bad_channels_are_422_naming_the_field(db: &Db) {
        let key = key_for(db, "a").await;
        let url = |u: &str| json!({"url": u});
        let huge = "x".repeat(1_000_000);
        let cases = [
            (json!({"name": "", "config": url("https://x.test")}), "name"),
            (json!({"name": "   ", "config": url("https://x.test")}), "name"),
            (json!({"name": huge, "config": url("https://x.test")}), "name"),
            (json!({"name": "a", "config": url("ftp://x.test")}), "config.url"),
            (json!({"name": "a", "config": url("https://me:pw@x.test/")}), "config.url"),
            (json!({"name": "a", "config": url("🚀🚀")}), "config.url"),
            (json!({"name": "a", "config": url(&format!("https://x.test/{}", "a".repeat(3000)))}), "config.url"),
            (json!({"name": "a", "config": {}}), "config.url"),
            (json!({"name": "a", "config": "https://x.test"}), "config"),
            (json!({"name": "a", "config": url("https://x.test"), "topics": ["Deadline Overdue"]}), "topics"),
            (json!({"name": "a", "config": url("https://x.test"), "topics": ["مرحبا"]}), "topics"),
            (json!({"name": "a", "kind": "slack", "config": {}}), "kind"),
        ];
        for (body, field) in cases {
            let (status, ctype, v) = call(db, "POST", "/api/channels", Some(&key), Some(body.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:.200}: {v}");
            assert_eq!(ctype, "application/problem+json");
            assert_eq!(v["errors"][0]["field"], field, "{v:.300}");
        }
        let (status, _, v) = call(db, "POST", "/api/channels", Some(&key), Some(json!({"name": "a", "kind": "pigeon", "config": {}}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // Names are unique per user; RTL and emoji names are fine.
        add_hook(db, &key, "تنبيهات 📣").await;
        let (status, _, v) = call(db, "POST", "/api/channels", Some(&key), Some(json!({"name": "تنبيهات 📣", "config": url("https://x.test")}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{v}");
        assert!(v["detail"].as_str().unwrap().contains("already have a channel"), "{v}");
    }

    async fn members_see_only_their_own_channels_and_admins_all(db: &Db) {
        let owner = key_for(db, "a").await;
        let member = member_key(db, "a").await;
        let mine = add_hook(db, &member, "member hook").await;
        let theirs = add_hook(db, &owner, "owner hook").await;
        let theirs_id = theirs["channel"]["id"].as_str().unwrap();
        let (_, _, list) = call(db, "GET", "/api/channels", Some(&member), None).await;
        let names: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["member hook"]);
        for (method, suffix) in [("GET", ""), ("PUT", ""), ("POST", "/test"), ("DELETE", "")] {
            let body = (method == "PUT").then(|| json!({"enabled": false}));
            let (status, _, v) = call(db, method, &format!("/api/channels/{theirs_id}{suffix}"), Some(&member), body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {suffix}: {v}");
        }
        let (_, _, all) = call(db, "GET", "/api/channels", Some(&owner), None).await;
        assert_eq!(all.as_array().unwrap().len(), 2);
        let mine_id = mine["channel"]["id"].as_str().unwrap();
        let (status, _, _) = call(db, "GET", &format!("/api/channels/{mine_id}"), Some(&owner), None).await;
        assert_eq!(status, StatusCode::OK, "an admin sees a member's channel");
    }

    async fn a_test_notice_goes_to_that_channel_only_and_delete_takes_its_deliveries(db: &Db) {
        let key = key_for(db, "a").await;
        let a = add_hook(db, &key, "a").await;
        add_hook(db, &key, "b").await;
        let a_id = a["channel"]["id"].as_str().unwrap();
        let (status, _, d) = call(db, "POST", &format!("/api/channels/{a_id}/test"), Some(&key), None).await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        assert_eq!(d["topic"], "channel.test");
        assert_eq!(d["status"], "pending");
        assert_eq!(d["channel_id"], a_id);
        let (_, _, all) = call(db, "GET", "/api/deliveries", Some(&key), None).await;
        assert_eq!(all["total"], 1, "one copy, to that channel only: {all}");
        let (status, _, _) = call(db, "DELETE", &format!("/api/channels/{a_id}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, _) = call(db, "GET", &format!("/api/deliveries/{}", d["id"].as_str().unwrap()), Some(&key), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, _, logs) = call(db, "GET", "/api/logs?limit=100", Some(&key), None).await;
        let actions = logs.to_string();
        for action in ["channel.created", "channel.deleted", "delivery.created"] {
            assert!(actions.contains(action), "{action} audited: {actions:.500}");
        }
    }
}
