//! JS values in, JS values out.

use crate::core::value::{deserialize_lenient, Value};
use wasm_bindgen::JsValue;

/// Reads any JS value without failing: a function or symbol inside becomes
/// `Value::Unsupported` for the validator to report by name.
pub fn from_js(value: &JsValue) -> Value {
    if value.is_undefined() {
        return Value::Undefined;
    }
    deserialize_lenient(serde_wasm_bindgen::Deserializer::from(value.clone()))
}

/// Builds the JS value through the engine's own `JSON.parse`: one call
/// across the boundary instead of one per property.
pub fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_json()).unwrap_or(JsValue::NULL)
}
