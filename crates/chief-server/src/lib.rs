//! chief's HTTP API (axum). Handlers translate and delegate: they parse the
//! request, call the store, and map the result. Every request under `/api`
//! is authenticated by an API key and scoped to the key's tenant; another
//! tenant's ids answer 404. Errors are RFC 9457 problem+json.
//!
//! Each endpoint is declared once in the route registry ([`api::Api`]),
//! which builds both the router and the OpenAPI document. `/mcp` serves
//! the MCP server (`chief_mcp`) behind the same API-key check.

mod agent;
pub mod api;
mod auth;
mod body;
mod briefings;
mod cache;
mod channels;
mod chat;
mod clients;
mod context;
mod dashboard;
mod deliveries;
mod drafts;
mod error;
mod events;
#[doc(hidden)]
pub mod fuzzing;
mod health;
mod hooks;
mod jobs;
mod keys;
mod knowledge;
mod limit;
mod logs;
mod mcp;
mod metrics;
mod openapi;
mod params;
mod people;
mod playbooks;
mod projects;
mod questions;
mod recurring;
mod sales;
mod suggest;
mod task_parse;
mod tasks;
mod trace;
mod triggers;
mod users;
mod waiting;
mod web;

pub use error::ApiError;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use chief_store::{Db, SecretBox};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// How the server behaves; the CLI fills it from flags and environment.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Requests per minute per API key; 0 turns the limit off.
    pub rate_limit_per_minute: u32,
    /// Origins allowed to call the API from a browser; `*` allows any.
    /// Empty sends no CORS headers.
    pub cors_origins: Vec<String>,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The key that seals channel secrets; `None` finds it on first use
    /// (`CHIEF_SECRET_KEY`, or the key file next to the store).
    pub secrets: Option<SecretBox>,
    /// The `Host` and `Origin` headers `/mcp` accepts.
    pub mcp_guard: chief_mcp::http::HostGuard,
    /// The model chat talks through; `None` answers chat with 503.
    pub model: Option<chief_llm::Provider>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            rate_limit_per_minute: 1200,
            cors_origins: Vec::new(),
            max_body_bytes: 1024 * 1024,
            secrets: None,
            mcp_guard: chief_mcp::http::HostGuard::default(),
            model: None,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    limiter: Arc<limit::RateLimiter>,
    /// Dashboard login attempts per email.
    logins: Arc<limit::RateLimiter<String>>,
    metrics: Arc<metrics::Metrics>,
    caches: Arc<cache::Caches>,
    openapi: Arc<serde_json::Value>,
    secrets: Arc<OnceLock<SecretBox>>,
    /// Chat with the agent, when a model is configured.
    chat: Option<Arc<chief_ai::chat::Chat>>,
}

impl AppState {
    /// The key that seals channel secrets, found on first use when the
    /// server was not given one.
    fn secrets(&self) -> Result<&SecretBox, ApiError> {
        if let Some(found) = self.secrets.get() {
            return Ok(found);
        }
        let found = SecretBox::locate(&self.db, None)?;
        Ok(self.secrets.get_or_init(|| found))
    }
}

/// Every API operation, in declaration order.
pub fn operations() -> Vec<api::Operation> {
    registry().1
}

/// The OpenAPI document, as `/api/openapi.json` serves it.
pub fn openapi_document() -> serde_json::Value {
    openapi::document(&operations())
}

fn registry() -> (Router<AppState>, Vec<api::Operation>) {
    let mut api = api::Api::default();
    suggest::routes(&mut api);
    tasks::routes(&mut api);
    task_parse::routes(&mut api);
    questions::routes(&mut api);
    waiting::routes(&mut api);
    drafts::routes(&mut api);
    knowledge::routes(&mut api);
    playbooks::routes(&mut api);
    recurring::routes(&mut api);
    sales::routes(&mut api);
    logs::routes(&mut api);
    dashboard::routes(&mut api);
    events::routes(&mut api);
    projects::routes(&mut api);
    people::routes(&mut api);
    clients::routes(&mut api);
    users::routes(&mut api);
    keys::routes(&mut api);
    context::routes(&mut api);
    jobs::routes(&mut api);
    briefings::routes(&mut api);
    channels::routes(&mut api);
    deliveries::routes(&mut api);
    triggers::routes(&mut api);
    chat::routes(&mut api);
    agent::routes(&mut api);
    api.finish()
}

/// The application with default settings.
pub fn router(db: Db) -> Router {
    app(db, &ServerConfig::default())
}

/// Dashboard login attempts allowed per email per minute: enough for a
/// person who mistypes, too few to guess a password.
const LOGINS_PER_MINUTE: u32 = 10;

/// The whole application: health, metrics, docs, the API and the dashboard.
pub fn app(db: Db, config: &ServerConfig) -> Router {
    let (api_router, ops) = registry();
    let state = AppState {
        db,
        limiter: Arc::new(limit::RateLimiter::new(config.rate_limit_per_minute)),
        logins: Arc::new(limit::RateLimiter::new(LOGINS_PER_MINUTE)),
        metrics: Arc::new(metrics::Metrics::default()),
        caches: Arc::new(cache::Caches::default()),
        openapi: Arc::new(openapi::document(&ops)),
        secrets: Arc::new(
            config
                .secrets
                .clone()
                .map(OnceLock::from)
                .unwrap_or_default(),
        ),
        chat: config.model.clone().map(|provider| {
            Arc::new(chief_ai::chat::Chat {
                registry: chief_ai::Registry::work_loop(),
                provider,
                options: chief_ai::chat::ChatOptions::default(),
            })
        }),
    };
    let api_router = api_router.route_layer(from_fn_with_state(state.clone(), auth::authenticate));
    let mut app = Router::new()
        .merge(health::routes())
        .merge(hooks::routes())
        .route("/metrics", get(metrics::metrics))
        .merge(events::ws_routes())
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route("/api/docs", get(openapi::docs))
        .route("/api/docs/{asset}", get(openapi::asset))
        .nest("/api", api_router)
        .merge(mcp::routes(&state, config.mcp_guard.clone()))
        .merge(web::routes())
        .fallback(|| async { ApiError::not_found("route", "at this path") })
        .layer(axum::Extension(body::BodyLimit(config.max_body_bytes)))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(from_fn_with_state(state.clone(), trace::trace));
    if let Some(cors) = cors(&config.cors_origins) {
        app = app.layer(cors);
    }
    app.with_state(state)
}

fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::DELETE,
                Method::OPTIONS,
            ])
            .allow_headers([
                HeaderName::from_static("content-type"),
                HeaderName::from_static("authorization"),
                HeaderName::from_static("x-api-key"),
                HeaderName::from_static("last-event-id"),
                HeaderName::from_static("traceparent"),
            ])
            .expose_headers([
                HeaderName::from_static("x-trace-id"),
                HeaderName::from_static("retry-after"),
            ])
            .max_age(std::time::Duration::from_secs(3600)),
    )
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
    let live = events::Live::start(&db).await?;
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown.await;
        let _ = stopping.send(true);
    };
    let server = axum::serve(listener, app(db, config).layer(live.layer()))
        .with_graceful_shutdown(live.stop_on(signal));
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
