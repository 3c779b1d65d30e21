//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz), which cannot
//! reach the private request types: the JSON body parser run on arbitrary
//! bytes as a few real request bodies, exactly as the `Body` and
//! `MaybeBody` extractors run it once the bytes are read. Not part of the
//! API; nothing in the server calls it.

use crate::ApiError;
use crate::http::body::{parse_json, parse_maybe_json};
use chief_app::requests::TaskRequest;

/// A request body the fuzzer feeds: chosen for their shapes (a required
/// field, explicit `null`s, nested arrays of objects, a tagged enum).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// `POST /api/tasks`.
    TaskCreate,
    /// `PUT /api/tasks/{id}`: `null` clears a field.
    TaskUpdate,
    /// `POST /api/tasks/{id}/complete`: the body may be left out.
    TaskComplete,
    /// `POST /api/triggers`: a tagged action with a nested filter.
    TriggerCreate,
}

impl BodyKind {
    pub const ALL: [BodyKind; 4] = [
        BodyKind::TaskCreate,
        BodyKind::TaskUpdate,
        BodyKind::TaskComplete,
        BodyKind::TriggerCreate,
    ];
}

/// Parses `bytes` as the body `kind`; `Ok` when the handler would get a
/// value, else the problem the client would get.
pub fn parse_body(kind: BodyKind, bytes: &[u8]) -> Result<(), ApiError> {
    match kind {
        BodyKind::TaskCreate => parse_json::<TaskRequest>(bytes).map(drop),
        BodyKind::TaskUpdate => parse_json::<crate::api::tasks::UpdateBody>(bytes).map(drop),
        BodyKind::TaskComplete => {
            parse_maybe_json::<crate::api::tasks::CompleteBody>(bytes).map(drop)
        }
        BodyKind::TriggerCreate => parse_json::<chief_store::trigger::NewTrigger>(bytes).map(drop),
    }
}
