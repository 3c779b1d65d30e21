//! The forms of `/settings` that change the viewer's own things: their
//! time zone, their briefing times (the built-in briefing jobs'
//! schedules, through `job::update`, as `PUT /api/jobs/{id}` does) and
//! their API keys (`tenancy::create_key` and `revoke_key_by_id`, as
//! `/api/keys` does). A refused form comes back inline with what was typed.

use crate::AppState;
use crate::web::page::WebError;
use crate::web::session::Posted;
use crate::web::settings::{BRIEFING_JOBS, FormState, WEEKDAYS, briefing_job, page};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chief_domain::job::JobPatch;
use chief_domain::job::{Job, JobKind};
use chief_store::job;
use chief_store::tenancy::{self, UserPatch};
use chief_store::{StoreError, Tx};
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
    let tz = form.timezone.trim().to_string();
    let jobs = job::list(&state.db, viewer.tenant(), Some(viewer.user_id())).await?;
    let mut tx = state.db.write(&viewer.scope()).await?;
    let patch = UserPatch {
        timezone: Some(tz.clone()),
        ..UserPatch::default()
    };
    let changed = match tenancy::update_user(&mut tx, viewer.user_id(), patch).await {
        Ok(_) => builtin_jobs_to(&mut tx, &jobs, &tz).await,
        Err(e) => Err(e),
    };
    match changed {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/settings#timezone").into_response())
        }
        Err(StoreError::Domain(e)) => {
            drop(tx);
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

/// Moves the user's built-in jobs (of `jobs`, theirs) to `tz`.
async fn builtin_jobs_to(tx: &mut Tx, jobs: &[Job], tz: &str) -> Result<(), StoreError> {
    for j in jobs {
        if j.kind != JobKind::Trigger && j.timezone != tz {
            let patch = JobPatch {
                timezone: Some(tz.to_string()),
                ..JobPatch::default()
            };
            job::update(tx, j.id, patch).await?;
        }
    }
    Ok(())
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
    let mut tx = state.db.write(&viewer.scope()).await?;
    for (kind, schedule) in schedules {
        let Some(j) = briefing_job(&jobs, kind) else {
            continue;
        };
        if j.schedule != schedule {
            let patch = JobPatch {
                schedule: Some(schedule),
                ..JobPatch::default()
            };
            if let Err(e) = job::update(&mut tx, j.id, patch).await {
                let StoreError::Domain(e) = e else {
                    return Err(e.into());
                };
                drop(tx);
                let field = BRIEFING_JOBS
                    .iter()
                    .find(|(k, _, _)| *k == kind)
                    .map_or("morning", |(_, f, _)| f);
                let errors = vec![(field.to_string(), e.to_string())];
                return page(
                    &state,
                    &viewer,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    again(errors),
                )
                .await;
            }
        }
    }
    tx.commit().await?;
    Ok(Redirect::to("/settings#briefing-times").into_response())
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
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.contains('\0') {
        let again = FormState {
            key_name: form.name.clone(),
            key_error: "A key's name must be 1 to 100 characters, such as laptop.".into(),
            ..FormState::default()
        };
        return page(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, again).await;
    }
    let mut tx = state.db.write(&viewer.scope()).await?;
    let (secret, key) = tenancy::create_key(&mut tx, viewer.user_id(), name).await?;
    tx.commit().await?;
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
    let mut tx = state.db.write(&viewer.scope()).await?;
    match tenancy::revoke_key_by_id(&mut tx, id).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to("/settings#keys").into_response())
        }
        Err(StoreError::Conflict(why)) => {
            drop(tx);
            let again = FormState {
                key_error: why,
                ..FormState::default()
            };
            page(&state, &viewer, StatusCode::CONFLICT, again).await
        }
        Err(e) => Err(e.into()),
    }
}
