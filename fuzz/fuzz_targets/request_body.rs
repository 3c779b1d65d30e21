//! The JSON body parser (`chief-json`, which the API's `Body` and
//! `MaybeBody` extractors run once the bytes are read) on any bytes, as
//! five real request shapes: a required field, explicit `null`s that clear,
//! dates and ids, nested arrays, and a tagged enum with a nested filter.
//!
//! It must not panic, and its answer must agree with serde_json's own:
//! - it accepts exactly what `serde_json::from_slice` accepts, when that
//!   is a JSON object: any other value (serde's structs read an array as
//!   their fields) is refused as "must be a JSON object" on the whole body;
//! - input that is JSON but the wrong shape is a field rejection naming a
//!   field, never "malformed";
//! - "empty" means nothing but JSON's whitespace (no form feed);
//! - a body that may be left out is `None` exactly when it is blank.

#![no_main]

use chief_domain::job::JobPatch;
use chief_domain::person::PersonPatch;
use chief_domain::task::NewTask;
use chief_domain::trigger::TriggerAction;
use chief_domain::waiting::NewWaitingItem;
use chief_json::{Rejection, parse, parse_maybe};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

/// Whether `message` ends as serde's positions do: " at line 1 column 9".
fn has_position(message: &str) -> bool {
    let Some((_, tail)) = message.rsplit_once(" at line ") else {
        return false;
    };
    let mut parts = tail.split(" column ");
    let number =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    number(parts.next()) && number(parts.next()) && parts.next().is_none()
}

fn check<T: DeserializeOwned>(name: &str, data: &[u8]) {
    let blank = chief_json::is_blank(data);
    let value = serde_json::from_slice::<serde_json::Value>(data).ok();
    let is_json = value.is_some();
    let is_object = value.as_ref().is_some_and(|v| v.is_object());
    // An object by its first byte: serde_json skips an ignored field's
    // string without checking its UTF-8, so a body `T` reads may not read
    // as a `Value`.
    let starts_object = data
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        == Some(&b'{');
    let ours = parse::<T>(data, "body");
    let theirs = serde_json::from_slice::<T>(data);
    assert_eq!(
        ours.is_ok(),
        theirs.is_ok() && starts_object,
        "{name}: accepts differently from serde_json on objects"
    );
    if is_json && !is_object {
        assert_eq!(
            ours.as_ref().err(),
            Some(&Rejection::Field {
                field: "body".to_string(),
                message: "must be a JSON object".to_string(),
            }),
            "{name}: JSON that is not an object"
        );
    }
    match ours {
        Ok(_) => {}
        Err(Rejection::Empty) => assert!(blank, "{name}: empty but not blank"),
        Err(Rejection::Malformed(m)) => {
            assert!(!is_json, "{name}: JSON called malformed: {m}");
            assert!(!blank, "{name}: blank called malformed");
        }
        Err(Rejection::Field { field, message }) => {
            assert!(
                !field.is_empty(),
                "{name}: a field rejection with no field: {message}"
            );
            assert!(
                !has_position(&message),
                "{name}: position left in {message}"
            );
        }
    }
    match parse_maybe::<T>(data, "body") {
        Ok(None) => assert!(blank, "{name}: None for a body that is not blank"),
        Ok(Some(_)) => assert!(!blank),
        Err(r) => assert_ne!(
            r,
            Rejection::Empty,
            "{name}: an optional body rejected as empty"
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    check::<NewTask>("NewTask", data);
    check::<PersonPatch>("PersonPatch", data);
    check::<NewWaitingItem>("NewWaitingItem", data);
    check::<JobPatch>("JobPatch", data);
    check::<TriggerAction>("TriggerAction", data);
});
