//! JS values in, JS values out.
//!
//! JS values are read into the core's `Value` directly, rather than through
//! serde-wasm-bindgen: it cost 31 KB of wasm (13 KB gzipped, measured), much
//! of it Rust's float formatting linked by its error paths, and it cannot
//! tell `undefined` from `null` or say that a field holds a function.

use crate::prelude::*;

use crate::core::value::{Body, Value};
use js_sys::{Array, JsString, Object, Reflect, Symbol, Uint8Array};
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
    #[wasm_bindgen(catch, js_namespace = ArrayBuffer, js_name = isView)]
    fn is_view(value: &JsValue) -> Result<bool, JsValue>;
}

/// Reads any JS value without failing or throwing.
pub fn from_js(value: &JsValue) -> Value {
    read(value, 0)
}

fn read(value: &JsValue, depth: u32) -> Value {
    if value.is_undefined() {
        return Value::Undefined;
    }
    if value.is_null() {
        return Value::Null;
    }
    if let Some(b) = value.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        return Value::Number(n);
    }
    if let Some(s) = value.dyn_ref::<JsString>() {
        return Value::String(s.into());
    }
    if value.is_function() {
        return Value::Unsupported("function");
    }
    if value.is_symbol() {
        return Value::Unsupported("symbol");
    }
    if value.is_bigint() {
        return Value::Unsupported("bigint");
    }
    if depth >= MAX_DEPTH {
        return Value::Unsupported("object nested too deeply (cyclic?)");
    }
    const UNREADABLE: Value = Value::Unsupported("object whose properties cannot be read");
    // `Array.from` and `Object.entries` hand back fresh arrays made by the
    // engine, safe to index whatever the user's value does.
    match is_array(value) {
        Ok(true) => match array_from(value) {
            Ok(items) => Value::Array(items.iter().map(|item| read(&item, depth + 1)).collect()),
            Err(_) => UNREADABLE,
        },
        Ok(false) => match object_entries(value) {
            Ok(entries) => Value::Object(
                entries
                    .iter()
                    .filter_map(|entry| {
                        let pair = Array::from(&entry);
                        let key = pair.get(0).as_string()?;
                        Some((key, read(&pair.get(1), depth + 1)))
                    })
                    .collect(),
            ),
            Err(_) => UNREADABLE,
        },
        Err(_) => UNREADABLE,
    }
}

/// The items of a JS array (a fresh copy), or `None` for anything else.
pub fn items_of(value: &JsValue) -> Option<Vec<JsValue>> {
    match is_array(value) {
        Ok(true) => array_from(value).ok().map(|a| a.to_vec()),
        _ => None,
    }
}

/// The own enumerable `[key, value]` pairs of an object, or `None`.
pub fn entries_of(value: &JsValue) -> Option<Vec<(String, JsValue)>> {
    if !value.is_object() {
        return None;
    }
    let entries = object_entries(value).ok()?;
    Some(
        entries
            .iter()
            .filter_map(|entry| {
                let pair = Array::from(&entry);
                Some((pair.get(0).as_string()?, pair.get(1)))
            })
            .collect(),
    )
}

/// A copy of the bytes of a body: a string (as UTF-8), any typed array or
/// `DataView` (Node's `Buffer` included), or an `ArrayBuffer`. The copy is
/// made by `Reflect.construct(Uint8Array, ...)`, so a look-alike object
/// can only fail (caught), never throw through the wasm.
pub fn bytes_of(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Some(text.into_bytes());
    }
    if !value.is_object() {
        return None;
    }
    let args = if is_view(value) == Ok(true) {
        let field = |name: &str| Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED);
        Array::of3(&field("buffer"), &field("byteOffset"), &field("byteLength"))
    } else {
        let tag = Reflect::get(value, &Symbol::to_string_tag())
            .ok()?
            .as_string();
        if tag.as_deref() != Some("ArrayBuffer") {
            return None;
        }
        Array::of1(value)
    };
    let constructor = Reflect::get(&js_sys::global(), &"Uint8Array".into()).ok()?;
    let copy = Reflect::construct(constructor.unchecked_ref::<js_sys::Function>(), &args).ok()?;
    Some(copy.unchecked_into::<Uint8Array>().to_vec())
}

/// Decodes a body with the engine's `JSON.parse`: fast, and no JSON parser
/// in the wasm.
pub fn decode_body(text: &str) -> Body {
    if text.trim().is_empty() {
        return Body::Empty;
    }
    match js_sys::JSON::parse(text) {
        Ok(value) => Body::Json(from_js(&value)),
        Err(_) => Body::NotJson,
    }
}

/// Builds the plain JS value: objects keep their key order, and a
/// `__proto__` key stays an own property, as `JSON.parse` would make it.
pub fn to_js(value: &Value) -> JsValue {
    match value {
        Value::Null | Value::Unsupported(_) => JsValue::NULL,
        Value::Undefined => JsValue::UNDEFINED,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(*n),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(to_js).collect::<Array>().into(),
        Value::Object(entries) => {
            let object = Object::new();
            for (key, item) in entries {
                let (key, item) = (JsValue::from_str(key), to_js(item));
                if key == "__proto__" {
                    let descriptor = Object::new();
                    for (name, value) in [
                        ("value", &item),
                        ("enumerable", &JsValue::TRUE),
                        ("writable", &JsValue::TRUE),
                        ("configurable", &JsValue::TRUE),
                    ] {
                        let _ = Reflect::set(&descriptor, &name.into(), value);
                    }
                    Object::define_property(&object, &key, &descriptor);
                } else {
                    let _ = Reflect::set(&object, &key, &item);
                }
            }
            object.into()
        }
    }
}

/// JSON text of a request body, written by the engine's `JSON.stringify`
/// exactly as the official SDK writes its bodies.
pub fn to_json_text(value: &Value) -> Option<String> {
    js_sys::JSON::stringify(&to_js(value))
        .ok()
        .map(String::from)
}
