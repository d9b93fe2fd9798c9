//! `webhook.verify` and `webhook.parse`: the checks, done by
//! `engine::webhook`. `pkg-template/api.js` has already reduced the
//! caller's argument forms (a raw body and header, a `{ headers, body }`
//! object, a Fetch `Request` read asynchronously) to the body's bytes or
//! text and the header's value: reading JS objects of those shapes from
//! Rust cost more wasm than the few lines of JS it takes.

use crate::prelude::*;

use super::boundary::json_parse;
use super::source::read_js;
use crate::engine::error::Error;
use crate::engine::input::{Body, Shape};
use crate::engine::webhook;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

fn thrown(error: &Error) -> JsValue {
    JsValue::from_str(&error.record(&[]))
}

/// `toleranceSeconds`, checked (and defaulted) before anything else, so a
/// bad one throws whatever the body is.
#[wasm_bindgen(js_name = webhookTolerance)]
pub fn tolerance(value: JsValue) -> Result<f64, JsValue> {
    let kept = RefCell::new(Vec::new());
    webhook::tolerance(&read_js(&value, &Shape::Scalar, &kept)).map_err(|e| thrown(&e))
}

/// Whether `header` signs `body` with one of `secrets` (a string or an
/// array of them), at most `tolerance` seconds from now. A header or a
/// secret that is not what it should be is `false`: bad input from a
/// sender is a delivery that does not verify, never a throw.
#[wasm_bindgen(js_name = webhookVerify)]
pub fn verify(body: &[u8], header: JsValue, secrets: JsValue, tolerance: f64) -> bool {
    let header = header.as_string().unwrap_or_default();
    let kept = RefCell::new(Vec::new());
    let secrets = read_js(&secrets, &webhook::SECRETS, &kept);
    let now_secs = super::boundary::date_now() / 1000.0;
    webhook::verify(
        body,
        &header,
        &webhook::secrets(&secrets),
        tolerance,
        now_secs,
    )
}

/// `parse(rawBody)` of text: the event as the engine's `JSON.parse` made
/// it, untouched, or a `ValidationError` record saying what is wrong.
#[wasm_bindgen(js_name = webhookParseText)]
pub fn parse_text(text: JsValue) -> Result<JsValue, JsValue> {
    let body = match json_parse(&text) {
        Ok(event) => {
            let kept = RefCell::new(Vec::new());
            let checked = Body::Json(read_js(&event, &webhook::EVENT, &kept));
            return webhook::check_body(&checked)
                .map(|()| event)
                .map_err(|e| thrown(&e));
        }
        Err(_) if text.as_string().is_some_and(|t| t.trim().is_empty()) => Body::Empty,
        Err(_) => Body::NotJson,
    };
    Err(webhook::check_body(&body)
        .err()
        .map_or(JsValue::UNDEFINED, |e| thrown(&e)))
}

/// `parse(rawBody)` of bytes: UTF-8 text, then as `parseText`.
#[wasm_bindgen(js_name = webhookParseBytes)]
pub fn parse_bytes(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let text = webhook::body_text(bytes).map_err(|e| thrown(&e))?;
    parse_text(JsValue::from_str(text))
}

/// `parse(event)` of an event already parsed (by a framework): checked the
/// same way, returned as it is.
#[wasm_bindgen(js_name = webhookCheck)]
pub fn check(event: JsValue) -> Result<JsValue, JsValue> {
    let kept = RefCell::new(Vec::new());
    webhook::check_event(&read_js(&event, &webhook::EVENT, &kept))
        .map(|()| event)
        .map_err(|e| thrown(&e))
}
