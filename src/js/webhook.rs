//! `webhook.verify` and `webhook.parse`: argument shapes sorted out here,
//! the HMAC and the event checks done by `core::webhook`.

use crate::prelude::*;

use super::convert::{bytes_of, decode_body, entries_of, from_js, items_of};
use super::env::get;
use super::errors;
use crate::core::error::Error;
use crate::core::text::cat;
use crate::core::validate::{IssueCode, Issues};
use crate::core::webhook::{self, DEFAULT_TOLERANCE_SECS, SIGNATURE_HEADER};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// `verify(rawBody, signatureHeader, secret, toleranceSeconds?)` returns a
/// boolean; `verify(request, secret, toleranceSeconds?)` too, except for a
/// Fetch `Request`, whose body can only be read asynchronously: then a
/// `Promise<boolean>`. Bad input from the sender is `false`, never a throw.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    first: JsValue,
    second: JsValue,
    third: JsValue,
    fourth: JsValue,
) -> Result<JsValue, JsValue> {
    // The request form is an object followed by a secret and maybe a
    // tolerance; anything else is the raw form (whose body may be missing or
    // of a wrong type: that is `false`, like any other bad delivery).
    let request_form = bytes_of(&first).is_none()
        && first.is_object()
        && (third.is_undefined() || third.is_null() || third.as_f64().is_some());
    if !request_form {
        let tolerance = tolerance(&fourth)?;
        let header = first_string(&second).unwrap_or_default();
        return Ok(bytes_of(&first)
            .is_some_and(|body| check(&body, &header, &third, tolerance))
            .into());
    }
    let tolerance = tolerance(&third)?;
    let header = signature_header(&get(&first, "headers")).unwrap_or_default();
    for key in ["rawBody", "body"] {
        if let Some(body) = bytes_of(&get(&first, key)) {
            return Ok(check(&body, &header, &second, tolerance).into());
        }
    }
    // A Fetch Request: read a clone, so the caller can still read the body.
    let source = match get(&first, "clone").dyn_into::<Function>() {
        Ok(clone) => clone.call0(&first).unwrap_or(JsValue::UNDEFINED),
        Err(_) => first,
    };
    let Ok(read) = get(&source, "arrayBuffer").dyn_into::<Function>() else {
        return Ok(false.into());
    };
    let pending = read.call0(&source);
    Ok(future_to_promise(async move {
        let Ok(pending) = pending else {
            return Ok(false.into());
        };
        let body = JsFuture::from(Promise::resolve(&pending))
            .await
            .ok()
            .and_then(|b| bytes_of(&b));
        Ok(body
            .is_some_and(|b| check(&b, &header, &second, tolerance))
            .into())
    })
    .into())
}

fn check(body: &[u8], header: &str, secret: &JsValue, tolerance: f64) -> bool {
    let secret = secret.as_string().unwrap_or_default();
    let now_secs = js_sys::Date::now() / 1000.0;
    webhook::verify(body, header, &secret, tolerance, now_secs)
}

/// `parse(rawBody)`: the typed event, or a `ValidationError` saying what is
/// wrong. An already-parsed object is checked the same way.
#[wasm_bindgen(js_name = parseWebhook)]
pub fn parse_webhook(raw_body: JsValue) -> Result<JsValue, JsValue> {
    // The checks read four levels (event, data, attachments, an attachment);
    // the event returned is the engine's own parse, untouched.
    const CHECKED_DEPTH: u32 = 4;
    let (event, checked) = match bytes_of(&raw_body) {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                let (parsed, shape) = decode_body(&JsValue::from_str(&text), CHECKED_DEPTH);
                (parsed, webhook::parse_event(shape))
            }
            Err(_) => (None, Err(payload_error("body is not UTF-8 text"))),
        },
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

/// The signature from a `Headers` object or a plain object in any case
/// (Node's `IncomingMessage.headers` may hold an array).
fn signature_header(headers: &JsValue) -> Option<String> {
    if let Ok(lookup) = get(headers, "get").dyn_into::<Function>() {
        return lookup
            .call1(headers, &SIGNATURE_HEADER.into())
            .ok()?
            .as_string();
    }
    entries_of(headers)?
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(SIGNATURE_HEADER))
        .and_then(|(_, value)| first_string(&value))
}

/// A header value: a string, or the first of an array (Node's shape for
/// repeated headers).
fn first_string(value: &JsValue) -> Option<String> {
    value
        .as_string()
        .or_else(|| items_of(value)?.first()?.as_string())
}

/// `toleranceSeconds`: absent means the default; anything but a finite,
/// non-negative number is the caller's bug, so it throws.
fn tolerance(value: &JsValue) -> Result<f64, JsValue> {
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
                    from_js(value).kind()
                ),
            ),
        })),
    }
}
