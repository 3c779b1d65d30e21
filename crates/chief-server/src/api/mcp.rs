//! `/mcp`: chief's MCP server over streamable HTTP (`chief_mcp`), on the
//! same listener as the API. A request passes the DNS-rebinding guard
//! (a bad `Host` or `Origin` is a 403), then the API's own key check (a
//! missing or wrong key is a 401, and the key's rate limit applies); the
//! MCP server then acts for the key's user, audited as the agent.

use crate::http::auth::{Caller, authenticate};
use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use chief_domain::log::Actor;
use chief_mcp::http::HostGuard;

/// The `/mcp` route with its guard and authentication.
pub fn routes(state: &AppState, guard: HostGuard) -> Router<AppState> {
    Router::new()
        .route_service("/mcp", chief_mcp::http::service(state.db.clone()))
        .layer(from_fn(act_as_agent))
        .layer(from_fn_with_state(state.clone(), authenticate))
        .layer(from_fn_with_state(guard, check_host))
}

async fn check_host(
    State(guard): State<HostGuard>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    guard.check(req.headers()).map_err(ApiError::forbidden)?;
    Ok(next.run(req).await)
}

/// Hands the MCP server the caller's scope, with the agent as the actor:
/// what an MCP client does is the agent's work on the user's behalf.
async fn act_as_agent(mut req: Request, next: Next) -> Result<Response, ApiError> {
    let caller = req
        .extensions()
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| ApiError::unauthorized("send an API key"))?;
    let mut scope = caller.scope();
    scope.actor = Actor::agent(caller.user.id);
    req.extensions_mut().insert(scope);
    Ok(next.run(req).await)
}
