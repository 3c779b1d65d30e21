//! `/settings`: the viewer's API keys, time zone, briefing times, triggers
//! and channels on one page. The forms post to the handlers in
//! `settings_forms` (keys, time zone, briefing times) and
//! `settings_switches` (pausing and resuming triggers and channels), which
//! call the same store services as the API and follow its rules: anyone
//! manages their own; an owner or admin also sees the workspace's triggers
//! and channels.

use crate::AppState;
use crate::web::page::{Nav, WebError, day, render_status, when};
use crate::web::session::Viewer;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chief_domain::job::{Job, JobKind};
use chief_store::{channel, job, tenancy, trigger};

/// The briefing jobs whose time the page sets, as (job, form field, label).
pub const BRIEFING_JOBS: [(JobKind, &str, &str); 4] = [
    (JobKind::MorningBriefing, "morning", "Morning briefing"),
    (JobKind::MiddayCheck, "midday", "Midday check"),
    (JobKind::EveningSummary, "evening", "Evening summary"),
    (JobKind::WeeklyReview, "weekly", "Weekly review"),
];

/// The days a weekly review may fall on, as (cron day, label).
pub const WEEKDAYS: [(&str, &str); 7] = [
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("0", "Sunday"),
];

/// One briefing time in the form.
pub struct TimeField {
    pub field: &'static str,
    pub label: &'static str,
    /// "08:00", or what the user typed.
    pub value: String,
    /// The job's cron when it is not a plain time of day.
    pub cron: String,
    pub error: String,
    /// Whether the viewer has this job yet.
    pub present: bool,
}

/// An API key in the list.
pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

/// A trigger or a channel with its on/off switch.
pub struct SwitchRow {
    pub id: String,
    pub name: String,
    pub detail: String,
    pub enabled: bool,
    /// Why chief paused it (a trigger), if it did.
    pub note: String,
}

/// What the forms carry back when they are shown again: what the user
/// typed, why it was refused, and what just happened.
#[derive(Default)]
pub struct FormState {
    pub timezone: Option<String>,
    pub timezone_error: String,
    pub times: Vec<(String, String)>,
    pub time_errors: Vec<(String, String)>,
    pub weekly_day: Option<String>,
    pub key_name: String,
    pub key_error: String,
    /// A new key's secret: shown this once.
    pub new_key: String,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "web/settings.html")]
struct SettingsPage {
    nav: Nav,
    admin: bool,
    timezone: String,
    timezone_error: String,
    times: Vec<TimeField>,
    weekly_day: String,
    keys: Vec<KeyRow>,
    key_name: String,
    key_error: String,
    new_key: String,
    triggers: Vec<SwitchRow>,
    channels: Vec<SwitchRow>,
    notice: String,
}

/// A daily or weekly cron (`M H * * *`, `M H * * D`) as ("HH:MM", day).
pub fn time_of(schedule: &str) -> Option<(String, Option<String>)> {
    let parts: Vec<&str> = schedule.split_whitespace().collect();
    let [m, h, "*", "*", dow] = parts.as_slice() else {
        return None;
    };
    let (m, h): (u32, u32) = (m.parse().ok()?, h.parse().ok()?);
    if m > 59 || h > 23 {
        return None;
    }
    let day = match *dow {
        "*" => None,
        d if WEEKDAYS.iter().any(|(n, _)| *n == d) => Some(d.to_string()),
        "7" => Some("0".to_string()),
        _ => return None,
    };
    Some((format!("{h:02}:{m:02}"), day))
}

/// The viewer's built-in briefing job of `kind`, if the scheduler has
/// given it to them yet.
pub fn briefing_job(jobs: &[Job], kind: JobKind) -> Option<&Job> {
    jobs.iter()
        .find(|j| j.kind == kind && j.name == kind.as_str())
}

/// The settings page for `viewer`, with `form` carried back.
pub async fn page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    form: FormState,
) -> Result<Response, WebError> {
    let tz = viewer.tz();
    let admin = viewer.sees_workspace();
    let user = tenancy::get_user(&state.db, viewer.tenant(), viewer.user_id()).await?;
    let jobs = job::list(&state.db, viewer.tenant(), Some(viewer.user_id())).await?;
    let typed = |field: &str| {
        form.times
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
    };
    let mut weekly_day = form.weekly_day.clone().unwrap_or_else(|| "1".into());
    let times = BRIEFING_JOBS
        .iter()
        .map(|(kind, field, label)| {
            let job = briefing_job(&jobs, *kind);
            let parsed = job.and_then(|j| time_of(&j.schedule));
            if *kind == JobKind::WeeklyReview
                && form.weekly_day.is_none()
                && let Some((_, Some(d))) = &parsed
            {
                weekly_day = d.clone();
            }
            TimeField {
                field,
                label,
                value: typed(field)
                    .or_else(|| parsed.as_ref().map(|(t, _)| t.clone()))
                    .unwrap_or_default(),
                cron: match (job, &parsed) {
                    (Some(j), None) => j.schedule.clone(),
                    _ => String::new(),
                },
                error: form
                    .time_errors
                    .iter()
                    .find(|(f, _)| f == field)
                    .map(|(_, e)| e.clone())
                    .unwrap_or_default(),
                present: job.is_some(),
            }
        })
        .collect();
    let keys = tenancy::keys_of_user(&state.db, viewer.tenant(), viewer.user_id())
        .await?
        .into_iter()
        .map(|k| KeyRow {
            id: k.id.to_string(),
            name: k.name,
            prefix: k.prefix,
            created: day(k.created_at, tz),
            last_used: k.last_used_at.map(|t| when(t, tz)).unwrap_or_default(),
            revoked: k.revoked_at.is_some(),
        })
        .collect();
    let only = (!admin).then_some(viewer.user_id());
    let triggers = trigger::list(&state.db, viewer.tenant(), only)
        .await?
        .into_iter()
        .map(|t| SwitchRow {
            id: t.id.to_string(),
            name: t.name,
            detail: match (&t.schedule, &t.event) {
                (Some(s), _) => format!("{s} ({})", t.timezone),
                (None, Some(e)) => format!("on {e}"),
                (None, None) => String::new(),
            },
            enabled: t.enabled,
            note: t.paused_reason.unwrap_or_default(),
        })
        .collect();
    let channels = channel::list(&state.db, viewer.tenant(), only)
        .await?
        .into_iter()
        .map(|c| SwitchRow {
            id: c.id.to_string(),
            name: c.name,
            detail: if c.topics.is_empty() {
                format!("{}, every topic", c.kind)
            } else {
                format!("{}, {}", c.kind, c.topics.join(", "))
            },
            enabled: c.enabled,
            note: String::new(),
        })
        .collect();
    render_status(
        status,
        &SettingsPage {
            nav: Nav::new(viewer, "/settings"),
            admin,
            timezone: form.timezone.unwrap_or(user.timezone),
            timezone_error: form.timezone_error,
            times,
            weekly_day,
            keys,
            key_name: form.key_name,
            key_error: form.key_error,
            new_key: form.new_key,
            triggers,
            channels,
            notice: form.notice,
        },
    )
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    page(&state, &viewer, StatusCode::OK, FormState::default()).await
}

#[cfg(test)]
mod tests {
    use super::time_of;

    #[test]
    fn plain_daily_and_weekly_crons_read_as_times() {
        assert_eq!(time_of("0 8 * * *"), Some(("08:00".into(), None)));
        assert_eq!(time_of("30 12 * * *"), Some(("12:30".into(), None)));
        assert_eq!(
            time_of("0 9 * * 1"),
            Some(("09:00".into(), Some("1".into())))
        );
        assert_eq!(time_of("*/5 * * * *"), None);
        assert_eq!(time_of("0 8 * * MON-FRI"), None);
    }
}
