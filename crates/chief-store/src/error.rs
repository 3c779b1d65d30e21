//! The store's error type: what went wrong, in words a person can act on.

use chief_domain::DomainError;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Everything that can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("no {entity} {id} in this workspace")]
    NotFound { entity: &'static str, id: String },
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("{0}")]
    Conflict(String),
    #[error("the store at {} does not exist: run `chief init` first", .0.display())]
    Missing(PathBuf),
    #[error("the store is locked by another process; try again in a moment")]
    Locked,
    #[error("the store at {0} is read-only: check its permissions, or move it with --data-dir")]
    ReadOnly(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("the store is damaged: {0}")]
    Corrupt(String),
    #[error("cannot bring the schema up to date: {0}")]
    Migration(String),
    #[error("{0}")]
    Config(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    /// A missing entity.
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// An invalid field.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        StoreError::Domain(DomainError::invalid(field, reason))
    }

    pub(crate) fn from_open(path: &Path, e: sqlx::Error) -> Self {
        match StoreError::from(e) {
            StoreError::Database(inner) => StoreError::Unavailable(format!(
                "cannot open the store at {}: {inner}",
                path.display()
            )),
            StoreError::ReadOnly(_) => StoreError::ReadOnly(path.display().to_string()),
            other => other,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let code = db.code().unwrap_or_default();
            let message = db.message().to_string();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLite's primary result code is the low byte of the
                // extended one.
                match code.parse::<i32>().map(|n| n & 0xff) {
                    Ok(5 | 6) => return StoreError::Locked,
                    Ok(8) => return StoreError::ReadOnly(message),
                    Ok(11 | 14 | 26) => return StoreError::Unavailable(message),
                    _ => {}
                }
            } else if code == "25006" {
                return StoreError::ReadOnly(message);
            }
            if db.is_unique_violation() {
                return StoreError::Conflict(format!("already exists: {message}"));
            }
            if db.is_foreign_key_violation() {
                return StoreError::invalid("reference", "points to a row that does not exist");
            }
            if db.is_check_violation() {
                return StoreError::invalid(
                    "value",
                    format!("breaks a rule of the data model: {message}"),
                );
            }
            // PostgreSQL: invalid text (NUL bytes, bad encoding), value too long.
            if matches!(code.as_ref(), "22021" | "22P05" | "22001") {
                return StoreError::invalid("text", message);
            }
        }
        if let sqlx::Error::PoolTimedOut = e {
            return StoreError::Unavailable("timed out waiting for a database connection".into());
        }
        StoreError::Database(e)
    }
}

impl From<chief_domain::TransitionError> for StoreError {
    fn from(e: chief_domain::TransitionError) -> Self {
        StoreError::Domain(DomainError::Transition(e))
    }
}
