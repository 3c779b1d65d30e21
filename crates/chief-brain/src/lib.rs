//! chief's deterministic intelligence over domain values. Pure functions: a
//! clock is passed in, nothing is read from the outside world.

pub mod briefing;
pub mod entity_resolve;
pub mod intent;
pub mod job_timing;
pub mod knowledge_route;
pub mod notices;
pub mod playbook_match;
pub mod quick_add;
pub mod typo;
pub mod urgency;
pub mod words;
