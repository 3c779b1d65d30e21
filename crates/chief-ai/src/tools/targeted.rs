//! Tool arguments that name one record and carry the request its operation
//! takes, in one flat object: `{"person_id": "…", "title": "CEO"}` is
//! person `…` and the `PersonPatch` `{"title": "CEO"}`. The request type is
//! the operation's own (the one the API's body is), so a tool keeps no copy
//! of its fields; serde's `flatten` cannot do this, as it does not combine
//! with the unknown fields the request refuses.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{DeserializeOwned, Error};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::marker::PhantomData;
use uuid::Uuid;

/// The name and description of the id a [`Targeted`] reads.
pub trait IdField {
    /// The argument's name: `person_id`.
    const NAME: &'static str;
    /// What it names, for the schema.
    const DESCRIPTION: &'static str;
}

/// A record's id (`K::NAME`) and the request `R`, from one flat object.
pub struct Targeted<K, R> {
    pub id: Uuid,
    pub request: R,
    field: PhantomData<K>,
}

impl<K, R: std::fmt::Debug> std::fmt::Debug for Targeted<K, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Targeted")
            .field("id", &self.id)
            .field("request", &self.request)
            .finish()
    }
}

impl<'de, K: IdField, R: DeserializeOwned> Deserialize<'de> for Targeted<K, R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut args = Map::<String, Value>::deserialize(d)?;
        let id = args.remove(K::NAME);
        // The request's own complaint (an unknown field, say) comes first, as
        // serde's would for one struct; the missing id after it.
        let request = serde_path_to_error::deserialize(Value::Object(args)).map_err(|e| {
            let path = e.path().to_string();
            match path.as_str() {
                "." => D::Error::custom(e.into_inner()),
                _ => D::Error::custom(format!("{path}: {}", e.into_inner())),
            }
        })?;
        let id = id.ok_or_else(|| D::Error::missing_field(K::NAME))?;
        let id =
            Uuid::deserialize(id).map_err(|e| D::Error::custom(format!("{}: {e}", K::NAME)))?;
        Ok(Targeted {
            id,
            request,
            field: PhantomData,
        })
    }
}

impl<K: IdField, R: JsonSchema> JsonSchema for Targeted<K, R> {
    fn schema_name() -> Cow<'static, str> {
        format!("{}With{}", R::schema_name(), K::NAME).into()
    }

    fn inline_schema() -> bool {
        true
    }

    /// `R`'s object schema with the id as a required property.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = R::json_schema(generator);
        if let Some(object) = schema.as_object_mut() {
            let id = json!({"type": "string", "format": "uuid", "description": K::DESCRIPTION});
            let mut properties = Map::new();
            properties.insert(K::NAME.to_string(), id);
            if let Some(Value::Object(rest)) = object.remove("properties") {
                properties.extend(rest);
            }
            object.insert("properties".into(), Value::Object(properties));
            let mut required = vec![Value::from(K::NAME)];
            if let Some(Value::Array(rest)) = object.remove("required") {
                required.extend(rest);
            }
            object.insert("required".into(), Value::Array(required));
        }
        schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoteId;
    impl IdField for NoteId {
        const NAME: &'static str = "note_id";
        const DESCRIPTION: &'static str = "The note.";
    }

    #[derive(Deserialize, JsonSchema, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Edit {
        /// The new text.
        text: String,
        pinned: Option<bool>,
    }

    type Args = Targeted<NoteId, Edit>;
    const ID: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    fn parse(v: Value) -> Result<Args, String> {
        serde_path_to_error::deserialize(v).map_err(|e| e.into_inner().to_string())
    }

    #[test]
    fn the_id_and_the_request_come_from_one_flat_object() {
        let a = parse(json!({"note_id": ID, "text": "hi", "pinned": true})).unwrap();
        assert_eq!(a.id.to_string(), ID);
        assert_eq!(a.request.text, "hi");
        assert_eq!(a.request.pinned, Some(true));
    }

    #[test]
    fn errors_name_the_argument_at_fault() {
        assert_eq!(
            parse(json!({"text": "hi"})).unwrap_err(),
            "missing field `note_id`"
        );
        let e = parse(json!({"note_id": "nope", "text": "hi"})).unwrap_err();
        assert!(e.starts_with("note_id: "), "{e}");
        let e = parse(json!({"note_id": ID, "text": 5})).unwrap_err();
        assert!(e.starts_with("text: invalid type: integer `5`"), "{e}");
        let e = parse(json!({"note_id": ID, "text": "hi", "colour": 1})).unwrap_err();
        // As the registry names it for any tool: the key, then serde's words.
        assert!(e.starts_with("colour: unknown field `colour`"), "{e}");
        assert_eq!(
            parse(json!({"note_id": ID})).unwrap_err(),
            "missing field `text`"
        );
        // A misspelt id is an unknown field, which says more than a missing id.
        let e = parse(json!({"note": ID, "text": "hi"})).unwrap_err();
        assert!(e.starts_with("note: unknown field `note`"), "{e}");
    }

    #[test]
    fn the_schema_is_the_request_with_the_id_required() {
        let schema = schemars::schema_for!(Args).to_value();
        let props = schema["properties"].as_object().unwrap();
        assert_eq!(props["note_id"]["format"], "uuid");
        assert!(props.contains_key("text") && props.contains_key("pinned"));
        assert_eq!(schema["required"], json!(["note_id", "text"]));
        assert_eq!(schema["additionalProperties"], json!(false));
    }
}
