//! Checks and renderings shared by the repositories: text a column can hold,
//! and the JSON snapshot of an entity that audit diffs compare.

use crate::StoreError;
use serde::Serialize;

/// `text` cut to at most `max` bytes at a character boundary, with `…`
/// when cut: for run outputs and errors that may be arbitrarily long.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

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

/// A trimmed name of 1 to 255 characters (seed 003's VARCHAR(255)), on
/// one line (`chief_domain::one_line`).
pub(crate) fn clean_name(name: &str) -> Result<String, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 255 {
        return Err(StoreError::invalid("name", "must be 1 to 255 characters"));
    }
    chief_domain::one_line::check("name", name)?;
    Ok(name.to_string())
}

/// An optional name (a user's display name), trimmed; blank is none,
/// anything else is checked as [`clean_name`] checks it.
pub(crate) fn clean_optional_name(name: Option<&str>) -> Result<Option<String>, StoreError> {
    name.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(clean_name)
        .transpose()
}

/// The most aliases one record keeps.
const MAX_ALIASES: usize = 20;

/// The other names a record goes by, from its `metadata.aliases` JSON
/// array; anything else there is ignored.
pub(crate) fn aliases(metadata: &serde_json::Value) -> Vec<String> {
    metadata
        .get("aliases")
        .and_then(|a| a.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `aliases` trimmed, without blanks or repeats (ignoring case), checked:
/// at most 20, each 1 to 100 characters.
pub(crate) fn clean_aliases(aliases: &[String]) -> Result<Vec<String>, StoreError> {
    let mut out: Vec<String> = Vec::new();
    for alias in aliases.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        if alias.chars().count() > 100 || alias.contains('\0') {
            return Err(StoreError::invalid(
                "aliases",
                "each alias must be 1 to 100 characters",
            ));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(alias)) {
            out.push(alias.to_string());
        }
    }
    if out.len() > MAX_ALIASES {
        return Err(StoreError::invalid(
            "aliases",
            format!("at most {MAX_ALIASES} aliases"),
        ));
    }
    Ok(out)
}
