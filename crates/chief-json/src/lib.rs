//! Strict JSON input: the one parser for JSON that comes from outside.
//!
//! [`parse`] reads bytes as `T` and, when it cannot, says which of three
//! things went wrong ([`Rejection`]); [`parse_maybe`] lets the body be left
//! out; [`parse_value`] reads an already parsed value (a tool call's
//! arguments); [`field_of`] names the field in any serde error, for the
//! query string parser too. The HTTP layer maps a rejection to
//! problem+json (400 for empty or malformed, 422 for a field).
//!
//! Only a JSON object is an input: serde's derived structs also read an
//! array as their fields in order, so `["Renamed", null]` would rename a
//! client; any other top-level value is refused before `T` sees it. Messages
//! never name a Rust type: "expected struct NewTask" reads "expected a JSON
//! object".

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;

/// Why input was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Nothing but whitespace where a JSON value was needed.
    Empty,
    /// Not JSON: serde's message, with its line and column.
    Malformed(String),
    /// JSON of the wrong shape: the field at fault and what is wrong with it.
    Field { field: String, message: String },
}

/// Parses `bytes` as `T`, naming the field that failed. `whole` names the
/// input when the error is about all of it (a body that is not an object).
pub fn parse<T: DeserializeOwned>(bytes: &[u8], whole: &str) -> Result<T, Rejection> {
    if is_json(bytes) && first_byte(bytes) != Some(b'{') {
        return Err(not_an_object(whole));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            Category::Data => {
                let (field, message) = field_of(&path, &plain(&inner.to_string()), whole);
                Rejection::Field { field, message }
            }
            Category::Eof if is_blank(bytes) => Rejection::Empty,
            // serde_json reports some wrong shapes as syntax (an enum given
            // a number is "expected value"): JSON that reads as JSON is
            // never malformed, so name the field instead.
            _ if is_json(bytes) => {
                let message = match plain(&inner.to_string()).as_str() {
                    "expected value" => "has the wrong type".to_string(),
                    other => other.to_string(),
                };
                let (field, message) = field_of(&path, &message, whole);
                Rejection::Field { field, message }
            }
            _ => Rejection::Malformed(inner.to_string()),
        }
    })?;
    // Anything after the value but whitespace is not one JSON value.
    de.end().map_err(|e| Rejection::Malformed(e.to_string()))?;
    Ok(value)
}

/// Parses input that may be left out: empty or all whitespace is `None`.
pub fn parse_maybe<T: DeserializeOwned>(bytes: &[u8], whole: &str) -> Result<Option<T>, Rejection> {
    if is_blank(bytes) {
        return Ok(None);
    }
    parse(bytes, whole).map(Some)
}

/// Reads an already parsed JSON `value` as `T`, as [`parse`] reads bytes:
/// only an object, naming the field that failed.
pub fn parse_value<T: DeserializeOwned>(value: Value, whole: &str) -> Result<T, Rejection> {
    if !value.is_object() {
        return Err(not_an_object(whole));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let (field, message) = field_of(&path, &plain(&e.into_inner().to_string()), whole);
        Rejection::Field { field, message }
    })
}

/// The rejection of a value that is JSON but not an object.
fn not_an_object(whole: &str) -> Rejection {
    Rejection::Field {
        field: whole.to_string(),
        message: "must be a JSON object".to_string(),
    }
}

/// The first byte that is not JSON whitespace.
fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes
        .iter()
        .copied()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// serde's message in the caller's words: no position, and no Rust type
/// names ("expected struct NewTask" is "expected a JSON object").
fn plain(message: &str) -> String {
    let message = strip_position(message);
    let mut out = String::with_capacity(message.len());
    let mut rest = message.as_str();
    while let Some(i) = rest.find("expected struct ") {
        out.push_str(&rest[..i]);
        out.push_str("expected a JSON object");
        let after = &rest[i + "expected struct ".len()..];
        let name_end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(after.len());
        rest = &after[name_end..];
    }
    out.push_str(rest);
    out
}

/// Whether `bytes` are one JSON value, whatever its shape.
fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// Whether `bytes` hold nothing but JSON's whitespace (RFC 8259: space,
/// tab, line feed, carriage return; not form feed).
pub fn is_blank(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// The field a serde error is about, and its message: the path serde
/// reached, or the name in its "unknown field `x`, expected ..." and
/// "missing field `x`" messages (a missing one "is required"); `whole`
/// when neither names one, or the name is empty (a `""` key).
pub fn field_of(path: &str, message: &str, whole: &str) -> (String, String) {
    if path != "." && !path.is_empty() {
        return (path.to_string(), message.to_string());
    }
    let named = |prefix: &str| {
        let rest = message.strip_prefix(prefix)?;
        Some(rest[..rest.find('`')?].to_string())
    };
    if let Some(field) = named("missing field `") {
        return (field, "is required".to_string());
    }
    match named("unknown field `") {
        // An empty key names no field: the problem is with the whole input.
        Some(field) if !field.is_empty() => (field, message.to_string()),
        _ => (whole.to_string(), message.to_string()),
    }
}

/// serde's message without its " at line 1 column 9" suffix.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        priority: Option<i64>,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn field(r: Rejection) -> (String, String) {
        match r {
            Rejection::Field { field, message } => (field, message),
            other => panic!("not a field rejection: {other:?}"),
        }
    }

    #[test]
    fn wrong_types_unknown_and_missing_fields_name_the_field() {
        let (f, m) = field(parse::<T>(br#"{"title": 5}"#, "body").unwrap_err());
        assert_eq!(f, "title");
        assert!(m.starts_with("invalid type: integer `5`"), "{m}");
        assert!(!m.contains("at line"), "{m}");
        let (f, m) = field(parse::<T>(br#"{"title": "x", "colour": 1}"#, "body").unwrap_err());
        assert_eq!(f, "colour");
        assert!(m.starts_with("unknown field `colour`"), "{m}");
        let (f, m) = field(parse::<T>(br#"{"priority": 1}"#, "body").unwrap_err());
        assert_eq!((f.as_str(), m.as_str()), ("title", "is required"));
        let (f, m) = field(parse::<T>(br#"{"": 1, "title": "x"}"#, "body").unwrap_err());
        assert_eq!(f, "body", "an empty key is not a field name");
        assert!(m.starts_with("unknown field ``"), "{m}");
        let (f, _) = field(parse::<T>(br#"{"title": "x", "tags": ["a", 2]}"#, "body").unwrap_err());
        assert_eq!(f, "tags[1]");
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    enum Colour {
        #[serde(rename = "red")]
        Red,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Painted {
        colour: Option<Colour>,
    }

    #[test]
    fn an_enum_given_a_number_names_the_field_though_serde_calls_it_syntax() {
        let (f, m) = field(parse::<Painted>(br#"{"colour": 1}"#, "body").unwrap_err());
        assert_eq!((f.as_str(), m.as_str()), ("colour", "has the wrong type"));
        // Truncated input is still malformed.
        assert!(matches!(
            parse::<Painted>(br#"{"colour": "#, "body").unwrap_err(),
            Rejection::Malformed(_)
        ));
    }

    #[test]
    fn only_an_object_is_an_input_and_no_rust_type_is_named() {
        // serde's derived structs read an array as their fields in order.
        for input in [
            &br#"["x", 1, []]"#[..],
            br#" ["x"]"#,
            br#""a string""#,
            b"5",
            b"true",
            b"null",
        ] {
            let (f, m) = field(parse::<T>(input, "body").unwrap_err());
            assert_eq!(f, "body", "{input:?}");
            assert!(m.starts_with("must be a JSON object"), "{m}");
            let value: Value = serde_json::from_slice(input).unwrap();
            let (f, m) = field(parse_value::<T>(value, "arguments").unwrap_err());
            assert_eq!(f, "arguments");
            assert!(m.starts_with("must be a JSON object"), "{m}");
        }
        // An array that is not JSON is still malformed, not "not an object".
        assert!(matches!(
            parse::<T>(b"[\"x\", ", "body").unwrap_err(),
            Rejection::Malformed(_)
        ));
        let (f, m) = field(parse::<Nested>(br#"{"inner": 5}"#, "body").unwrap_err());
        assert_eq!(
            (f.as_str(), m.as_str()),
            ("inner", "invalid type: integer `5`, expected a JSON object")
        );
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Nested {
        inner: T,
    }

    #[test]
    fn a_parsed_value_names_the_field_as_bytes_do() {
        let (f, m) =
            field(parse_value::<T>(serde_json::json!({"priority": 1}), "arguments").unwrap_err());
        assert_eq!((f.as_str(), m.as_str()), ("title", "is required"));
        let (f, _) =
            field(parse_value::<T>(serde_json::json!({"title": 5}), "arguments").unwrap_err());
        assert_eq!(f, "title");
        let t = parse_value::<T>(serde_json::json!({"title": "x"}), "arguments").unwrap();
        assert_eq!(t.title, "x");
    }

    #[test]
    fn malformed_and_empty_input_are_told_apart() {
        match parse::<T>(br#"{"title": "#, "body").unwrap_err() {
            Rejection::Malformed(m) => assert!(m.contains("line 1 column"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(parse::<T>(b"", "body").unwrap_err(), Rejection::Empty);
        assert_eq!(parse::<T>(b" \n\t", "body").unwrap_err(), Rejection::Empty);
        // Bytes after a whole value are malformed, not ignored.
        match parse::<T>(br#"{"title": "x"} {"title": "y"}"#, "body").unwrap_err() {
            Rejection::Malformed(m) => assert!(m.starts_with("trailing characters"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(parse::<T>(b"{\"title\": \"x\"}\n", "body").is_ok());
    }

    #[test]
    fn optional_input_may_be_empty_or_blank_but_not_malformed() {
        assert!(parse_maybe::<T>(b"", "body").unwrap().is_none());
        assert!(parse_maybe::<T>(b" \r\n\t", "body").unwrap().is_none());
        // Form feed is not JSON whitespace: such a body is malformed.
        assert!(matches!(
            parse_maybe::<T>(b"\x0c", "body"),
            Err(Rejection::Malformed(_))
        ));
        let t = parse_maybe::<T>(br#"{"title": "x"}"#, "body")
            .unwrap()
            .unwrap();
        assert_eq!(t.title, "x");
        assert!(matches!(
            parse_maybe::<T>(b"{", "body"),
            Err(Rejection::Malformed(_))
        ));
    }
}
