//! `POST /hooks/{token}`: the inbound URL of a `webhook.received` trigger.
//! The token in the path is the credential (as in Slack's incoming
//! webhooks), so no API key is needed. The body is kept as untrusted data
//! in a `webhook.received` event, which the trigger dispatcher fires the
//! trigger on. A post carrying the `webhook-id` of one of our own
//! deliveries is traced to the firing that sent it, so a trigger that calls
//! its own URL is caught as a loop.

use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header::CONTENT_TYPE};
use axum::routing::post;
use axum::{Json, Router};
use chief_store::{StoreError, trigger};
use serde_json::{Value, json};

/// The largest body an inbound webhook may carry.
pub const MAX_HOOK_BODY: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route("/hooks/{token}", post(receive))
}

async fn receive(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Some(t) = trigger::by_webhook_token(&state.db, &token).await? else {
        return Err(ApiError::not_found("webhook", "at this URL"));
    };
    if !t.enabled {
        return Err(StoreError::Conflict(format!(
            "trigger {} is paused; resume it to receive webhooks",
            t.name
        ))
        .into());
    }
    if body.len() > MAX_HOOK_BODY {
        return Err(ApiError::too_large(MAX_HOOK_BODY));
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let payload = if content_type.contains("json") {
        serde_json::from_slice::<Value>(&body)
            .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?
    } else {
        Value::String(String::from_utf8_lossy(&body).into_owned())
    };
    let webhook_id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let seq = chief_app::hook::receive(&state.db, &t, payload, &content_type, webhook_id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"accepted": true, "trigger": t.name, "event_seq": seq})),
    ))
}
