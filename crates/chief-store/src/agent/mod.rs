//! The agent's own records, one repository each: its journal of runs and
//! steps, the day's token counts, the personas a workspace defines, the
//! calls held for a person's approval, the proactive check's mark, and the
//! reversal of a run's writes. The agent's logic (its loop, policy and
//! undo plan) lives in `chief-ai`; only the SQL lives here, and every
//! function takes the tenant or a tenant-bound [`crate::Tx`] first.

pub mod approval;
pub mod check;
pub mod journal;
pub mod journal_reads;
pub mod persona;
pub mod token_day;
pub mod undo;
