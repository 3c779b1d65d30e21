//! chief's persistence: one codebase over SQLite (the embedded default) and
//! PostgreSQL (for teams).
//!
//! - [`Db`] opens either backend and runs its embedded migrations.
//! - Every repository function takes the tenant first (reads) or a tenant
//!   bound [`Tx`] (writes), so no query runs without the tenant filter.
//! - Every write goes through [`Tx::audit`], which appends to the tenant's
//!   SHA-256 audit chain and writes the domain event to the outbox in the same
//!   transaction.

pub mod agent;
pub mod audit;
pub mod briefing;
pub mod briefing_inputs;
pub mod calendar;
pub mod channel;
pub mod client;
pub mod conn;
pub mod context;
pub mod context_inputs;
pub mod context_reads;
pub mod conversation;
pub mod dashboard;
pub mod db;
pub mod delivery;
pub mod delivery_queue;
pub mod draft;
pub mod error;
pub mod events;
mod fields;
pub mod id;
pub mod job;
pub mod job_run;
pub mod knowledge;
pub mod known_entities;
pub mod password;
pub mod person;
pub mod playbook;
pub mod project;
pub mod question;
pub mod recurring;
pub mod sales;
pub mod search;
pub mod secret_box;
pub mod setting;
pub mod short_id;
pub mod task;
pub mod task_people;
pub mod task_playbooks;
pub mod task_query;
pub mod tenancy;
pub mod tenant_cache;
#[cfg(feature = "test-sql")]
pub mod testing;
pub mod trigger;
pub mod trigger_firing;
mod trigger_rules;
pub mod tx;
pub mod value;
pub mod waiting;
pub mod web_session;

pub use db::{Backend, Db, Location, OpenOptions};
pub use error::StoreError;
pub use id::{new_id, new_tenant_id};
pub use secret_box::SecretBox;
pub use tx::{Change, Scope, Tx, new_trace_id};
pub use value::Value;

/// Pagination for list queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            limit: 50,
            offset: 0,
        }
    }
}

impl Page {
    /// The largest page a caller may ask for.
    pub const MAX_LIMIT: i64 = 1000;

    /// A page, with the limit clamped to 1..=1000 and the offset to ≥ 0.
    pub fn new(limit: i64, offset: i64) -> Page {
        Page {
            limit: limit.clamp(1, Self::MAX_LIMIT),
            offset: offset.max(0),
        }
    }
}

/// One page of results and the total that matched.
#[derive(Clone, Debug, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}
