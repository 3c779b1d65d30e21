//! The work-loop tools, one file per group. Each tool parses its arguments,
//! calls the store's service for the operation and returns its result as
//! JSON; business rules live in the store, not here.

pub mod drafts;
pub mod knowledge;
pub mod lookups;
pub mod people;
pub mod playbooks;
pub mod targeted;
pub mod tasks;
