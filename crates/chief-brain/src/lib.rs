//! chief's deterministic intelligence over domain values. Pure functions: a
//! clock is passed in, nothing is read from the outside world.

pub mod briefing;
pub mod context_assembly;
pub mod context_budget;
pub mod context_items;
pub mod context_rank;
pub mod entity_resolve;
pub mod intent;
pub mod job_timing;
pub mod knowledge_route;
pub mod local_day;
pub mod notices;
pub mod playbook_match;
pub mod quick_add;
pub mod suggest;
pub mod suggest_context;
pub mod suggest_estimate;
pub mod trigger_templates;
pub mod trigger_text;
pub mod typo;
pub mod urgency;
pub mod words;
