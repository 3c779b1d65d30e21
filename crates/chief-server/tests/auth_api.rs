//! How a client presents its key, on SQLite and PostgreSQL: the `Bearer`
//! scheme is read in any case (RFC 9110), and every 401, from the API and
//! from `/mcp`, says which scheme to use in `WWW-Authenticate`, so a client
//! such as an MCP inspector asks for a key instead of trying OAuth.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chief_store::Db;
use chief_testkit::both_backends;
use common::{key_for, send};

both_backends! {
    async fn a_bearer_key_is_accepted_whatever_the_case_of_the_scheme(db: &Db) {
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
            let req = Request::get("/api/users/me")
                .header(header::AUTHORIZATION, format!("{scheme} {key}"))
                .body(Body::empty())
                .unwrap();
            let (status, _, body) = send(&app, req).await;
            assert_eq!(status, StatusCode::OK, "{scheme}: {}", String::from_utf8_lossy(&body));
            assert!(String::from_utf8_lossy(&body).contains("owner@acme.test"));
        }
        let basic = Request::get("/api/users/me")
            .header(header::AUTHORIZATION, format!("Basic {key}"))
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, basic).await.0, StatusCode::UNAUTHORIZED, "only the Bearer scheme carries a key");
    }

    async fn every_401_from_the_api_and_mcp_names_the_bearer_scheme(db: &Db) {
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        let wrong = format!("{key}x");
        for (method, path) in [("GET", "/api/tasks"), ("POST", "/api/tasks"), ("GET", "/api/events"), ("POST", "/mcp")] {
            for presented in [None, Some(wrong.as_str())] {
                let mut req = Request::builder().method(method).uri(path).header(header::HOST, "localhost");
                if let Some(k) = presented {
                    req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
                }
                let (status, headers, _) = send(&app, req.body(Body::empty()).unwrap()).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} with {presented:?}");
                assert_eq!(headers[header::WWW_AUTHENTICATE], r#"Bearer realm="chief""#, "{method} {path}");
                assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
            }
        }
        let fine = Request::get("/api/tasks").header("x-api-key", &key).body(Body::empty()).unwrap();
        let (status, headers, _) = send(&app, fine).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!headers.contains_key(header::WWW_AUTHENTICATE));
    }
}
