//! The web dashboard: server-rendered HTML (askama templates under
//! `templates/web/`), htmx and a little hand-written JS and CSS, all
//! embedded in the binary and served at `/` by the same app as the API.
//!
//! Pages sign in with a password and a session cookie ([`session`]); every
//! form POST carries the session's CSRF token. Handlers call the same store
//! services as the API handlers, so the rules live in one place. One file
//! per page.

mod activity;
mod assets;
mod briefings;
mod calendar;
mod client;
mod dashboard;
mod drafts;
mod knowledge;
mod live;
mod login;
mod markdown;
mod page;
mod people;
mod person;
mod playbooks;
mod projects;
mod questions;
mod rows;
mod sales;
mod session;
mod settings;
mod settings_forms;
mod settings_switches;
mod tasks;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The dashboard's routes, outside `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/questions", get(questions::list))
        .route("/questions/{id}/answer", post(questions::answer))
        .route("/tasks", get(tasks::list).post(tasks::add))
        .route("/tasks/preview", post(tasks::preview))
        .route("/tasks/{id}/edit", post(tasks::edit))
        .route("/tasks/{id}/complete", post(tasks::complete))
        .route("/tasks/{id}/delete", post(tasks::delete))
        .route("/drafts", get(drafts::list))
        .route("/drafts/{id}", post(drafts::review))
        .route("/projects", get(projects::list))
        .route("/people", get(people::list))
        .route("/people/{id}", get(person::show))
        .route("/clients/{id}", get(client::show))
        .route("/playbooks", get(playbooks::list))
        .route("/playbooks/{id}", post(playbooks::act))
        .route("/knowledge", get(knowledge::list))
        .route("/knowledge/{id}/route", post(knowledge::route))
        .route("/knowledge/{id}/dismiss", post(knowledge::dismiss))
        .route("/calendar", get(calendar::show))
        .route("/sales", get(sales::show))
        .route("/sales/{id}/advance", post(sales::advance))
        .route("/activity", get(activity::show))
        .route("/briefings", get(briefings::list))
        .route("/briefings/{id}", get(briefings::show))
        .route("/settings", get(settings::show))
        .route("/settings/timezone", post(settings_forms::timezone))
        .route(
            "/settings/briefing-times",
            post(settings_forms::briefing_times),
        )
        .route("/settings/keys", post(settings_forms::create_key))
        .route(
            "/settings/keys/{id}/revoke",
            post(settings_forms::revoke_key),
        )
        .route(
            "/settings/triggers/{id}/{to}",
            post(settings_switches::trigger_switch),
        )
        .route(
            "/settings/channels/{id}/{to}",
            post(settings_switches::channel_switch),
        )
        .route("/live", get(live::stream))
        .route("/static/{name}", get(assets::asset))
}
