//! Identifiers. Every row id is a UUID v7 (minted by the store, as it reads
//! the clock: `chief_store::new_id`). The tenant id is a distinct type because every store call
//! takes it first, and mixing it up with an entity id must not compile.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The workspace (organisation) every row belongs to. Its default is the
/// nil id, which no workspace has (the store mints real ones:
/// `chief_store::new_tenant_id`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
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
