//! The built-in agent (`chief agent run`): seed 003's loop driven by a
//! configured model, with the same tools MCP clients get, journaled step
//! by step in `agent_runs` / `agent_steps`, and undoable
//! (`chief agent undo RUN`).
//!
//! - [`run`]: the loop over one task and its limits;
//! - [`journal`]: the run and step records, written before each write;
//! - [`persona`], [`persona_store`]: personas, built in and the workspace's;
//! - [`routing`]: which persona takes a task;
//! - [`approval`]: tool calls held for a person's approval;
//! - [`check`]: the proactive check, quiet when nothing changed;
//! - [`prompt`]: what the model is told;
//! - [`tool_step`]: running one tool call, journaled, under the policy;
//! - [`undo`]: reverting a run's writes.

pub mod approval;
pub mod check;
pub mod journal;
pub mod persona;
pub mod persona_store;
pub mod prompt;
pub mod routing;
pub mod run;
mod session;
pub mod tool_step;
pub mod undo;

pub use journal::{Routing, RunStatus, RunSummary, recent};
pub use run::{Agent, AgentError, AgentOptions, Outcome, RunReport};
pub use undo::{Undone, undo};
