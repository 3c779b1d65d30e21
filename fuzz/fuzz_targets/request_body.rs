//! The JSON body parser on any bytes, as four real request bodies: no
//! panic, and a rejection is the problem+json the extractor promises, a
//! 400 with no field errors or a 422 that names exactly one field and says
//! so in its detail.

#![no_main]

use chief_server::fuzzing::{BodyKind, parse_body};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in BodyKind::ALL {
        let Err(e) = parse_body(kind, data) else {
            continue;
        };
        match e.status.as_u16() {
            400 => assert!(e.errors.is_empty(), "{kind:?}: 400 with field errors"),
            422 => {
                assert_eq!(e.errors.len(), 1, "{kind:?}: 422 without one field");
                let (field, message) = &e.errors[0];
                assert_eq!(e.detail, format!("{field}: {message}"), "{kind:?}");
            }
            other => panic!("{kind:?}: unexpected status {other}: {}", e.detail),
        }
    }
});
