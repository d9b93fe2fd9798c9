//! `webhook.verify` and `webhook.parse`: the checks, done by
//! `core::webhook`. `pkg-template/api.js` has already reduced the caller's
//! argument forms (a raw body and header, a Fetch `Request`, a `{ headers,
//! body }` object) to bytes and a header value: reading JS objects of those
//! shapes took 5.6 KB of wasm (2.2 KB gzipped), against a few lines of JS
//! (measured).

use super::convert::{decode_body, from_js};
use super::errors;
use crate::core::webhook;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

/// `toleranceSeconds`, checked (and defaulted) by the core before the body
/// is read, so even a `Request`'s verify throws at once for a bad one.
#[wasm_bindgen(js_name = webhookTolerance)]
pub fn tolerance(value: JsValue) -> Result<f64, JsValue> {
    webhook::tolerance(&from_js(&value)).map_err(|e| errors::thrown(&e))
}

/// Whether `header` signs `body` with `secret`, at most `tolerance` seconds
/// from now. A header or secret that is not a string is `false`: bad input
/// from a sender is a delivery that does not verify, never a throw.
#[wasm_bindgen(js_name = verifySignature)]
pub fn verify_signature(body: &[u8], header: JsValue, secret: JsValue, tolerance: f64) -> bool {
    let header = header.as_string().unwrap_or_default();
    let secret = secret.as_string().unwrap_or_default();
    let now_secs = js_sys::Date::now() / 1000.0;
    webhook::verify(body, &header, &secret, tolerance, now_secs)
}

/// `parse(rawBody)`: the typed event, or a `ValidationError` saying what is
/// wrong. The body is a string, or its bytes as a `Uint8Array` (api.js makes
/// one of any `ArrayBuffer` or view); an already-parsed object is checked
/// the same way.
#[wasm_bindgen(js_name = parseWebhook)]
pub fn parse_webhook(raw_body: JsValue) -> Result<JsValue, JsValue> {
    // The event returned is the engine's own parse, untouched.
    let checked = match raw_body.dyn_ref::<Uint8Array>() {
        Some(bytes) => webhook::body_text(bytes.to_vec()).and_then(|text| {
            let (parsed, shape) = decode_body(&JsValue::from_str(&text), webhook::EVENT_DEPTH);
            webhook::parse_event(shape).map(|_| parsed)
        }),
        None if raw_body.is_string() => {
            let (parsed, shape) = decode_body(&raw_body, webhook::EVENT_DEPTH);
            webhook::parse_event(shape).map(|_| parsed)
        }
        None if raw_body.is_object() => {
            webhook::check_event(from_js(&raw_body)).map(|_| Some(raw_body.clone()))
        }
        None => Err(webhook::unreadable_payload(
            "expected the raw body as a string, Uint8Array or ArrayBuffer",
        )),
    };
    match checked {
        Ok(event) => Ok(event.unwrap_or(JsValue::UNDEFINED)),
        Err(e) => Err(errors::thrown(&e)),
    }
}
