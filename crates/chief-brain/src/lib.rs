//! chief's deterministic intelligence over domain values. Pure functions: a
//! clock is passed in, nothing is read from the outside world.

pub mod briefing;
pub mod intent;
pub mod knowledge_route;
pub mod playbook_match;
pub mod urgency;
pub mod words;
