//! `/api/sales`: the pipeline of deals. The API speaks `value` in currency
//! units (`1250.50`); `chief_app::sales` converts it to the whole cents the
//! store keeps, and a deal shows its cents back as units here.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::Id;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_app::sales::{self as pipeline, NewSale, SaleChanges};
use chief_domain::sales::{SalesOpportunity, SalesStage};
use chief_store::sales;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub fn routes(api: &mut Api) {
    api.section("Sales");
    api.get("/sales", list)
        .summary("List opportunities")
        .describe("Oldest first; `stage` narrows to one stage.")
        .query::<ListQuery>()
        .ok::<Vec<Opportunity>>();
    api.post("/sales", create)
        .summary("Create an opportunity")
        .body::<NewSale>()
        .created::<Opportunity>();
    api.put("/sales/{id}", update)
        .summary("Update an opportunity")
        .describe("Fields present are changed; `null` clears an optional field. The stage moves only with `advance`.")
        .body::<SaleChanges>()
        .ok::<Opportunity>();
    api.put("/sales/{id}/advance", advance)
        .summary("Move an opportunity to its next stage")
        .describe(
            "lead → qualified → proposal → negotiation → closed_won. A closed deal answers 409.",
        )
        .ok::<Opportunity>();
}

/// A deal as the API shows it: the stored fields and `value` in currency
/// units.
#[derive(Serialize, JsonSchema)]
struct Opportunity {
    #[serde(flatten)]
    deal: SalesOpportunity,
    /// The deal's value in currency units, such as 1250.5.
    value: Option<f64>,
}

impl From<SalesOpportunity> for Opportunity {
    fn from(deal: SalesOpportunity) -> Self {
        let value = deal.value_cents.map(|c| c as f64 / 100.0);
        Opportunity { deal, value }
    }
}

/// A parse error reported against `field`.
fn named<T>(field: &str, parsed: Result<T, chief_domain::DomainError>) -> Result<T, ApiError> {
    parsed.map_err(|e| ApiError::invalid(field, e.to_string()))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    stage: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Vec<Opportunity>>, ApiError> {
    let stage = q
        .stage
        .as_deref()
        .map(|s| named("stage", s.parse::<SalesStage>()))
        .transpose()?;
    let deals = sales::list(&state.db, caller.tenant(), stage).await?;
    Ok(Json(deals.into_iter().map(Opportunity::from).collect()))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(new): Body<NewSale>,
) -> Result<(StatusCode, Json<Opportunity>), ApiError> {
    let deal = pipeline::create(&state.db, &caller.scope(), new).await?;
    Ok((StatusCode::CREATED, Json(deal.into())))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(changes): Body<SaleChanges>,
) -> Result<Json<Opportunity>, ApiError> {
    let deal = pipeline::update(&state.db, &caller.scope(), id, changes).await?;
    Ok(Json(deal.into()))
}

async fn advance(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Opportunity>, ApiError> {
    let deal = pipeline::advance(&state.db, &caller.scope(), id).await?;
    Ok(Json(deal.into()))
}
