//! The optional polish of a delivered briefing: a summary written above the
//! composed details by whatever the binary wires in (a model, in
//! `chief_ai::briefing_polish`). The application layer only knows the
//! seam, so running a job or firing a trigger needs no model crate, and
//! without a polish a briefing is delivered exactly as composed.

use chief_store::briefing::Composed;
use std::future::Future;
use std::pin::Pin;

/// Something that may rewrite a composed briefing before it is delivered;
/// it never fails: on any trouble it leaves the briefing as it is.
pub trait Polish: Send + Sync {
    /// Polishes `composed` in place.
    fn briefing<'a>(
        &'a self,
        composed: &'a mut Composed,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
}

/// No polish: briefings are delivered as composed.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoPolish;

impl Polish for NoPolish {
    fn briefing<'a>(
        &'a self,
        _composed: &'a mut Composed,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(std::future::ready(()))
    }
}
