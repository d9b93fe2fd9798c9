//! The `cause` of a network error: kept as the caller's runtime threw it,
//! unless some text in it mentions a secret (a custom fetch that puts the
//! request's headers in its message, say). Then the error gets a stand-in
//! instead: same prototype (so `instanceof TypeError` still holds), its
//! name, message, code and stack redacted, its own cause likewise.

use crate::prelude::*;

use super::boundary::{field, object_keys};
use crate::engine::json::{self, ObjectWriter};
use crate::engine::redact::{mentions_secret, redact};
use wasm_bindgen::JsValue;

/// How deep a cause chain, and how many of its values, are looked at:
/// further than any runtime's chain goes, and bounded whatever was thrown.
const MAX_DEPTH: u32 = 4;
const MAX_VALUES: usize = 64;

/// Whether any text in `value` (its message, name, code, stack, cause,
/// and its own enumerable fields, a level deep) mentions a secret.
pub fn mentions_secret_anywhere(value: &JsValue, secrets: &[&str]) -> bool {
    let mut budget = MAX_VALUES;
    mentions(value, secrets, MAX_DEPTH, &mut budget)
}

fn mentions(value: &JsValue, secrets: &[&str], depth: u32, budget: &mut usize) -> bool {
    if *budget == 0 {
        // Too much to look through: treat it as unsafe to hand on.
        return true;
    }
    *budget -= 1;
    if let Some(text) = value.as_string() {
        return mentions_secret(&text, secrets);
    }
    if !value.is_object() || depth == 0 {
        return false;
    }
    // Errors keep these off their own enumerable keys.
    let named = ["name", "message", "code", "stack", "cause"];
    if named
        .iter()
        .any(|key| mentions(&field(value, key), secrets, depth - 1, budget))
    {
        return true;
    }
    let Ok(keys) = object_keys(value) else {
        return true;
    };
    let count = field(&keys, "length").as_f64().unwrap_or(0.0) as usize;
    if count > MAX_VALUES {
        return true;
    }
    (0..count).any(|i| {
        let key = field(&keys, &crate::engine::text::cat!(i));
        key.as_string()
            .is_some_and(|key| mentions(&field(value, &key), secrets, depth - 1, budget))
    })
}

/// The JSON `errors.js` builds a stand-in from: `{ name, message, code,
/// stack, cause }`, each redacted, absent ones left out.
pub fn stand_in_record(value: &JsValue, secrets: &[&str]) -> String {
    describe(value, secrets, MAX_DEPTH)
}

fn describe(value: &JsValue, secrets: &[&str], depth: u32) -> String {
    let text = |key| {
        let value = field(value, key);
        value
            .as_string()
            .or_else(|| value.as_f64().map(|n| crate::engine::text::cat!(n as i64)))
            .map(|t| json::string(&redact(&t, secrets)))
    };
    if let Some(thrown) = value.as_string() {
        // A thrown string: it becomes the message of a plain Error.
        return ObjectWriter::default()
            .raw("message", Some(&json::string(&redact(&thrown, secrets))))
            .finish();
    }
    let cause = field(value, "cause");
    let cause = (depth > 0 && cause.is_object()).then(|| describe(&cause, secrets, depth - 1));
    ObjectWriter::default()
        .raw("name", text("name").as_deref())
        .raw("message", text("message").as_deref())
        .raw("code", text("code").as_deref())
        .raw("stack", text("stack").as_deref())
        .raw("cause", cause.as_deref())
        .finish()
}
