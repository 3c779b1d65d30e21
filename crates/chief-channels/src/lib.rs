//! chief's delivery channels: how a notice in the deliveries outbox reaches
//! a person outside the dashboard.
//!
//! - [`webhook`] signs and POSTs one delivery per the Standard Webhooks
//!   spec;
//! - [`retry`] decides, from what the target answered, whether it was
//!   delivered, when to try again, or when to give up;
//! - [`Worker`] leases due deliveries from the store, sends them, and
//!   records each attempt; `chief serve` runs one next to the scheduler.
//!
//! This is the edges layer: the store holds the queue and its rules for
//! leases; this crate talks to the outside world.

pub mod retry;
pub mod webhook;
mod worker;

pub use worker::{Tick, Worker};
