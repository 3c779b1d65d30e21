//! Sales opportunities: a pipeline of deals by stage.

use crate::{TenantId, TransitionError, text_enum};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// A deal's stage in the pipeline.
    SalesStage {
        Lead => "lead",
        Qualified => "qualified",
        Proposal => "proposal",
        Negotiation => "negotiation",
        ClosedWon => "closed_won",
        ClosedLost => "closed_lost",
    }
}

impl SalesStage {
    /// The next stage of an open deal; closed deals do not advance.
    pub fn advance(self) -> Result<SalesStage, TransitionError> {
        use SalesStage::*;
        match self {
            Lead => Ok(Qualified),
            Qualified => Ok(Proposal),
            Proposal => Ok(Negotiation),
            Negotiation => Ok(ClosedWon),
            ClosedWon | ClosedLost => Err(TransitionError {
                entity: "opportunity",
                from: self.as_str(),
                operation: "advance",
                hint: " (it is closed)",
            }),
        }
    }

    /// Whether the deal is closed, won or lost.
    pub fn is_closed(self) -> bool {
        matches!(self, SalesStage::ClosedWon | SalesStage::ClosedLost)
    }
}

/// A deal in the pipeline. `value_cents` keeps money exact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SalesOpportunity {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    pub client_id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub stage: SalesStage,
    pub value_cents: Option<i64>,
    pub probability: Option<i64>,
    pub expected_close_date: Option<NaiveDate>,
    pub last_activity: Option<DateTime<Utc>>,
    pub next_action: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// The fields of a new deal; the stage defaults to lead.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewSalesOpportunity {
    pub name: String,
    pub client_id: Option<Uuid>,
    pub description: Option<String>,
    pub stage: Option<SalesStage>,
    pub value_cents: Option<i64>,
    /// The chance of winning, 0 to 100.
    pub probability: Option<i64>,
    pub expected_close_date: Option<NaiveDate>,
    pub next_action: Option<String>,
    pub next_action_date: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// Changes to a deal's details; `None` leaves a field as it is. The stage
/// moves only by advancing or losing the deal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SalesPatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub value_cents: Option<Option<i64>>,
    pub probability: Option<Option<i64>>,
    pub expected_close_date: Option<Option<NaiveDate>>,
    pub next_action: Option<Option<String>>,
    pub next_action_date: Option<Option<NaiveDate>>,
    pub notes: Option<Option<String>>,
}

#[cfg(test)]
mod tests {
    use super::SalesStage::*;

    #[test]
    fn deals_advance_stage_by_stage_until_closed() {
        assert_eq!(Lead.advance(), Ok(Qualified));
        assert_eq!(Negotiation.advance(), Ok(ClosedWon));
        assert!(ClosedLost.advance().is_err());
    }
}
