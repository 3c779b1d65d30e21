//! `/api/users` and `/api/keys` over HTTP, on SQLite and PostgreSQL: roles
//! (members are refused, only owners make owners), key creation shown once,
//! revocation answering 401 afterwards, and another tenant's ids answering
//! 404.

use axum::http::StatusCode;
use chief_store::Db;
use serde_json::{Value, json};

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

/// Adds a user with `role` through the API and returns (user id, their key).
async fn user_with_key(db: &Db, owner: &str, email: &str, role: &str) -> (String, String) {
    let (status, _, user) = call(
        db,
        "POST",
        "/api/users",
        Some(owner),
        Some(json!({"email": email, "role": role})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let id = user["id"].as_str().unwrap().to_string();
    let (status, _, created) = call(
        db,
        "POST",
        "/api/keys",
        Some(owner),
        Some(json!({"name": "laptop", "user_id": id})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (id, created["key"].as_str().unwrap().to_string())
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn owners_manage_users_and_members_only_see_themselves(db: &Db) {
        let owner = key_for(db, "acme").await;
        let (member_id, member) = user_with_key(db, &owner, "mia@acme.test", "member").await;
        let (status, _, me) = call(db, "GET", "/api/users/me", Some(&member), None).await;
        assert_eq!((status, me["id"].as_str()), (StatusCode::OK, Some(member_id.as_str())));
        assert_eq!(me["role"], "member");
        for (method, path, body) in [
            ("GET", "/api/users".to_string(), None),
            ("GET", format!("/api/users/{member_id}"), None),
            ("POST", "/api/users".to_string(), Some(json!({"email": "x@acme.test"}))),
            ("PUT", format!("/api/users/{member_id}"), Some(json!({"role": "admin"}))),
            ("DELETE", format!("/api/users/{member_id}"), None),
        ] {
            let (status, ctype, _) = call(db, method, &path, Some(&member), body).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::FORBIDDEN, "application/problem+json"), "{method} {path}");
        }
        let (_, _, list) = call(db, "GET", "/api/users", Some(&owner), None).await;
        assert_eq!(list["total"], 2);
        let path = format!("/api/users/{member_id}");
        let (status, _, updated) = call(db, "PUT", &path, Some(&owner), Some(json!({"name": "Mia", "timezone": "Europe/Paris", "role": "admin"}))).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!((updated["name"].as_str(), updated["timezone"].as_str(), updated["role"].as_str()), (Some("Mia"), Some("Europe/Paris"), Some("admin")));
        let (status, _, problem) = call(db, "PUT", &path, Some(&owner), Some(json!({"timezone": "Mars/Olympus"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, _, _) = call(db, "POST", "/api/users", Some(&owner), Some(json!({"email": "MIA@acme.test"}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "emails are unique in a workspace");
        let (status, _, _) = call(db, "POST", "/api/users", Some(&owner), Some(json!({"email": "not-an-email"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _, _) = call(db, "DELETE", &path, Some(&owner), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, _) = call(db, "GET", &path, Some(&owner), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = call(db, "GET", "/api/users/me", Some(&member), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a removed user's key stops working");
    }

    async fn only_an_owner_may_make_or_change_an_owner(db: &Db) {
        let owner = key_for(db, "acme").await;
        let (_, admin) = user_with_key(db, &owner, "ada@acme.test", "admin").await;
        let (member_id, _) = user_with_key(db, &owner, "mia@acme.test", "member").await;
        let (status, _, problem) = call(db, "POST", "/api/users", Some(&admin), Some(json!({"email": "o@acme.test", "role": "owner"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        let (status, _, _) = call(db, "PUT", &format!("/api/users/{member_id}"), Some(&admin), Some(json!({"role": "owner"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, _, me) = call(db, "GET", "/api/users/me", Some(&owner), None).await;
        let owner_path = format!("/api/users/{}", me["id"].as_str().unwrap());
        let (status, _, _) = call(db, "PUT", &owner_path, Some(&admin), Some(json!({"role": "member"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an admin cannot demote the owner");
        let (status, _, _) = call(db, "DELETE", &owner_path, Some(&admin), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an admin cannot remove the owner");
        let (status, _, _) = call(db, "PUT", &format!("/api/users/{member_id}"), Some(&admin), Some(json!({"role": "admin"}))).await;
        assert_eq!(status, StatusCode::OK, "an admin may promote to admin");
        let (status, _, problem) = call(db, "PUT", &owner_path, Some(&owner), Some(json!({"role": "admin"}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "the last owner stays owner: {problem}");
        let (status, _, promoted) = call(db, "PUT", &format!("/api/users/{member_id}"), Some(&owner), Some(json!({"role": "owner"}))).await;
        assert_eq!((status, promoted["role"].as_str()), (StatusCode::OK, Some("owner")));
        let (status, _, _) = call(db, "DELETE", &owner_path, Some(&owner), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "you cannot remove yourself");
    }

    async fn a_user_who_owns_work_is_not_removed(db: &Db) {
        let owner = key_for(db, "acme").await;
        let (id, member) = user_with_key(db, &owner, "mia@acme.test", "member").await;
        call(db, "POST", "/api/tasks", Some(&member), Some(json!({"title": "Mine"}))).await;
        let (status, _, problem) = call(db, "DELETE", &format!("/api/users/{id}"), Some(&owner), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("tasks"), "{problem}");
        let (_, _, list) = call(db, "GET", "/api/tasks", Some(&owner), None).await;
        assert_eq!(list["total"], 1, "the task is still there");
    }

    async fn keys_are_listed_created_once_and_revoked(db: &Db) {
        let owner = key_for(db, "acme").await;
        let (status, _, keys) = call(db, "GET", "/api/keys", Some(&owner), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(keys.as_array().unwrap().len(), 1);
        assert_eq!(keys[0]["current"], true);
        assert!(keys[0].get("key_hash").is_none() && keys[0].get("key").is_none(), "no secret in a list: {keys}");
        let (status, _, created) = call(db, "POST", "/api/keys", Some(&owner), Some(json!({"name": "ci"}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let second = created["key"].as_str().unwrap().to_string();
        let prefix = created["api_key"]["prefix"].as_str().unwrap();
        assert!(second.starts_with(&format!("chief_{prefix}_")), "{second}");
        assert_eq!(created["api_key"]["current"], false);
        let (_, _, keys) = call(db, "GET", "/api/keys", Some(&second), None).await;
        assert_eq!(keys.as_array().unwrap().len(), 2);
        let current: Vec<_> = keys.as_array().unwrap().iter().filter(|k| k["current"] == true).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0]["prefix"].as_str(), Some(prefix));
        let path = format!("/api/keys/{}", created["api_key"]["id"].as_str().unwrap());
        let (status, _, _) = call(db, "DELETE", &path, Some(&owner), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, problem) = call(db, "GET", "/api/tasks", Some(&second), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked key answers 401: {problem}");
        let (status, _, _) = call(db, "DELETE", &path, Some(&owner), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "revoking twice");
        let (_, _, keys) = call(db, "GET", "/api/keys", Some(&owner), None).await;
        assert!(keys[1]["revoked_at"].is_string());
        let (status, _, _) = call(db, "POST", "/api/keys", Some(&owner), Some(json!({"name": ""}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn members_manage_only_their_own_keys_and_admins_any(db: &Db) {
        let owner = key_for(db, "acme").await;
        let (_, admin) = user_with_key(db, &owner, "ada@acme.test", "admin").await;
        let (member_id, member) = user_with_key(db, &owner, "mia@acme.test", "member").await;
        let (_, _, me) = call(db, "GET", "/api/users/me", Some(&owner), None).await;
        let owner_id = me["id"].as_str().unwrap();
        let (_, _, owner_keys) = call(db, "GET", "/api/keys", Some(&owner), None).await;
        let owner_key_path = format!("/api/keys/{}", owner_keys[0]["id"].as_str().unwrap());
        let (status, _, _) = call(db, "GET", &format!("/api/keys?user_id={owner_id}"), Some(&member), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = call(db, "POST", "/api/keys", Some(&member), Some(json!({"name": "x", "user_id": owner_id}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = call(db, "DELETE", &owner_key_path, Some(&member), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, theirs) = call(db, "GET", &format!("/api/keys?user_id={member_id}"), Some(&admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(theirs.as_array().unwrap().len(), 1);
        assert_eq!(theirs[0]["current"], false);
        let (status, _, _) = call(db, "DELETE", &format!("/api/keys/{}", ids(&theirs)[0]), Some(&admin), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "an admin revokes a member's key");
        let (status, _, _) = call(db, "GET", "/api/users/me", Some(&member), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    async fn another_tenants_users_and_keys_answer_404(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let (b_user, _) = user_with_key(db, &b, "bob@b.test", "member").await;
        let (_, _, b_keys) = call(db, "GET", &format!("/api/keys?user_id={b_user}"), Some(&b), None).await;
        let b_key = ids(&b_keys)[0].clone();
        let user_path = format!("/api/users/{b_user}");
        for (method, path, body) in [
            ("GET", user_path.clone(), None),
            ("PUT", user_path.clone(), Some(json!({"name": "hijacked"}))),
            ("DELETE", user_path.clone(), None),
            ("GET", format!("/api/keys?user_id={b_user}"), None),
            ("POST", "/api/keys".to_string(), Some(json!({"name": "x", "user_id": b_user}))),
            ("DELETE", format!("/api/keys/{b_key}"), None),
        ] {
            let (status, ctype, _) = call(db, method, &path, Some(&a), body).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::NOT_FOUND, "application/problem+json"), "{method} {path}");
        }
        let (_, _, still) = call(db, "GET", &user_path, Some(&b), None).await;
        assert!(still["name"].is_null());
        let (_, _, keys) = call(db, "GET", &format!("/api/keys?user_id={b_user}"), Some(&b), None).await;
        assert!(keys[0]["revoked_at"].is_null(), "B's key was not revoked");
        let (_, _, users) = call(db, "GET", "/api/users", Some(&a), None).await;
        assert_eq!(users["total"], 1);
    }
}
