//! Sales opportunities: adding a deal, changing its details and moving it
//! to its next stage, for the API and the web board alike. Callers speak
//! `value` in currency units (`1250.50`); the store keeps whole cents,
//! converted exactly here, so a value with more than two decimals is
//! refused rather than rounded.

use crate::write::in_tx;
use chief_domain::sales::{NewSalesOpportunity, SalesOpportunity, SalesPatch};
use chief_store::{Db, Scope, StoreError, sales};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

/// The largest value a deal may have, in cents (seed 003's DECIMAL(12, 2)).
const MAX_CENTS: i64 = 999_999_999_999;

/// A new deal as callers give it (`POST /api/sales`): the stage as text and
/// the value in currency units.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SaleCreate")]
pub struct NewSale {
    pub name: String,
    pub client_id: Option<Uuid>,
    pub description: Option<String>,
    /// lead (the default), qualified, proposal, negotiation, closed_won or
    /// closed_lost.
    pub stage: Option<String>,
    /// In currency units, at most two decimals: 1250.50.
    pub value: Option<f64>,
    /// The chance of winning, 0 to 100.
    pub probability: Option<i64>,
    pub expected_close_date: Option<NaiveDate>,
    pub next_action: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// Changes to a deal's details (`PUT /api/sales/{id}`); a field left out
/// stays as it is, and `null` clears an optional one. The stage moves only
/// with [`advance`].
#[derive(Clone, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SaleUpdate")]
pub struct SaleChanges {
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub value: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub probability: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub expected_close_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub next_action: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub next_action_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "chief_domain::patch::double_option::deserialize"
    )]
    pub notes: Option<Option<String>>,
}

/// Adds a deal to the scope's pipeline.
pub async fn create(db: &Db, scope: &Scope, new: NewSale) -> Result<SalesOpportunity, StoreError> {
    let new = NewSalesOpportunity {
        name: new.name,
        client_id: new.client_id,
        description: new.description,
        stage: new
            .stage
            .as_deref()
            .map(|s| s.parse().map_err(|e| named("stage", e)))
            .transpose()?,
        value_cents: new.value.map(cents).transpose()?,
        probability: new.probability,
        expected_close_date: new.expected_close_date,
        next_action: new.next_action,
        next_action_date: new.next_action_date,
        notes: new.notes,
    };
    in_tx(db, scope, async |tx, user| {
        sales::create(tx, user, new).await
    })
    .await
}

/// Changes deal `id`'s details.
pub async fn update(
    db: &Db,
    scope: &Scope,
    id: Uuid,
    changes: SaleChanges,
) -> Result<SalesOpportunity, StoreError> {
    let patch = SalesPatch {
        name: changes.name,
        description: changes.description,
        value_cents: changes
            .value
            .map(|v| v.map(cents).transpose())
            .transpose()?,
        probability: changes.probability,
        expected_close_date: changes.expected_close_date,
        next_action: changes.next_action,
        next_action_date: changes.next_action_date,
        notes: changes.notes,
    };
    in_tx(db, scope, async |tx, _| sales::update(tx, id, patch).await).await
}

/// Moves deal `id` to its next stage: lead → qualified → proposal →
/// negotiation → closed_won; a closed deal is refused.
pub async fn advance(db: &Db, scope: &Scope, id: Uuid) -> Result<SalesOpportunity, StoreError> {
    in_tx(db, scope, async |tx, _| sales::advance(tx, id).await).await
}

/// A parse error reported against `field`.
fn named(field: &'static str, e: chief_domain::DomainError) -> StoreError {
    StoreError::invalid(field, e.to_string())
}

/// Whole cents from an amount in currency units, exactly.
fn cents(value: f64) -> Result<i64, StoreError> {
    if !value.is_finite() {
        return Err(StoreError::invalid("value", "must be a number"));
    }
    if value < 0.0 {
        return Err(StoreError::invalid("value", "must not be negative"));
    }
    // The shortest text that reads back as the same f64 is the decimal the
    // client wrote (for any amount within MAX_CENTS).
    let text = value.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > 2 {
        return Err(StoreError::invalid(
            "value",
            format!("{text} has more than 2 decimals; give whole cents"),
        ));
    }
    let too_large = || StoreError::invalid("value", "must be at most 9999999999.99");
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
