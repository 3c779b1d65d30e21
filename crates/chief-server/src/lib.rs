//! chief's HTTP API (axum). Handlers translate and delegate: they parse the
//! request, call the store, and map the result. Every request under `/api`
//! is authenticated by an API key and scoped to the key's tenant; another
//! tenant's ids answer 404. Errors are RFC 9457 problem+json.

mod auth;
mod body;
mod error;
mod health;
mod questions;
mod tasks;
mod waiting;

pub use error::ApiError;

use axum::Router;
use chief_store::Db;
use std::net::SocketAddr;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
}

/// The whole application: health checks and the API.
pub fn router(db: Db) -> Router {
    let state = AppState { db };
    Router::new()
        .merge(health::routes())
        .nest(
            "/api",
            tasks::routes()
                .merge(questions::routes())
                .merge(waiting::routes()),
        )
        .fallback(|| async { ApiError::not_found("route", "this path") })
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    db: Db,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(db))
        .with_graceful_shutdown(shutdown)
        .await
}

/// The address a listener is bound to, as a URL.
pub fn url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}
