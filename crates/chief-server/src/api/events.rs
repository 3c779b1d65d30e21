//! Live events: `GET /api/events` (Server-Sent Events) and `GET /ws`
//! (WebSocket) stream the caller's tenant's domain events as they are
//! committed, read from the outbox in sequence order. A client resumes after
//! the last id it saw (`Last-Event-ID` or `?after=`), so nothing is lost
//! between reconnects; without one it gets only new events.
//!
//! [`Live`] connects the streams to the server's life: it relays other
//! instances' PostgreSQL notifications into this process and ends every open
//! stream when the server shuts down, so a graceful shutdown never waits on
//! a client that stays connected.

use crate::api::Api;
use crate::http::auth::{Caller, presented_key};
use crate::http::body::Params;
use crate::{ApiError, AppState};
use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chief_domain::TenantId;
use chief_domain::event::DomainEvent;
use chief_store::events::{self, Follower, Relay};
use chief_store::{Db, tenancy};
use futures_util::{Stream, StreamExt, stream};
use schemars::JsonSchema;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::watch;

pub fn routes(api: &mut Api) {
    api.section("Events");
    api.get("/events", sse)
        .summary("Stream live events (Server-Sent Events)")
        .describe(
            "Streams the workspace's domain events (`task.created`, `task.status_changed`, \
             `question.answered`, ...) as they happen. Each event carries `id: <seq>`, \
             `event: <type>` and the event as JSON in `data`. To resume after a disconnect, \
             send the last id seen in `Last-Event-ID` (browsers do this by themselves) or \
             `?after=<seq>`: every event after it follows, in order. Without either, only new \
             events are sent. Comments keep the connection alive. The same events are \
             available over WebSocket at `/ws`.",
        )
        .query::<StreamQuery>()
        .streams("text/event-stream");
}

/// `GET /ws`: the same events over WebSocket, outside `/api` because
/// browsers cannot send headers on a WebSocket; the key may come in the
/// query string instead.
pub fn ws_routes() -> Router<AppState> {
    Router::new().route("/ws", get(websocket))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct StreamQuery {
    /// Resume after this event id (its `seq`); `Last-Event-ID` takes
    /// precedence.
    after: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WsQuery {
    /// Seed 003's clients send it as `?token=`.
    #[serde(alias = "token")]
    api_key: Option<String>,
    after: Option<i64>,
}

/// Ends open streams when the server stops; see [`Live`].
#[derive(Clone)]
pub(crate) struct Stop(watch::Receiver<bool>);

/// Resolves when the server stops; never without a [`Live`].
async fn stopped(stop: Option<Extension<Stop>>) {
    match stop {
        Some(Extension(Stop(mut rx))) => {
            let _ = rx.wait_for(|stopped| *stopped).await;
        }
        None => std::future::pending().await,
    }
}

/// What the streams need from a running server: the PostgreSQL relay and
/// the stop signal.
pub(crate) struct Live {
    stop: watch::Sender<bool>,
}

impl Live {
    /// Starts relaying other instances' notifications (PostgreSQL only).
    /// Once this returns, no event committed by any instance is missed.
    pub(crate) async fn start(db: &Db) -> std::io::Result<Live> {
        if let Some(relay) = Relay::listen(db).await.map_err(std::io::Error::other)? {
            tokio::spawn(relay.run(|e| {
                tracing::warn!(target: "chief::events", error = %e, "lost the PostgreSQL event listener; reconnecting");
            }));
        }
        Ok(Live {
            stop: watch::channel(false).0,
        })
    }

    /// The layer that lets streams see the stop signal.
    pub(crate) fn layer(&self) -> Extension<Stop> {
        Extension(Stop(self.stop.subscribe()))
    }

    /// Waits for `shutdown`, then ends every open stream.
    pub(crate) async fn stop_on(self, shutdown: impl std::future::Future<Output = ()>) {
        shutdown.await;
        let _ = self.stop.send(true);
    }
}

/// Where a stream starts: after the resume id, or at the tenant's head.
async fn start_after(db: &Db, tenant: TenantId, resume: Option<i64>) -> Result<i64, ApiError> {
    match resume {
        Some(seq) => Ok(seq),
        None => Ok(events::head(db, tenant).await?),
    }
}

fn checked_after(field: &str, after: Option<i64>) -> Result<Option<i64>, ApiError> {
    match after {
        Some(n) if n < 0 => Err(ApiError::invalid(
            field,
            "must be an event id: a whole number, 0 or more",
        )),
        other => Ok(other),
    }
}

/// The resume id from `Last-Event-ID`, else from `?after=`.
fn resume_id(headers: &HeaderMap, after: Option<i64>) -> Result<Option<i64>, ApiError> {
    let header = headers
        .get("last-event-id")
        .map(|v| v.to_str().unwrap_or("?").trim())
        .filter(|v| !v.is_empty());
    match header {
        Some(v) => {
            let id = v.parse().map_err(|_| {
                ApiError::invalid(
                    "Last-Event-ID",
                    "must be an event id: a whole number, 0 or more",
                )
            })?;
            checked_after("Last-Event-ID", Some(id))
        }
        None => checked_after("after", after),
    }
}

/// The events a follower hands out, until the store fails; the client then
/// reconnects with its last id.
fn follow_stream(follower: Follower) -> impl Stream<Item = DomainEvent> {
    stream::unfold(follower, |mut follower| async move {
        match follower.next().await {
            Ok(event) => Some((event, follower)),
            Err(e) => {
                tracing::warn!(target: "chief::events", error = %e, "event stream ended");
                None
            }
        }
    })
}

fn sse_event(event: &DomainEvent) -> Event {
    Event::default()
        .id(event.seq.to_string())
        .event(&event.event_type)
        .json_data(event)
        .expect("events serialise to JSON")
}

async fn sse(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Params(q): Params<StreamQuery>,
    stop: Option<Extension<Stop>>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let resume = resume_id(&headers, q.after)?;
    let after = start_after(&state.db, caller.tenant(), resume).await?;
    Ok(event_stream(
        &state.db,
        caller.tenant(),
        after,
        stop,
        sse_event,
    ))
}

/// The tenant's events after `after` as Server-Sent Events, each made by
/// `to_event`, until the server stops. The API's stream and the
/// dashboard's live updates both come from here.
pub(crate) fn event_stream(
    db: &Db,
    tenant: TenantId,
    after: i64,
    stop: Option<Extension<Stop>>,
    to_event: fn(&DomainEvent) -> Event,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let follower = events::follow(db, tenant, after);
    // The reconnect hint goes first, so the client knows the stream is open
    // before any event arrives.
    let hello = Event::default().retry(Duration::from_secs(2));
    let events = stream::once(async { hello })
        .chain(follow_stream(follower).map(move |e| to_event(&e)))
        .map(Ok)
        .take_until(stopped(stop));
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// Where a stream that may be resuming starts, from the request.
pub(crate) async fn resume_point(
    db: &Db,
    tenant: TenantId,
    headers: &HeaderMap,
) -> Result<i64, ApiError> {
    start_after(db, tenant, resume_id(headers, None)?).await
}

async fn websocket(
    State(state): State<AppState>,
    headers: HeaderMap,
    Params(q): Params<WsQuery>,
    stop: Option<Extension<Stop>>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let key = presented_key(&headers)
        .or_else(|| q.api_key.as_deref().map(str::trim))
        .ok_or_else(|| {
            ApiError::unauthorized(
                "send an API key in X-API-Key, Authorization: Bearer, ?api_key= or ?token=",
            )
        })?;
    let Some((user, api_key)) = tenancy::authenticate(&state.db, key).await? else {
        return Err(ApiError::unauthorized("the API key is unknown or revoked"));
    };
    state
        .limiter
        .check(api_key.id)
        .map_err(ApiError::rate_limited)?;
    let upgrade = upgrade.map_err(|e| {
        ApiError::bad_request(format!(
            "/ws speaks WebSocket; send an upgrade request ({e})"
        ))
    })?;
    let after = start_after(&state.db, user.tenant_id, checked_after("after", q.after)?).await?;
    let follower = events::follow(&state.db, user.tenant_id, after);
    Ok(upgrade
        .on_upgrade(move |socket| forward(socket, follower, stop))
        .into_response())
}

/// Sends each event as a JSON text message until the client leaves or the
/// server stops.
async fn forward(mut socket: WebSocket, mut follower: Follower, stop: Option<Extension<Stop>>) {
    let stopped = stopped(stop);
    tokio::pin!(stopped);
    let every = Duration::from_secs(30);
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let close = |code, reason: &str| {
        Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        }))
    };
    loop {
        tokio::select! {
            event = follower.next() => match event {
                Ok(event) => {
                    let text = serde_json::to_string(&event).expect("events serialise to JSON");
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Err(e) => {
                    tracing::warn!(target: "chief::events", error = %e, "event stream ended");
                    let _ = socket.send(close(close_code::ERROR, "the event store is unavailable; reconnect with ?after=<last seq>")).await;
                    return;
                }
            },
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
            () = &mut stopped => {
                let _ = socket.send(close(close_code::AWAY, "the server is shutting down")).await;
                return;
            }
        }
    }
}
