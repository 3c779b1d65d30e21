//! `/sales`: the pipeline as a board, one column per stage, each deal a
//! card with its client, value and next step. Advancing a deal posts to
//! `/sales/{id}/advance`, which calls `chief_app::sales::advance` as
//! `PUT /api/sales/{id}/advance` does.

use crate::AppState;
use crate::web::page::{Nav, WebError, render, render_status};
use crate::web::session::{Posted, Viewer};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chief_domain::sales::{SalesOpportunity, SalesStage};
use chief_store::{StoreError, client, sales};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The board's columns, in pipeline order.
const STAGES: [(SalesStage, &str); 6] = [
    (SalesStage::Lead, "Lead"),
    (SalesStage::Qualified, "Qualified"),
    (SalesStage::Proposal, "Proposal"),
    (SalesStage::Negotiation, "Negotiation"),
    (SalesStage::ClosedWon, "Won"),
    (SalesStage::ClosedLost, "Lost"),
];

/// A deal on the board.
pub struct DealCard {
    pub id: String,
    pub name: String,
    pub client: String,
    pub value: String,
    pub probability: String,
    pub next_step: String,
    /// The label of the stage advancing moves it to; empty when closed.
    pub advance_to: &'static str,
}

/// One stage's column.
pub struct Column {
    pub stage: &'static str,
    pub label: &'static str,
    pub total: String,
    pub deals: Vec<DealCard>,
}

#[derive(Template)]
#[template(path = "web/sales.html")]
struct SalesPage {
    nav: Nav,
    columns: Vec<Column>,
    error: String,
}

/// Cents as money: "12,500.00".
fn money(cents: i64) -> String {
    let whole = (cents / 100).abs().to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{:02}", (cents % 100).abs())
}

fn label(stage: SalesStage) -> &'static str {
    STAGES
        .iter()
        .find(|(s, _)| *s == stage)
        .map_or("", |(_, l)| l)
}

async fn board(state: &AppState, viewer: &Viewer) -> Result<Vec<Column>, WebError> {
    let deals = sales::list(&state.db, viewer.tenant(), None).await?;
    let mut clients: HashMap<Uuid, String> = HashMap::new();
    for id in deals.iter().filter_map(|d| d.client_id) {
        if let std::collections::hash_map::Entry::Vacant(slot) = clients.entry(id) {
            slot.insert(client::get(&state.db, viewer.tenant(), id).await?.name);
        }
    }
    let card = |d: &SalesOpportunity| DealCard {
        id: d.id.to_string(),
        name: d.name.clone(),
        client: d
            .client_id
            .and_then(|c| clients.get(&c).cloned())
            .unwrap_or_default(),
        value: d.value_cents.map(money).unwrap_or_default(),
        probability: d.probability.map(|p| format!("{p}%")).unwrap_or_default(),
        next_step: match (&d.next_action, d.next_action_date) {
            (Some(a), Some(on)) => format!("{a} (by {})", on.format("%-d %b")),
            (Some(a), None) => a.clone(),
            (None, Some(on)) => format!("by {}", on.format("%-d %b")),
            (None, None) => String::new(),
        },
        advance_to: d.stage.advance().map(label).unwrap_or(""),
    };
    Ok(STAGES
        .iter()
        .map(|(stage, name)| {
            let here: Vec<&SalesOpportunity> = deals.iter().filter(|d| d.stage == *stage).collect();
            let total: i64 = here.iter().filter_map(|d| d.value_cents).sum();
            Column {
                stage: stage.as_str(),
                label: name,
                total: money(total),
                deals: here.into_iter().map(card).collect(),
            }
        })
        .collect())
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    render(&SalesPage {
        nav: Nav::new(&viewer, "/sales"),
        columns: board(&state, &viewer).await?,
        error: String::new(),
    })
}

#[derive(Deserialize)]
pub struct Empty {}

/// Moves a deal to its next stage; a closed deal shows why not on the board.
pub async fn advance(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Posted { viewer, .. }: Posted<Empty>,
) -> Result<Response, WebError> {
    match chief_app::sales::advance(&state.db, &viewer.scope(), id).await {
        Ok(_) => Ok(Redirect::to("/sales").into_response()),
        Err(e @ (StoreError::Domain(_) | StoreError::Conflict(_))) => render_status(
            StatusCode::CONFLICT,
            &SalesPage {
                nav: Nav::new(&viewer, "/sales"),
                columns: board(&state, &viewer).await?,
                error: e.to_string(),
            },
        ),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_groups_thousands_and_keeps_cents() {
        assert_eq!(money(1_250_050), "12,500.50");
        assert_eq!(money(99), "0.99");
        assert_eq!(money(100_000_000), "1,000,000.00");
    }
}
