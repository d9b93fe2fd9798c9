//! JS values in, JS values out.
//!
//! JS values are read into the core's `Value` directly, rather than through
//! serde-wasm-bindgen: it cost 31 KB of wasm (13 KB gzipped, measured), much
//! of it Rust's float formatting linked by its error paths, and it cannot
//! tell `undefined` from `null` or say that a field holds a function.

use crate::prelude::*;

use crate::core::value::{Body, Value};
use js_sys::{Array, JsString};
use wasm_bindgen::prelude::*;

/// Deeper than any params object; a cyclic object stops here instead of
/// overflowing the stack (which would trap the instance).
const MAX_DEPTH: u32 = 32;

// Every call into the user's value goes through `catch` bindings: a throwing
// getter, Proxy trap or revoked Proxy becomes an error value here instead of
// an exception unwinding through wasm frames (which would skip destructors
// and leave borrow flags set).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn object_entries(value: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = from)]
    fn array_from(value: &JsValue) -> Result<Array, JsValue>;
}

/// Reads any JS value without failing or throwing.
pub fn from_js(value: &JsValue) -> Value {
    read(value, 0, Depth::Guard(MAX_DEPTH))
}

/// How deep to read.
#[derive(Clone, Copy)]
enum Depth {
    /// All of it; deeper than this is an error (cyclic or absurd input).
    Guard(u32),
    /// The top only: below this, objects and arrays are left empty (their
    /// kind is all a check of the envelope needs).
    Top(u32),
}

fn read(value: &JsValue, depth: u32, limit: Depth) -> Value {
    // Most values are strings, then objects: test those first (each test is
    // a call out of the wasm).
    if let Some(s) = value.as_string() {
        return Value::String(s);
    }
    if !value.is_object() {
        return if let Some(n) = value.as_f64() {
            Value::Number(n)
        } else if let Some(b) = value.as_bool() {
            Value::Bool(b)
        } else if value.is_undefined() {
            Value::Undefined
        } else if value.is_null() {
            Value::Null
        } else if value.is_function() {
            Value::Unsupported("function")
        } else if value.is_symbol() {
            Value::Unsupported("symbol")
        } else {
            Value::Unsupported("bigint")
        };
    }
    match limit {
        Depth::Guard(max) if depth >= max => {
            return Value::Unsupported("object nested too deeply (cyclic?)")
        }
        Depth::Top(max) if depth >= max => {
            return match is_array(value) {
                Ok(true) => Value::Array(Vec::new()),
                _ => Value::Object(Vec::new()),
            };
        }
        _ => {}
    }
    const UNREADABLE: Value = Value::Unsupported("object whose properties cannot be read");
    // `Array.from` and `Object.entries` hand back fresh arrays made by the
    // engine, safe to index whatever the user's value does.
    match is_array(value) {
        Ok(true) => match array_from(value) {
            Ok(items) => Value::Array(
                items
                    .iter()
                    .map(|item| read(&item, depth + 1, limit))
                    .collect(),
            ),
            Err(_) => UNREADABLE,
        },
        Ok(false) => match object_entries(value) {
            Ok(entries) => Value::Object(
                entries
                    .iter()
                    .filter_map(|entry| {
                        let pair = Array::from(&entry);
                        let key = pair.get(0).as_string()?;
                        Some((key, read(&pair.get(1), depth + 1, limit)))
                    })
                    .collect(),
            ),
            Err(_) => UNREADABLE,
        },
        Err(_) => UNREADABLE,
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// A response or delivery body, parsed by the engine's `JSON.parse` (fast,
/// and no JSON parser in the wasm): the parsed JS value, and what the core
/// checks, read to `depth` levels only.
pub fn decode_body(text: &JsValue, depth: u32) -> (Option<JsValue>, Body) {
    let Some(string) = text.dyn_ref::<JsString>() else {
        return (None, Body::Empty);
    };
    match json_parse(text) {
        Ok(parsed) => {
            let top = read(&parsed, 0, Depth::Top(depth));
            (Some(parsed), Body::Json(top))
        }
        // Blank text does not parse either: told apart only then.
        Err(_) if string.trim().length() == 0 => (None, Body::Empty),
        Err(_) => (None, Body::NotJson),
    }
}

#[wasm_bindgen(raw_module = "./result.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = resultOf)]
    fn result_of(envelope: &JsValue) -> Result<JsValue, JsValue>;
}

/// A success's result (contract, section 5), made by `pkg-template/
/// result.js` from the parsed envelope the core has checked, so the data
/// never round-trips through the wasm. `None` if it could not be read.
pub fn success_result(envelope: &JsValue) -> Option<JsValue> {
    result_of(envelope).ok()
}
