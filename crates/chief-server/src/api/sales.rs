//! `/api/sales`: the pipeline of deals. The API speaks `value` in currency
//! units (`1250.50`); the store keeps whole cents, converted exactly, so a
//! value with more than two decimals is refused rather than rounded.

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::Id;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chief_domain::sales::{NewSalesOpportunity, SalesOpportunity, SalesPatch, SalesStage};
use chief_store::sales;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Sales");
    api.get("/sales", list)
        .summary("List opportunities")
        .describe("Oldest first; `stage` narrows to one stage.")
        .query::<ListQuery>()
        .ok::<Vec<Opportunity>>();
    api.post("/sales", create)
        .summary("Create an opportunity")
        .body::<CreateBody>()
        .created::<Opportunity>();
    api.put("/sales/{id}", update)
        .summary("Update an opportunity")
        .describe("Fields present are changed; `null` clears an optional field. The stage moves only with `advance`.")
        .body::<UpdateBody>()
        .ok::<Opportunity>();
    api.put("/sales/{id}/advance", advance)
        .summary("Move an opportunity to its next stage")
        .describe(
            "lead → qualified → proposal → negotiation → closed_won. A closed deal answers 409.",
        )
        .ok::<Opportunity>();
}

/// The largest value a deal may have, in cents (seed 003's DECIMAL(12, 2)).
const MAX_CENTS: i64 = 999_999_999_999;

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

/// Whole cents from an amount in currency units, exactly.
fn cents(value: f64) -> Result<i64, ApiError> {
    if !value.is_finite() {
        return Err(ApiError::invalid("value", "must be a number"));
    }
    if value < 0.0 {
        return Err(ApiError::invalid("value", "must not be negative"));
    }
    // The shortest text that reads back as the same f64 is the decimal the
    // client wrote (for any amount within MAX_CENTS).
    let text = value.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > 2 {
        return Err(ApiError::invalid(
            "value",
            format!("{text} has more than 2 decimals; give whole cents"),
        ));
    }
    let too_large = || ApiError::invalid("value", "must be at most 9999999999.99");
    let whole: i64 = whole.parse().map_err(|_| too_large())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| too_large())?;
    let cents = whole
        .checked_mul(100)
        .and_then(|c| c.checked_add(fraction))
        .ok_or_else(too_large)?;
    if cents > MAX_CENTS {
        return Err(too_large());
    }
    Ok(cents)
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

/// The body of `POST /api/sales`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SaleCreate")]
struct CreateBody {
    name: String,
    client_id: Option<Uuid>,
    description: Option<String>,
    /// lead (the default), qualified, proposal, negotiation, closed_won or
    /// closed_lost.
    stage: Option<String>,
    /// In currency units, at most two decimals: 1250.50.
    value: Option<f64>,
    /// The chance of winning, 0 to 100.
    probability: Option<i64>,
    expected_close_date: Option<NaiveDate>,
    next_action: Option<String>,
    next_action_date: Option<NaiveDate>,
    notes: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<CreateBody>,
) -> Result<(StatusCode, Json<Opportunity>), ApiError> {
    let new = NewSalesOpportunity {
        name: b.name,
        client_id: b.client_id,
        description: b.description,
        stage: b
            .stage
            .as_deref()
            .map(|s| named("stage", s.parse()))
            .transpose()?,
        value_cents: b.value.map(cents).transpose()?,
        probability: b.probability,
        expected_close_date: b.expected_close_date,
        next_action: b.next_action,
        next_action_date: b.next_action_date,
        notes: b.notes,
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let deal = sales::create(&mut tx, caller.user.id, new).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(deal.into())))
}

/// The body of `PUT /api/sales/{id}`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SaleUpdate")]
struct UpdateBody {
    name: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    value: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    probability: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    expected_close_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    next_action: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    next_action_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "crate::http::body::double_option::deserialize"
    )]
    notes: Option<Option<String>>,
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<UpdateBody>,
) -> Result<Json<Opportunity>, ApiError> {
    let patch = SalesPatch {
        name: b.name,
        description: b.description,
        value_cents: b.value.map(|v| v.map(cents).transpose()).transpose()?,
        probability: b.probability,
        expected_close_date: b.expected_close_date,
        next_action: b.next_action,
        next_action_date: b.next_action_date,
        notes: b.notes,
    };
    let mut tx = state.db.write(&caller.scope()).await?;
    let deal = sales::update(&mut tx, id, patch).await?;
    tx.commit().await?;
    Ok(Json(deal.into()))
}

async fn advance(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Opportunity>, ApiError> {
    let mut tx = state.db.write(&caller.scope()).await?;
    let deal = sales::advance(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(deal.into()))
}

#[cfg(test)]
mod tests {
    use super::cents;

    #[test]
    fn values_convert_to_exact_cents() {
        assert_eq!(cents(1250.50).unwrap(), 125_050);
        assert_eq!(cents(0.1).unwrap(), 10);
        assert_eq!(cents(19.99).unwrap(), 1_999);
        assert_eq!(cents(7.0).unwrap(), 700);
        assert_eq!(cents(9_999_999_999.99).unwrap(), 999_999_999_999);
        assert!(cents(1.005).is_err());
        assert!(cents(-1.0).is_err());
        assert!(cents(1e20).is_err());
    }
}
