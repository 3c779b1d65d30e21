//! The HTTP test helpers: workspaces with keys, and one-call requests
//! through the whole router. The store each test runs on, on both backends,
//! comes from `chief_testkit::both_backends!`.
#![allow(dead_code, unused_imports)]

pub mod browser;
pub use chief_testkit::webhook_receiver;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chief_domain::tenant::Role;
use chief_store::Db;
use chief_store::tenancy::{self, NewUser};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub async fn key_for(db: &Db, slug: &str) -> String {
    let owner = NewUser {
        email: format!("owner@{slug}.test"),
        name: None,
        role: Role::Owner,
        timezone: "UTC".into(),
    };
    tenancy::create_workspace(db, slug, slug, owner)
        .await
        .unwrap()
        .api_key
}

/// One request through a fresh router with default settings.
pub async fn call(
    db: &Db,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, String, Value) {
    call_app(&chief_server::router(db.clone()), method, path, key, body).await
}

/// One request through `app`, which keeps its state (rate limits, metrics)
/// between calls.
pub async fn call_app(
    app: &Router,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, String, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(k) = key {
        req = req.header("x-api-key", k);
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    (status, ctype, value)
}

/// Sends a prepared request through `app` and returns the raw parts.
pub async fn send(
    app: &Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, axum::body::Bytes) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (parts.status, parts.headers, bytes)
}

/// A new member (not admin) of the workspace `slug` already made by
/// `key_for`, and their key.
pub async fn member_key(db: &Db, slug: &str) -> String {
    let tenant = tenancy::list_tenants(db)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.slug == slug)
        .expect("workspace exists");
    let owner = tenancy::list_users(db, tenant.id).await.unwrap()[0].clone();
    let mut tx = db
        .write(&chief_store::Scope::user(tenant.id, owner.id))
        .await
        .unwrap();
    let n = uuid::Uuid::now_v7().simple().to_string();
    let user = tenancy::add_user(
        &mut tx,
        NewUser {
            email: format!("member-{n}@{slug}.test"),
            name: None,
            role: Role::Member,
            timezone: "UTC".into(),
        },
    )
    .await
    .unwrap();
    let (key, _) = tenancy::create_key(&mut tx, user.id, "test").await.unwrap();
    tx.commit().await.unwrap();
    key
}
