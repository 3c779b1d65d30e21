//! Errors of the domain layer: invalid values and forbidden transitions.

use thiserror::Error;

/// A value or an operation the domain rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("invalid {field} {value:?}: expected one of {expected}")]
    InvalidValue {
        field: &'static str,
        value: String,
        expected: String,
    },
    #[error("{field} {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error(transparent)]
    Transition(#[from] TransitionError),
}

/// An operation that the entity's current status does not allow. It names
/// the entity, the current status and the refused operation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot {operation} {article} {from} {entity}{hint}", article = article(from))]
pub struct TransitionError {
    pub entity: &'static str,
    pub from: &'static str,
    pub operation: &'static str,
    /// Extra advice, starting with a separator, or empty.
    pub hint: &'static str,
}

impl DomainError {
    /// A field failed validation.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        DomainError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
