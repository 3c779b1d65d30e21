//! The HTTP test harness: a store on each backend (a temporary SQLite file;
//! a throwaway PostgreSQL schema), workspaces with keys, and one-call
//! requests through the whole router.
#![allow(dead_code, unused_imports, unused_macros)]

pub mod browser;
pub mod webhook_receiver;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chief_domain::tenant::Role;
use chief_store::tenancy::{self, NewUser};
use chief_store::{Db, Location, OpenOptions};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct Backend {
    pub db: Db,
    _dir: tempfile::TempDir,
    cleanup: Option<(String, String)>,
}

pub async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(
        &Location::Sqlite(dir.path().join("chief.db")),
        &OpenOptions::default(),
    )
    .await
    .unwrap();
    Backend {
        db,
        _dir: dir,
        cleanup: None,
    }
}

pub async fn postgres() -> Option<Backend> {
    let Ok(url) = std::env::var("CHIEF_TEST_POSTGRES_URL") else {
        assert_ne!(
            std::env::var("CHIEF_TEST_REQUIRE_POSTGRES").as_deref(),
            Ok("1"),
            "CHIEF_TEST_POSTGRES_URL is not set"
        );
        eprintln!("skipping: CHIEF_TEST_POSTGRES_URL is not set");
        return None;
    };
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = OpenOptions {
        migrate: false,
        max_connections: 1,
        ..Default::default()
    };
    let a = Db::open(&Location::Postgres(url.clone()), &admin)
        .await
        .unwrap();
    chief_store::testing::execute(&a, &format!("CREATE SCHEMA {schema}"), &[])
        .await
        .unwrap();
    a.close().await;
    let opts = OpenOptions {
        pg_schema: Some(schema.clone()),
        ..Default::default()
    };
    let db = Db::open(&Location::Postgres(url.clone()), &opts)
        .await
        .unwrap();
    Some(Backend {
        db,
        _dir: tempfile::tempdir().unwrap(),
        cleanup: Some((url, schema)),
    })
}

impl Backend {
    pub async fn finish(self) {
        self.db.close().await;
        if let Some((url, schema)) = self.cleanup {
            let admin = OpenOptions {
                migrate: false,
                max_connections: 1,
                ..Default::default()
            };
            let a = Db::open(&Location::Postgres(url), &admin).await.unwrap();
            chief_store::testing::execute(&a, &format!("DROP SCHEMA {schema} CASCADE"), &[])
                .await
                .unwrap();
            a.close().await;
        }
    }
}

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

/// Runs each body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both {
    ($($name:ident($db:ident) $body:block)*) => {$(
        mod $name {
            use super::*;
            async fn body($db: &Db) $body
            #[tokio::test]
            pub async fn sqlite() { let b = common::sqlite().await; body(&b.db).await; b.finish().await; }
            #[tokio::test]
            pub async fn postgres() { if let Some(b) = common::postgres().await { body(&b.db).await; b.finish().await; } }
        }
    )*};
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
