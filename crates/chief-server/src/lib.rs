//! chief's HTTP API (axum). Handlers translate and delegate: they parse the
//! request, call the store, and map the result. Every request under `/api`
//! is authenticated by an API key and scoped to the key's tenant; another
//! tenant's ids answer 404. Errors are RFC 9457 problem+json.
//!
//! Each endpoint is declared once in the route registry ([`api::Api`]),
//! which builds both the router and the OpenAPI document. `/mcp` serves
//! the MCP server (`chief_mcp`) behind the same API-key check.
//!
//! The endpoints live in [`api`], the plumbing they share (auth, bodies,
//! errors, limits, tracing, caching) in `http`, the handlers' state in
//! `state`, and the web dashboard in `web`; this file wires them together.

pub mod api;
#[doc(hidden)]
mod http;
mod state;
mod web;

pub use http::error::ApiError;
pub use state::{AppState, ServerConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use chief_store::Db;
use std::net::SocketAddr;

/// Every API operation, in declaration order.
pub fn operations() -> Vec<api::Operation> {
    api::table().1
}

/// The OpenAPI document, as `/api/openapi.json` serves it.
pub fn openapi_document() -> serde_json::Value {
    api::openapi::document(&operations())
}

/// The application with default settings.
pub fn router(db: Db) -> Router {
    app(db, &ServerConfig::default())
}

/// The whole application: health, metrics, docs, the API and the dashboard.
pub fn app(db: Db, config: &ServerConfig) -> Router {
    let (api_router, ops) = api::table();
    let state = AppState::new(db, config, api::openapi::document(&ops));
    let api_router =
        api_router.route_layer(from_fn_with_state(state.clone(), http::auth::authenticate));
    let mut app = Router::new()
        .merge(api::health::routes())
        .merge(api::hooks::routes())
        .route("/metrics", get(api::metrics::metrics))
        .merge(api::events::ws_routes())
        .route("/api/openapi.json", get(api::openapi::openapi_json))
        .route("/api/docs", get(api::openapi::docs))
        .route("/api/docs/{asset}", get(api::openapi::asset))
        .nest("/api", api_router)
        .merge(api::mcp::routes(&state, config.mcp_guard.clone()))
        .merge(web::routes())
        .fallback(|| async { ApiError::not_found("route", "at this path") })
        .layer(axum::Extension(http::body::BodyLimit(
            config.max_body_bytes,
        )))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(from_fn_with_state(state.clone(), http::trace::trace));
    if let Some(cors) = http::cors::layer(&config.cors_origins) {
        app = app.layer(cors);
    }
    app.layer(axum::middleware::from_fn(http::security::headers))
        .with_state(state)
}

/// How long requests in flight may take to finish once shutdown starts.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves until `shutdown` resolves, then ends the event streams and
/// finishes the requests in flight, giving them [`SHUTDOWN_GRACE`] before
/// stopping anyway. On PostgreSQL it also listens for the events other
/// instances commit.
pub async fn serve(
    db: Db,
    config: &ServerConfig,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let live = api::events::Live::start(&db).await?;
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown.await;
        let _ = stopping.send(true);
    };
    // The peer's address lets the login limit tell clients apart.
    let app = app(db, config)
        .layer(live.layer())
        .into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(live.stop_on(signal));
    let deadline = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = server => served,
        () = deadline => {
            tracing::warn!("requests still running {}s after shutdown began; stopping anyway", SHUTDOWN_GRACE.as_secs());
            Ok(())
        }
    }
}

/// The address a listener is bound to, as a URL.
pub fn url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}
