//! `/api/triggers`: the caller's automations. Each is a cron schedule or an
//! event, an action and channels; it can start from a template of the
//! library. A member sees only their own triggers (another user's is a
//! 404); an admin sees the whole workspace's.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::{Id, page};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::trigger as triggers;
use chief_app::trigger_fire::{Cause, fire};
use chief_brain::trigger_templates::{self, TriggerTemplate};
use chief_domain::trigger::{Firing, Trigger};
use chief_store::trigger::{self, Created, NewTrigger, TriggerPatch};
use chief_store::{Listing, StoreError, trigger_firing};
use chrono::Utc;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Triggers");
    api.get("/triggers", list)
        .summary("List triggers")
        .describe("Your automations (an admin's list has the whole workspace's), by user and name, with how often each fired and whether chief paused one (and why).")
        .ok::<Vec<Trigger>>();
    api.get("/triggers/templates", templates)
        .summary("The template library")
        .describe("Ready-made triggers (Monday priorities, Friday wins, client follow-up sweep, question alerts…). Create one with `{\"template\": \"friday-wins\"}` and override any field.")
        .ok::<Vec<TriggerTemplate>>();
    api.post("/triggers", create)
        .summary("Create a trigger")
        .describe("Give `schedule` (cron: five or six fields, or @daily and the like, read in `timezone`, your own by default) or `event` (task.overdue, question.created, draft.created, waiting.overdue or webhook.received), and an `action`: `briefing` {kind}, `digest` {title, filter}, `task` {template: a quick-add line with {{field}} placeholders}, `agent` {prompt}, `webhook` {channel_id} or `notify` {title?}. Or start from `template`. `channels` picks where notices go (every channel that takes the topic when empty). A webhook.received trigger's answer has `webhook_url`, with its secret token: shown once. An invalid schedule, time zone or action is a 422 naming the field.")
        .body::<NewTrigger>()
        .created::<TriggerCreated>();
    api.get("/triggers/{id}", show)
        .summary("Get a trigger")
        .ok::<Trigger>();
    api.put("/triggers/{id}", update)
        .summary("Change a trigger")
        .describe("Fields present are changed. A new schedule or time zone moves its next run. Whether it has a schedule or an event cannot change.")
        .body::<TriggerPatch>()
        .ok::<Trigger>();
    api.delete("/triggers/{id}", remove)
        .summary("Delete a trigger")
        .describe("Its job and its firing history go with it.")
        .no_content();
    api.post("/triggers/{id}/pause", pause)
        .summary("Pause a trigger")
        .ok::<Trigger>();
    api.post("/triggers/{id}/resume", resume)
        .summary("Resume a trigger")
        .describe("Clears the reason chief paused it for. Events and occurrences while it was paused are not caught up.")
        .ok::<Trigger>();
    api.post("/triggers/{id}/fire", fire_now)
        .summary("Fire a trigger now, as a test")
        .describe("Runs its action once with no event (placeholders stay as written or take their fallbacks); the firing is in the answer and the history.")
        .ok::<Firing>();
    api.get("/triggers/{id}/firings", firings)
        .summary("A trigger's firing history")
        .describe("Newest first: each firing's cause, event, status (fired, failed, loop_stopped, rate_limited), output or error, and the chain of triggers that led to it.")
        .query::<PageQuery>()
        .ok::<Listing<Firing>>();
}

/// The trigger if the caller may see it; another user's is not found for a
/// member, as another tenant's is for everyone.
async fn visible(state: &AppState, caller: &Caller, id: Uuid) -> Result<Trigger, ApiError> {
    let t = trigger::get(&state.db, caller.tenant(), id).await?;
    if t.user_id != caller.user.id && !caller.sees_workspace() {
        return Err(StoreError::not_found("trigger", id).into());
    }
    Ok(t)
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Trigger>>, ApiError> {
    let only = (!caller.sees_workspace()).then_some(caller.user.id);
    Ok(Json(trigger::list(&state.db, caller.tenant(), only).await?))
}

async fn templates() -> Json<Vec<TriggerTemplate>> {
    Json(trigger_templates::all())
}

/// A trigger just made.
#[derive(Serialize, JsonSchema)]
struct TriggerCreated {
    #[serde(flatten)]
    created: Created,
    /// Where to POST to fire a webhook.received trigger; its token is the
    /// secret and is shown only here.
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_url: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewTrigger>,
) -> Result<(StatusCode, Json<TriggerCreated>), ApiError> {
    let created = triggers::create(&state.db, &caller.scope(), new).await?;
    let webhook_url = created
        .webhook_token
        .as_ref()
        .map(|token| format!("/hooks/{token}"));
    Ok((
        StatusCode::CREATED,
        Json(TriggerCreated {
            created,
            webhook_url,
        }),
    ))
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Trigger>, ApiError> {
    Ok(Json(visible(&state, &caller, id).await?))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(patch): Body<TriggerPatch>,
) -> Result<Json<Trigger>, ApiError> {
    visible(&state, &caller, id).await?;
    Ok(Json(
        triggers::update(&state.db, &caller.scope(), id, patch).await?,
    ))
}

async fn pause(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Trigger>, ApiError> {
    visible(&state, &caller, id).await?;
    Ok(Json(
        triggers::set_enabled(&state.db, &caller.scope(), id, false).await?,
    ))
}

async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Trigger>, ApiError> {
    visible(&state, &caller, id).await?;
    Ok(Json(
        triggers::set_enabled(&state.db, &caller.scope(), id, true).await?,
    ))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    visible(&state, &caller, id).await?;
    triggers::delete(&state.db, &caller.scope(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn fire_now(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Firing>, ApiError> {
    let t = visible(&state, &caller, id).await?;
    let firing = fire(
        &state.db,
        state.polish.as_ref(),
        &t,
        Cause::Manual,
        &[t.id],
        Utc::now(),
    )
    .await?
    .expect("a firing with no event is never a duplicate");
    Ok(Json(firing))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn firings(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Params(q): Params<PageQuery>,
) -> Result<Json<Listing<Firing>>, ApiError> {
    visible(&state, &caller, id).await?;
    let page = page(q.limit, q.offset)?;
    Ok(Json(
        trigger_firing::list(&state.db, caller.tenant(), id, page).await?,
    ))
}
