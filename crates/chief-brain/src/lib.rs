//! chief's deterministic intelligence over domain values. Pure functions: a
//! clock is passed in, nothing is read from the outside world.

pub mod context_budget;
pub mod context_rank;
pub mod intent;
pub mod knowledge_route;
pub mod playbook_match;
pub mod suggest;
pub mod suggest_context;
pub mod suggest_estimate;
pub mod urgency;
pub mod words;
