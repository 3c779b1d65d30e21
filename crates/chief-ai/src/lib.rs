//! chief's AI layer: the built-in agent ([`agent`]), chat ([`chat`]) and the tool registry: one definition of
//! every work-loop operation an agent may call (seed 003's loop: take the
//! next task, read its context and playbooks, draft, block with a question
//! or capture what was learned and complete). The MCP server lists exactly
//! these tools, and the built-in agent calls the same ones, so a rule is
//! written once, in the store, and every caller shares it.
//!
//! ```ignore
//! let registry = chief_ai::Registry::work_loop();
//! let caller = chief_ai::Caller::new(db, scope);
//! let next = registry.call(&caller, "get_next_task", serde_json::json!({})).await?;
//! ```

pub mod agent;
pub mod briefing_polish;
pub mod budget;
pub mod chat;
pub mod instructions;
pub mod policy;
pub mod registry;
mod tools;

pub use registry::{Caller, Registry, Tool, ToolClass, ToolError};
