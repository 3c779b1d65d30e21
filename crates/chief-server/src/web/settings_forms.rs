//! The forms of `/settings` that change the viewer's own things: their
//! time zone (`chief_app::user::set_timezone`, which moves their built-in
//! jobs too), their briefing times (the built-in briefing jobs'
//! schedules, through `chief_app::job::reschedule`, as `PUT /api/jobs/{id}`
//! changes one) and their API keys (`chief_app::api_key`, as `/api/keys`
//! does). A refused form comes back inline with what was typed.

use crate::AppState;
use crate::web::page::WebError;
use crate::web::session::Posted;
use crate::web::settings::{BRIEFING_JOBS, FormState, WEEKDAYS, briefing_job, page};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chief_app::api_key::KeyCreate;
use chief_domain::job::JobKind;
use chief_store::StoreError;
use chief_store::{job, tenancy};
use chrono::NaiveTime;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct TimezoneForm {
    #[serde(default)]
    timezone: String,
}

/// The viewer's time zone. Their built-in jobs' schedules are read in a
/// zone of their own, so those move with it: the morning briefing stays
/// at 08:00 where they now are.
pub async fn timezone(
    State(state): State<AppState>,
    Posted { viewer, form }: Posted<TimezoneForm>,
) -> Result<Response, WebError> {
    let tz = form.timezone.trim();
    match chief_app::user::set_timezone(&state.db, &viewer.scope(), tz).await {
        Ok(_) => Ok(Redirect::to("/settings#timezone").into_response()),
        Err(StoreError::Domain(e)) => {
            let form = FormState {
                timezone: Some(form.timezone),
                timezone_error: e.to_string(),
                ..FormState::default()
            };
            page(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TimesForm {
    #[serde(default)]
    morning: String,
    #[serde(default)]
    midday: String,
    #[serde(default)]
    evening: String,
    #[serde(default)]
    weekly: String,
    #[serde(default)]
    weekly_day: String,
}

/// A time of day typed as "8:00" or "08:00".
fn time_field(raw: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| format!("{raw:?} is not a time of day such as 08:00"))
}

/// The briefing jobs' times. Every field is checked before any is saved,
/// so a refused form changes nothing.
pub async fn briefing_times(
    State(state): State<AppState>,
    Posted { viewer, form }: Posted<TimesForm>,
) -> Result<Response, WebError> {
    let typed = [
        ("morning", &form.morning),
        ("midday", &form.midday),
        ("evening", &form.evening),
        ("weekly", &form.weekly),
    ];
    let mut errors = Vec::new();
    let mut schedules = Vec::new();
    let day_ok = WEEKDAYS.iter().any(|(d, _)| *d == form.weekly_day);
    if !day_ok {
        errors.push((
            "weekly".to_string(),
            format!("{:?} is not a day of the week", form.weekly_day),
        ));
    }
    for ((kind, field, _), (_, raw)) in BRIEFING_JOBS.iter().zip(typed) {
        match time_field(raw) {
            Ok(t) => {
                use chrono::Timelike;
                let dow = if *kind == JobKind::WeeklyReview {
                    form.weekly_day.as_str()
                } else {
                    "*"
                };
                schedules.push((*kind, format!("{} {} * * {dow}", t.minute(), t.hour())));
            }
            Err(e) => errors.push((field.to_string(), e)),
        }
    }
    let again = |errors: Vec<(String, String)>| FormState {
        times: typed
            .iter()
            .map(|(f, v)| (f.to_string(), (*v).clone()))
            .collect(),
        time_errors: errors,
        weekly_day: Some(form.weekly_day.clone()),
        ..FormState::default()
    };
    if !errors.is_empty() {
        return page(
            &state,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            again(errors),
        )
        .await;
    }
    let jobs = job::list(&state.db, viewer.tenant(), Some(viewer.user_id())).await?;
    let changes: Vec<(Uuid, String)> = schedules
        .into_iter()
        .filter_map(|(kind, schedule)| {
            let j = briefing_job(&jobs, kind)?;
            (j.schedule != schedule).then_some((j.id, schedule))
        })
        .collect();
    match chief_app::job::reschedule(&state.db, &viewer.scope(), changes).await {
        Ok(()) => Ok(Redirect::to("/settings#briefing-times").into_response()),
        Err((Some(id), StoreError::Domain(e))) => {
            let kind = jobs.iter().find(|j| j.id == id).map(|j| j.kind);
            let field = BRIEFING_JOBS
                .iter()
                .find(|(k, _, _)| Some(*k) == kind)
                .map_or("morning", |(_, f, _)| f);
            let errors = vec![(field.to_string(), e.to_string())];
            page(
                &state,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                again(errors),
            )
            .await
        }
        Err((_, e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    name: String,
}

/// A new key for the viewer; its secret is on the page this once.
pub async fn create_key(
    State(state): State<AppState>,
    Posted { viewer, form }: Posted<KeyForm>,
) -> Result<Response, WebError> {
    let new = KeyCreate {
        name: form.name.clone(),
        user_id: None,
    };
    let (secret, key) = match chief_app::api_key::create(&state.db, &viewer.scope(), new).await {
        Ok(created) => created,
        Err(StoreError::Domain(_)) => {
            let again = FormState {
                key_name: form.name,
                key_error: "A key's name must be 1 to 100 characters, such as laptop.".into(),
                ..FormState::default()
            };
            return page(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, again).await;
        }
        Err(e) => return Err(e.into()),
    };
    let shown = FormState {
        new_key: secret,
        notice: format!(
            "Created the key {:?}. Copy it now: it is not shown again.",
            key.name
        ),
        ..FormState::default()
    };
    page(&state, &viewer, StatusCode::CREATED, shown).await
}

#[derive(Deserialize)]
pub struct Empty {}

/// Revokes one of the viewer's keys (an owner or admin may revoke any of
/// the workspace's, as the API allows).
pub async fn revoke_key(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, .. }: Posted<Empty>,
) -> Result<Response, WebError> {
    let key = tenancy::get_key(&state.db, viewer.tenant(), id).await?;
    if key.user_id != viewer.user_id() && !viewer.sees_workspace() {
        return Err(StoreError::not_found("api key", id).into());
    }
    match chief_app::api_key::revoke(&state.db, &viewer.scope(), id).await {
        Ok(_) => Ok(Redirect::to("/settings#keys").into_response()),
        Err(StoreError::Conflict(why)) => {
            let again = FormState {
                key_error: why,
                ..FormState::default()
            };
            page(&state, &viewer, StatusCode::CONFLICT, again).await
        }
        Err(e) => Err(e.into()),
    }
}
