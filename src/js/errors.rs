//! The `cause` of a network error: kept as the caller's runtime threw it
//! when every part of it can be looked at and none mentions a secret.
//! Otherwise (a custom fetch that puts the request's headers in its
//! message, hangs the `Request` it made on its error, or throws a `Headers`
//! or a `Map`) the error gets a stand-in instead: same prototype (so
//! `instanceof TypeError` still holds), its name, message, code and stack
//! redacted, its own cause likewise.

use crate::prelude::*;

use super::boundary::{builtin_tag, field, get_index, get_key, own_keys};
use crate::engine::json::{self, ObjectWriter};
use crate::engine::redact::{mentions_secret, redact};
use wasm_bindgen::JsValue;

/// How deep a cause chain, and how many of its values, are looked at:
/// further than any runtime's chain goes (a refused connection in Node.js
/// is a TypeError and the system error that caused it), and bounded
/// whatever was thrown. What lies beyond is not looked at, so it counts as
/// revealing.
const MAX_DEPTH: u32 = 4;
const MAX_VALUES: usize = 64;

/// Whether `value`, as `util.inspect` or a logger would show it, may reveal
/// a secret: some text in it mentions one, or some part of it cannot be
/// looked at (too deep, too many values, a getter that throws, a symbol, a
/// function, or a built-in that keeps its contents in internal slots, such
/// as a `Request`, `Headers` or `Map`). A Proxy can hide what its target
/// holds from any such look; it is taken at its word.
pub fn may_reveal_secret(value: &JsValue, secrets: &[&str]) -> bool {
    let mut budget = MAX_VALUES;
    may_reveal(value, secrets, MAX_DEPTH, &mut budget)
}

fn may_reveal(value: &JsValue, secrets: &[&str], depth: u32, budget: &mut usize) -> bool {
    if *budget == 0 {
        return true;
    }
    *budget -= 1;
    if let Some(text) = value.as_string() {
        return mentions_secret(&text, secrets);
    }
    if !value.is_object() && !value.is_function() && !value.is_symbol() {
        return false; // a number, boolean, bigint, null or undefined
    }
    if depth == 0 || !value.is_object() {
        return true;
    }
    let tag = builtin_tag(value).ok().and_then(|tag| tag.as_string());
    if !matches!(
        tag.as_deref(),
        Some("[object Object]" | "[object Error]" | "[object Array]")
    ) {
        return true;
    }
    let Ok(keys) = own_keys(value) else {
        return true;
    };
    let count = field(&keys, "length").as_f64().unwrap_or(f64::INFINITY);
    if count > MAX_VALUES as f64 {
        return true;
    }
    // Own keys only: what a log shows of an error (its name aside, which
    // comes from its class) is its own. A symbol key, whose description may
    // be anything, counts as revealing.
    (0..count as u32).any(|index| {
        let Some(key) = get_index(&keys, index).ok().and_then(|key| key.as_string()) else {
            return true;
        };
        mentions_secret(&key, secrets)
            || get_key(value, &key)
                .map_or(true, |part| may_reveal(&part, secrets, depth - 1, budget))
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
