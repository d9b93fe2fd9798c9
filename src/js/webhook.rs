//! `webhook.verify` and `webhook.parse`: the checks, done by
//! `core::webhook`. `pkg-template/api.js` has already reduced the caller's
//! argument forms (a raw body and header, a Fetch `Request`, a `{ headers,
//! body }` object) to bytes and a header value: reading JS objects of those
//! shapes took 9 KB of wasm, against a few lines of JS (measured).

use crate::prelude::*;

use super::convert::{decode_body, from_js};
use super::errors;
use crate::core::error::Error;
use crate::core::text::cat;
use crate::core::validate::{IssueCode, Issues};
use crate::core::webhook::{self, DEFAULT_TOLERANCE_SECS};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

/// `toleranceSeconds` as given: absent means the default; anything but a
/// finite, non-negative number is the caller's bug, so it throws (checked
/// before the body is read, so even a `Request`'s verify throws at once).
#[wasm_bindgen(js_name = webhookTolerance)]
pub fn tolerance(value: JsValue) -> Result<f64, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(DEFAULT_TOLERANCE_SECS);
    }
    match value.as_f64() {
        Some(t) if t.is_finite() && t >= 0.0 => Ok(t),
        _ => Err(errors::thrown(&Error::Validation {
            what: "webhook.verify arguments",
            issues: Issues::one(
                IssueCode::InvalidType,
                &["toleranceSeconds".into()],
                cat!(
                    "expected a non-negative number of seconds, received ",
                    from_js(&value).kind()
                ),
            ),
        })),
    }
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
    // The checks read four levels (event, data, attachments, an attachment);
    // the event returned is the engine's own parse, untouched.
    const CHECKED_DEPTH: u32 = 4;
    let text = match raw_body.dyn_ref::<Uint8Array>() {
        Some(bytes) => match String::from_utf8(bytes.to_vec()) {
            Ok(text) => Some(JsValue::from_str(&text)),
            Err(_) => return Err(errors::thrown(&payload_error("body is not UTF-8 text"))),
        },
        None if raw_body.is_string() => Some(raw_body.clone()),
        None => None,
    };
    let (event, checked) = match text {
        Some(text) => {
            let (parsed, shape) = decode_body(&text, CHECKED_DEPTH);
            (parsed, webhook::parse_event(shape))
        }
        None if raw_body.is_object() => {
            let checked = webhook::check_event(from_js(&raw_body));
            (Some(raw_body), checked)
        }
        None => (
            None,
            Err(payload_error(
                "expected the raw body as a string, Uint8Array or ArrayBuffer",
            )),
        ),
    };
    match checked {
        Ok(_) => Ok(event.unwrap_or(JsValue::UNDEFINED)),
        Err(e) => Err(errors::thrown(&e)),
    }
}

fn payload_error(message: &str) -> Error {
    Error::Validation {
        what: "webhook payload",
        issues: Issues::one(IssueCode::InvalidType, &[], message),
    }
}
