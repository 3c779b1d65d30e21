//! chief's application layer: the operations every edge calls.
//!
//! Each operation is one function that takes the database, the caller's
//! [`Scope`](chief_store::Scope) (or tenant, for reads) and one request
//! value, owns its transaction and its audit, and returns a result. The
//! HTTP API, the web UI, the CLI, the agent's tools, the MCP server and the
//! scheduler translate their input into these calls and map the results;
//! none of them opens a transaction of its own.
//!
//! Data comes from `chief-store`'s repositories; the decisions (parsing,
//! ranking, routing, composing) come from `chief-brain`.

pub mod api_key;
pub mod briefing;
pub mod channel;
pub mod client;
pub mod demo;
pub mod draft;
pub mod hook;
pub mod job;
pub mod job_action;
pub mod job_work;
pub mod knowledge;
pub mod knowledge_plan;
pub mod knowledge_routing;
pub mod person;
pub mod playbook;
pub mod polish;
pub mod project;
pub mod question;
pub mod quick_add;
pub mod recurring;
pub mod requests;
pub mod sales;
pub mod session;
pub mod suggest;
pub mod task;
pub mod task_context;
pub mod task_handoff;
pub mod task_import;
pub mod task_work;
pub mod trigger;
pub mod trigger_fire;
pub mod user;
pub mod waiting;
pub mod write;
