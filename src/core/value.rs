//! A JSON-like value that keeps object keys in their original order.
//!
//! Everything untrusted enters the core as a `Value`: the user's params and
//! the service's bodies. Validation then walks it and reports every problem,
//! which a typed `Deserialize` cannot do (it stops at the first error and
//! cannot see unknown keys).
//!
//! In the wasm build the facade makes Values from JS values directly (and
//! decodes bodies with the engine's `JSON.parse`), so JSON text is decoded
//! here only natively, for tests and fuzzing (`Value::from_json`,
//! `Body::from_text`, with serde_json, which the wasm build does not link).

use crate::prelude::*;

#[cfg(not(target_arch = "wasm32"))]
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// JavaScript's `undefined`: a missing argument, or a field set to it.
    Undefined,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    /// Key order is kept: results reach the user in the service's order.
    Object(Vec<(String, Value)>),
    /// A JavaScript value with no JSON meaning, or one that could not be
    /// read; says which ("function", "symbol", "bigint", "object nested too
    /// deeply (cyclic?)", ...), for the error message.
    Unsupported(&'static str),
}

impl Value {
    /// The type name used in error messages ("received number").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Undefined => "undefined",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_nan() => "NaN",
            Value::Number(n) if n.is_infinite() => "Infinity",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Unsupported(kind) => kind,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|entries| field(entries, key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// Parses JSON text (natively: tests and fuzzing). Any failure is a
    /// message, never a panic.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<Value, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// The value of `key` among an object's entries.
pub fn field<'v>(entries: &'v [(String, Value)], key: &str) -> Option<&'v Value> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[cfg(not(target_arch = "wasm32"))]
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

#[cfg(not(target_arch = "wasm32"))]
struct ValueVisitor;

#[cfg(not(target_arch = "wasm32"))]
impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut ::core::fmt::Formatter) -> ::core::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value()?;
            // JSON allows repeated keys; the last one wins, as in JSON.parse.
            if let Some(slot) = entries.iter_mut().find(|(k, _)| *k == key) {
                slot.1 = value;
            } else {
                entries.push((key, value));
            }
        }
        Ok(Value::Object(entries))
    }
}

/// A body (of a response or a webhook delivery) decoded as JSON, or why not.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Nothing but whitespace.
    Empty,
    /// Not JSON: an HTML error page, truncated text, garbage.
    NotJson,
    Json(Value),
}

impl Body {
    /// Decodes text with serde_json (natively). The wasm facade decodes with
    /// the engine's `JSON.parse` instead (same result, no parser in the wasm).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_text(text: &str) -> Body {
        if text.trim().is_empty() {
            return Body::Empty;
        }
        match Value::from_json(text) {
            Ok(value) => Body::Json(value),
            Err(_) => Body::NotJson,
        }
    }

    pub fn json(&self) -> Option<&Value> {
        match self {
            Body::Json(value) => Some(value),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_numbers() {
        let v = Value::from_json(r#"{"z":1,"a":{"t":1785698220563,"f":1.5},"m":[true,null,"x"]}"#)
            .unwrap();
        let object = |entries: &[(&str, Value)]| {
            Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
            )
        };
        let expected = object(&[
            ("z", Value::Number(1.0)),
            (
                "a",
                object(&[
                    ("t", Value::Number(1_785_698_220_563.0)),
                    ("f", Value::Number(1.5)),
                ]),
            ),
            (
                "m",
                Value::Array(vec![
                    Value::Bool(true),
                    Value::Null,
                    Value::String("x".into()),
                ]),
            ),
        ]);
        assert_eq!(v, expected);
    }

    #[test]
    fn repeated_keys_keep_the_last_value_like_json_parse() {
        let v = Value::from_json(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v, Value::Object(vec![("a".into(), Value::Number(2.0))]));
    }

    #[test]
    fn bad_json_is_an_error_not_a_panic() {
        for text in ["", "{", "<html>", "{\"a\":}", "\u{0}", "[1,2", "nul"] {
            assert!(Value::from_json(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn body_from_text() {
        assert_eq!(Body::from_text(" \n"), Body::Empty);
        assert_eq!(Body::from_text("<html>"), Body::NotJson);
        assert_eq!(Body::from_text("[]"), Body::Json(Value::Array(vec![])));
    }

    #[test]
    fn kinds_name_special_numbers() {
        assert_eq!(Value::Number(f64::NAN).kind(), "NaN");
        assert_eq!(Value::Number(f64::INFINITY).kind(), "Infinity");
        assert_eq!(Value::Number(2.0).kind(), "number");
    }
}
