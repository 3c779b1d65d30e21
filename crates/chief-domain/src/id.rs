//! Identifiers. Every row id is a UUID v7, so ids sort by creation time and
//! index well. The tenant id is a distinct type because every store call
//! takes it first, and mixing it up with an entity id must not compile.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// A fresh UUID v7 for a new row.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// The workspace (organisation) every row belongs to.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct TenantId(pub Uuid);

impl TenantId {
    /// A new tenant id (UUID v7).
    pub fn new() -> Self {
        Self(new_id())
    }
}

impl Default for TenantId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for TenantId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_7_and_increase() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.get_version_num(), 7);
        assert!(b > a, "v7 ids sort by creation time");
    }
}
