//! Checks and renderings shared by the repositories: text a column can hold,
//! and the JSON snapshot of an entity that audit diffs compare.

use crate::StoreError;
use serde::Serialize;

/// Refuses text PostgreSQL cannot store (NUL characters), on both backends
/// alike.
pub(crate) fn check_text(field: &'static str, text: &Option<String>) -> Result<(), StoreError> {
    if text.as_deref().is_some_and(|t| t.contains('\0')) {
        return Err(StoreError::invalid(
            field,
            "must not contain NUL characters",
        ));
    }
    Ok(())
}

/// An entity as JSON, for before/after diffs in the audit log.
pub(crate) fn snapshot<T: Serialize>(entity: &T) -> serde_json::Value {
    serde_json::to_value(entity).expect("domain values serialise to JSON")
}

/// A trimmed name of 1 to 255 characters (seed 003's VARCHAR(255)).
pub(crate) fn clean_name(name: &str) -> Result<String, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 255 || name.contains('\0') {
        return Err(StoreError::invalid("name", "must be 1 to 255 characters"));
    }
    Ok(name.to_string())
}
