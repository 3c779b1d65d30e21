//! What every endpoint shares: trace ids (stored on the audit rows), the
//! per-key rate limit, CORS, the body limit, metrics (with bounded labels
//! and an optional token), the security headers every answer carries, and
//! the OpenAPI document with its embedded docs; and a PostgreSQL that
//! goes down answering 503 within seconds.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chief_server::{ServerConfig, app};
use chief_store::Db;
use chief_testkit::both_backends;
use common::{call_app, key_for, send};
use serde_json::{Value, json};

fn post_task(key: &str, body: &str) -> Request<Body> {
    Request::post("/api/tasks")
        .header("x-api-key", key)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

both_backends! {
    async fn a_traceparent_is_returned_and_stored_on_the_audit_rows(db: &Db) {
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        let mut req = post_task(&key, r#"{"title": "Traced"}"#);
        req.headers_mut().insert(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap(),
        );
        let (status, headers, body) = send(&app, req).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(headers["x-trace-id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        let task: Value = serde_json::from_slice(&body).unwrap();
        let id = task["id"].as_str().unwrap().parse().unwrap();
        let tenant = chief_domain::TenantId(task["tenant_id"].as_str().unwrap().parse().unwrap());
        let logs = chief_store::audit::list(db, tenant, Some(id), 10).await.unwrap();
        assert!(!logs.is_empty());
        assert!(logs.iter().all(|l| l.trace_id.as_deref() == Some("4bf92f3577b34da6a3ce929d0e0e4736")));

        // Without one, a fresh id is made and returned.
        let (_, headers, _) = send(&app, post_task(&key, r#"{"title": "Untraced"}"#)).await;
        let made = headers["x-trace-id"].to_str().unwrap();
        assert_eq!(made.len(), 32);
        assert_ne!(made, "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    async fn a_key_over_its_rate_limit_gets_429_with_retry_after(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "other").await;
        let config = ServerConfig { rate_limit_per_minute: 5, ..Default::default() };
        let app = app(db.clone(), &config);
        for _ in 0..5 {
            let (status, _, _) = call_app(&app, "GET", "/api/tasks", Some(&key), None).await;
            assert_eq!(status, StatusCode::OK);
        }
        let req = Request::get("/api/tasks").header("x-api-key", &key).body(Body::empty()).unwrap();
        let (status, headers, body) = send(&app, req).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["type"], "/problems/rate-limited");
        // Another key is not held back by the first one's use.
        let (status, _, _) = call_app(&app, "GET", "/api/tasks", Some(&other), None).await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn an_oversized_body_is_413_and_stores_nothing(db: &Db) {
        let key = key_for(db, "acme").await;
        let config = ServerConfig { max_body_bytes: 1024, ..Default::default() };
        let app = app(db.clone(), &config);
        let big = json!({"title": "x".repeat(2000)}).to_string();
        let (status, headers, body) = send(&app, post_task(&key, &big)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(headers["content-type"], "application/problem+json");
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["type"], "/problems/too-large");
        assert!(problem["detail"].as_str().unwrap().contains("1024"));
        let (_, _, list) = call_app(&app, "GET", "/api/tasks", Some(&key), None).await;
        assert_eq!(list["total"], 0);
    }

    async fn a_body_that_is_not_json_is_415(db: &Db) {
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        let req = Request::post("/api/tasks")
            .header("x-api-key", &key)
            .header("content-type", "text/plain")
            .body(Body::from("title=x"))
            .unwrap();
        let (status, _, body) = send(&app, req).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["type"], "/problems/unsupported-media-type");
    }

    async fn cors_answers_only_the_configured_origins(db: &Db) {
        let config = ServerConfig { cors_origins: vec!["https://app.example".into()], ..Default::default() };
        let app = app(db.clone(), &config);
        let preflight = |origin: &str| {
            Request::builder()
                .method("OPTIONS")
                .uri("/api/tasks")
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "x-api-key,content-type")
                .body(Body::empty())
                .unwrap()
        };
        let (status, headers, _) = send(&app, preflight("https://app.example")).await;
        assert!(status.is_success(), "{status}");
        assert_eq!(headers["access-control-allow-origin"], "https://app.example");
        let allowed = headers["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
        assert!(allowed.contains("x-api-key"), "{allowed}");
        let (_, headers, _) = send(&app, preflight("https://evil.example")).await;
        assert!(headers.get("access-control-allow-origin").is_none());
        // With no origins configured, no CORS headers at all.
        let plain = chief_server::router(db.clone());
        let (_, headers, _) = send(&plain, preflight("https://app.example")).await;
        assert!(headers.get("access-control-allow-origin").is_none());
    }

    async fn metrics_count_requests_by_route_and_report_the_pool(db: &Db) {
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        call_app(&app, "POST", "/api/tasks", Some(&key), Some(json!({"title": "one"}))).await;
        call_app(&app, "GET", "/api/tasks/00000000-0000-7000-8000-000000000000", Some(&key), None).await;
        let (status, headers, body) = send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"));
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains(r#"chief_http_requests_total{method="POST",route="/api/tasks",status="201"} 1"#), "{text}");
        assert!(text.contains(r#"chief_http_requests_total{method="GET",route="/api/tasks/{id}",status="404"} 1"#), "{text}");
        assert!(text.contains(r#"chief_http_request_duration_seconds_count{method="POST",route="/api/tasks"} 1"#), "{text}");
        assert!(text.contains("chief_db_pool_connections "), "{text}");
    }

    async fn made_up_methods_are_counted_under_one_label(db: &Db) {
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        for (n, method) in ["BREW", "PROPFIND", "X-RANDOM-1", "X-RANDOM-2", "DELETE"].into_iter().enumerate() {
            let req = Request::builder().method(method).uri(format!("/nowhere/{n}")).header("x-api-key", &key).body(Body::empty()).unwrap();
            send(&app, req).await;
        }
        let (_, _, body) = send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains(r#"chief_http_requests_total{method="other",route="unmatched",status="404"} 4"#), "{text}");
        assert!(text.contains(r#"chief_http_requests_total{method="DELETE",route="unmatched",status="404"} 1"#), "{text}");
        for made_up in ["BREW", "PROPFIND", "X-RANDOM"] {
            assert!(!text.contains(made_up), "{made_up} became a label: {text}");
        }
    }

    async fn metrics_ask_for_the_metrics_token_when_one_is_set(db: &Db) {
        let app = app(db.clone(), &ServerConfig { metrics_token: Some("s3cret-token".into()), ..Default::default() });
        let get = |auth: Option<&str>| {
            let mut req = Request::get("/metrics");
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            req.body(Body::empty()).unwrap()
        };
        for auth in [None, Some("Bearer wrong"), Some("Bearer s3cret-toke"), Some("Basic s3cret-token")] {
            let (status, headers, body) = send(&app, get(auth)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
            assert_eq!(headers["www-authenticate"], r#"Bearer realm="chief""#);
            assert_eq!(headers["content-type"], "application/problem+json");
            assert!(String::from_utf8_lossy(&body).contains("CHIEF_METRICS_TOKEN"));
        }
        for auth in ["Bearer s3cret-token", "bearer s3cret-token"] {
            let (status, _, body) = send(&app, get(Some(auth))).await;
            assert_eq!(status, StatusCode::OK, "{auth}");
            assert!(String::from_utf8_lossy(&body).contains("chief_db_pool_connections "));
        }
        let open = chief_server::router(db.clone());
        assert_eq!(send(&open, get(None)).await.0, StatusCode::OK, "without a token set, /metrics stays open");
    }

    async fn every_page_and_api_answer_carries_the_security_headers(db: &Db) {
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        let with_key = |path: &str| Request::get(path).header("x-api-key", &key).body(Body::empty()).unwrap();
        let without = |path: &str| Request::get(path).body(Body::empty()).unwrap();
        let answers = [
            ("/", without("/")),
            ("/login", without("/login")),
            ("/static/app.js", without("/static/app.js")),
            ("/api/tasks", with_key("/api/tasks")),
            ("/api/tasks unauthorized", without("/api/tasks")),
            ("/api/nowhere", with_key("/api/nowhere")),
            ("/healthz", without("/healthz")),
            ("/metrics", without("/metrics")),
            ("/api/openapi.json", without("/api/openapi.json")),
            ("/api/docs", without("/api/docs")),
        ];
        for (name, req) in answers {
            let (_, headers, _) = send(&app, req).await;
            let csp = headers.get("content-security-policy").map(|v| v.to_str().unwrap()).unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'"), "{name}: {csp:?}");
            assert!(csp.contains("script-src 'self';") && csp.contains("default-src 'self'"), "{name}: {csp:?}");
            assert_eq!(headers["x-content-type-options"], "nosniff", "{name}");
            assert_eq!(headers["referrer-policy"], "same-origin", "{name}");
            assert_eq!(headers["x-frame-options"], "DENY", "{name}");
        }
        let (_, headers, _) = send(&app, without("/login")).await;
        assert!(headers["content-security-policy"].to_str().unwrap().contains("style-src 'self';"), "the dashboard needs no inline style");
    }

    async fn the_dashboard_keeps_to_its_policy_with_no_inline_script_or_style(db: &Db) {
        let (mut b, _) = common::browser::signed_in(db, "acme").await;
        for path in ["/login", "/", "/tasks", "/questions", "/drafts", "/briefings", "/settings", "/api/docs"] {
            let page = b.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let html = page.body.to_ascii_lowercase();
            for (at, _) in html.match_indices("<script") {
                let tag = &html[at..at + html[at..].find('>').unwrap()];
                assert!(tag.contains(" src=\"/"), "{path} has an inline script: {tag}");
            }
            assert!(!html.contains("<style"), "{path} has an inline style element");
            assert!(!html.contains(" style=\""), "{path} has an inline style attribute");
            assert!(!html.contains("javascript:"), "{path}");
            for handler in [" onclick=", " onload=", " onsubmit=", " onchange=", " oninput=", " hx-on"] {
                assert!(!html.contains(handler), "{path} has an inline handler {handler}");
            }
        }
    }

    async fn cached_keys_and_answers_follow_changes_made_elsewhere(db: &Db) {
        // One app keeps its caches; the changes below go straight to the
        // store, as another instance or the CLI would make them.
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        let (_, _, task) = call_app(&app, "POST", "/api/tasks", Some(&key), Some(json!({"title": "First"}))).await;
        let (_, _, next) = call_app(&app, "GET", "/api/tasks/next", Some(&key), None).await;
        assert_eq!(next["task"]["title"], "First");
        let tenant = chief_domain::TenantId(task["tenant_id"].as_str().unwrap().parse().unwrap());
        let user: uuid::Uuid = task["user_id"].as_str().unwrap().parse().unwrap();
        let scope = chief_store::Scope::user(tenant, user);
        let mut tx = db.write(&scope).await.unwrap();
        let new = chief_domain::task::NewTask { title: "Urgent".into(), priority: Some(chief_domain::Priority::HIGHEST), ..Default::default() };
        chief_store::task::create(&mut tx, user, new).await.unwrap();
        tx.commit().await.unwrap();
        let (_, _, next) = call_app(&app, "GET", "/api/tasks/next", Some(&key), None).await;
        assert_eq!(next["task"]["title"], "Urgent", "the cached answer was dropped");

        let keys = chief_store::tenancy::list_keys(db, tenant).await.unwrap();
        let mut tx = db.write(&scope).await.unwrap();
        chief_store::tenancy::revoke_key(&mut tx, &keys[0].id.to_string()).await.unwrap();
        tx.commit().await.unwrap();
        let (status, _, _) = call_app(&app, "GET", "/api/tasks/next", Some(&key), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked key stops working at once");
    }
}

#[tokio::test]
async fn the_openapi_document_covers_every_operation() {
    let doc = chief_server::openapi_document();
    assert_eq!(doc["openapi"], "3.1.0");
    let ops = chief_server::operations();
    assert!(ops.len() >= 15, "{}", ops.len());
    for op in &ops {
        let path = format!("/api{}", op.path);
        let entry = &doc["paths"][&path][op.method.as_str().to_ascii_lowercase()];
        assert!(entry.is_object(), "{} {path} is missing", op.method);
        assert!(
            !op.summary.is_empty(),
            "{} {path} has no summary",
            op.method
        );
        assert!(entry["responses"]["401"].is_object());
        for param in op.path_params() {
            assert!(
                entry["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == param && p["in"] == "path"),
                "{path} does not document {param}"
            );
        }
    }
    // Every $ref points at a schema the document defines.
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"").skip(1) {
        let target = &piece[..piece.find('"').unwrap()];
        let pointer = target.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {target}");
    }
    // Request bodies and responses are described by real schemas.
    let create = &doc["paths"]["/api/tasks"]["post"];
    assert!(create["requestBody"]["content"]["application/json"]["schema"]["$ref"].is_string());
    let task = &doc["components"]["schemas"]["Task"];
    assert!(task["properties"]["status"].is_object(), "{task}");
}

#[tokio::test]
async fn the_docs_page_and_its_assets_are_served_without_a_cdn() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(
        &chief_store::Location::Sqlite(dir.path().join("chief.db")),
        &chief_store::OpenOptions::default(),
    )
    .await
    .unwrap();
    let app = chief_server::router(db.clone());
    let (status, _, body) =
        send(&app, Request::get("/api/docs").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body.to_vec()).unwrap();
    assert!(
        !html.contains("https://"),
        "the page loads nothing from outside"
    );
    for asset in ["/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui.css"] {
        assert!(html.contains(asset));
        let (status, _, body) = send(&app, Request::get(asset).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{asset}");
        assert!(body.len() > 100_000, "{asset} is embedded");
    }
    let (status, headers, body) = send(
        &app,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc, chief_server::openapi_document());
    db.close().await;
}

/// A TCP proxy to `to` that can be cut, as a database server going down.
struct Proxy {
    port: u16,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(to: String) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let tasks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let pipes = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let to = to.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(to).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                pipes.lock().unwrap().push(pipe);
            }
        });
        tasks.lock().unwrap().push(accept);
        Proxy { port, tasks }
    }

    /// Closes the port and every connection through it.
    async fn cut(&self) {
        let tasks: Vec<_> = std::mem::take(&mut *self.tasks.lock().unwrap());
        for task in tasks {
            task.abort();
            let _ = task.await;
        }
    }
}

#[tokio::test]
async fn a_postgresql_that_goes_down_is_a_503_within_seconds() {
    let Some(url) = chief_testkit::postgres::url() else {
        return;
    };
    let real = url::Url::parse(&url).unwrap();
    let target = format!(
        "{}:{}",
        real.host_str().unwrap(),
        real.port().unwrap_or(5432)
    );
    let proxy = Proxy::start(target).await;
    let mut through = real.clone();
    through.set_host(Some("127.0.0.1")).unwrap();
    through.set_port(Some(proxy.port)).unwrap();
    let schema = chief_testkit::postgres::create_schema(&url).await;
    let opts = chief_store::OpenOptions {
        pg_schema: Some(schema.clone()),
        ..Default::default()
    };
    let db = Db::open(&chief_store::Location::Postgres(through.to_string()), &opts)
        .await
        .unwrap();
    let key = key_for(&db, "acme").await;
    let (status, _, _) = common::call(&db, "GET", "/api/tasks", Some(&key), None).await;
    assert_eq!(status, StatusCode::OK);
    proxy.cut().await;
    let started = std::time::Instant::now();
    let (status, ctype, problem) = common::call(&db, "GET", "/api/tasks", Some(&key), None).await;
    let waited = started.elapsed();
    db.close().await;
    chief_testkit::postgres::drop_schema(&url, &schema).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{problem}");
    assert_eq!(ctype, "application/problem+json");
    assert!(
        waited < std::time::Duration::from_secs(5),
        "the 503 took {waited:?}"
    );
}
