//! What the server is configured with and what every handler can reach.
//! The state is built once, when the router is built: configuration that
//! comes from the environment (the model that polishes briefings) is read
//! then, not on each request.

use crate::ApiError;
use crate::api::metrics::Metrics;
use crate::http::cache::Caches;
use crate::http::limit::RateLimiter;
use chief_app::polish::Polish;
use chief_store::{Db, SecretBox};
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

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
    /// The bearer token `/metrics` asks for; `None` leaves it open.
    pub metrics_token: Option<String>,
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
            metrics_token: None,
        }
    }
}

/// Failed dashboard logins allowed per client and email per minute: enough
/// for a person who mistypes, too few to guess a password. One comes back
/// every six seconds, so a locked-out person waits seconds, not minutes.
const LOGINS_PER_MINUTE: u32 = 10;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub(crate) limiter: Arc<RateLimiter>,
    /// Failed dashboard logins per client address and email.
    pub(crate) logins: Arc<RateLimiter<(Option<IpAddr>, String)>>,
    pub(crate) metrics: Arc<Metrics>,
    /// The bearer token `/metrics` asks for, if any.
    pub(crate) metrics_token: Option<Arc<str>>,
    pub(crate) caches: Arc<Caches>,
    pub(crate) openapi: Arc<serde_json::Value>,
    secrets: Arc<OnceLock<SecretBox>>,
    /// Chat with the agent, when a model is configured.
    pub(crate) chat: Option<Arc<chief_ai::chat::Chat>>,
    /// How a trigger fired by hand polishes its briefing: the model the
    /// environment configures (`CHIEF_MODEL`, or a key), read once here.
    pub(crate) polish: Arc<dyn Polish>,
}

impl AppState {
    /// The state for `db` under `config`, serving `openapi` as the API's
    /// document.
    pub(crate) fn new(db: Db, config: &ServerConfig, openapi: serde_json::Value) -> AppState {
        AppState {
            db,
            limiter: Arc::new(RateLimiter::new(config.rate_limit_per_minute)),
            logins: Arc::new(RateLimiter::new(LOGINS_PER_MINUTE)),
            metrics: Arc::new(Metrics::default()),
            metrics_token: config
                .metrics_token
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(Arc::from),
            caches: Arc::new(Caches::default()),
            openapi: Arc::new(openapi),
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
            polish: Arc::new(chief_ai::briefing_polish::ModelPolish::from_env()),
        }
    }

    /// The key that seals channel secrets, found on first use when the
    /// server was not given one.
    pub(crate) fn secrets(&self) -> Result<&SecretBox, ApiError> {
        if let Some(found) = self.secrets.get() {
            return Ok(found);
        }
        let found = SecretBox::locate(&self.db, None)?;
        Ok(self.secrets.get_or_init(|| found))
    }
}
