//! `/live`: the dashboard's live updates. The workspace's events, from the
//! same outbox stream as `GET /api/events`, reach the page as `change`
//! events (the event type as data); `app.js` then re-fetches the page and
//! swaps in its live regions, so panels update without a reload when the
//! agent or another person changes something.

use crate::AppState;
use crate::api::events::{Stop, event_stream, resume_point};
use crate::web::page::WebError;
use crate::web::session::Viewer;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use chief_domain::event::DomainEvent;

fn change(event: &DomainEvent) -> Event {
    Event::default()
        .id(event.seq.to_string())
        .event("change")
        .data(&event.event_type)
}

pub async fn stream(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    stop: Option<Extension<Stop>>,
) -> Result<Response, WebError> {
    let after = resume_point(&state.db, viewer.tenant(), &headers).await?;
    Ok(event_stream(&state.db, viewer.tenant(), after, stop, change).into_response())
}
