//! chief's domain: the entities of seed 003 plus chief's own (api keys,
//! calendar events, settings), their ids, the status workflows of tasks,
//! drafts and playbooks, and the domain events every change emits.
//!
//! Everything here is plain data and pure functions. Persistence lives in
//! `chief-store`; nothing in this crate reads a clock or touches IO, so the
//! state machines can be tested exhaustively.

pub mod api_key;
pub mod briefing;
pub mod calendar;
pub mod channel;
pub mod client;
pub mod delivery;
pub mod draft;
pub mod error;
pub mod event;
pub mod id;
pub mod job;
pub mod knowledge;
pub mod log;
pub mod one_line;
pub mod patch;
pub mod person;
pub mod playbook;
pub mod priority;
pub mod project;
pub mod question;
pub mod recurring;
pub mod sales;
pub mod schedule;
pub mod setting;
pub mod task;
pub mod tenant;
pub mod text_enum;
pub mod trigger;
pub mod waiting;

pub use error::{DomainError, TransitionError};
pub use id::TenantId;
pub use priority::Priority;
