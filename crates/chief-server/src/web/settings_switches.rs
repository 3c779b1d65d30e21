//! Pausing and resuming from `/settings`: a trigger (`trigger::update`
//! with `enabled`, as `POST /api/triggers/{id}/pause` and `resume` do) and
//! a channel (`chief_app::channel::set_enabled`, the `enabled` of `PUT
//! /api/channels/{id}`). A member may switch only their own; another
//! user's, like another workspace's, is a 404, as in the API.

use crate::AppState;
use crate::web::page::WebError;
use crate::web::session::{Posted, Viewer};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chief_store::StoreError;
use chief_store::channel;
use chief_store::trigger;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct Empty {}

/// Whether the viewer may change something `owner` owns.
fn may_change(viewer: &Viewer, owner: Uuid) -> bool {
    owner == viewer.user_id() || viewer.sees_workspace()
}

/// `on` or `off` from the path.
fn switch(state: &str) -> Result<bool, WebError> {
    match state {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err(WebError::bad_request(format!("{other:?} is not on or off"))),
    }
}

pub async fn trigger_switch(
    State(state): State<AppState>,
    Path((id, to)): Path<(Uuid, String)>,
    Posted { viewer, .. }: Posted<Empty>,
) -> Result<Response, WebError> {
    let enabled = switch(&to)?;
    let t = trigger::get(&state.db, viewer.tenant(), id).await?;
    if !may_change(&viewer, t.user_id) {
        return Err(StoreError::not_found("trigger", id).into());
    }
    chief_app::trigger::set_enabled(&state.db, &viewer.scope(), id, enabled).await?;
    Ok(Redirect::to("/settings#triggers").into_response())
}

pub async fn channel_switch(
    State(state): State<AppState>,
    Path((id, to)): Path<(Uuid, String)>,
    Posted { viewer, .. }: Posted<Empty>,
) -> Result<Response, WebError> {
    let enabled = switch(&to)?;
    let c = channel::get(&state.db, viewer.tenant(), id).await?;
    if !may_change(&viewer, c.user_id) {
        return Err(StoreError::not_found("channel", id).into());
    }
    chief_app::channel::set_enabled(&state.db, &viewer.scope(), id, enabled).await?;
    Ok(Redirect::to("/settings#channels").into_response())
}
