//! Webhook deliveries: signature verification and event checks.
//!
//! `Contiguity-Signature: t=<unix seconds>,v1=<hex>`, where the hex is
//! HMAC-SHA256 keyed by the secret's UTF-8 bytes (the `whsec_…` string as
//! given) over `<t>.<raw body>`. The raw bytes are verified as received:
//! re-serialised JSON would not match. During a secret rotation the
//! service signs with the old and the new secret at once (two `v1=`), and a
//! receiver may hold both: a delivery is genuine when any signature matches
//! any secret.

use crate::prelude::*;

use super::error::Error;
use super::input::{Kind, Shape, Value};
use super::text::{cat, split_at_each, split_once_at};
use super::validate::{validate, Custom, IssueCode, Issues, PathSegment, Text, Validator};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const DEFAULT_TOLERANCE_SECS: f64 = 300.0;
/// More secrets than anyone rotates through at once: a longer list is a
/// mistake, and verifies nothing.
pub const MAX_SECRETS: usize = 16;
/// More signatures than a header carries: the rest are not tried.
const MAX_SIGNATURES: usize = 16;

/// What of a `secret` argument is read: one secret or a list.
pub const SECRETS: Shape = Shape::List {
    max: MAX_SECRETS,
    item: &Shape::Scalar,
};

type HmacSha256 = Hmac<Sha256>;

/// The secrets a `secret` argument names: a string, or an array of them.
/// Anything else (missing, empty, a wrong type in the list) names none, so
/// nothing verifies: a missing secret is a deployment mistake that must
/// fail closed, not a reason to throw at the sender.
pub fn secrets(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) if !s.is_empty() => vec![s.as_str()],
        Value::Array(items) => {
            let strings: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            if strings.len() == items.len() && strings.iter().all(|s| !s.is_empty()) {
                strings
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// True only for a well-formed header whose `t` is within `tolerance_secs`
/// of `now_secs` (past or future) and one of whose `v1` signatures is the
/// HMAC of the body under one of `secrets`. Never panics.
pub fn verify(
    raw_body: &[u8],
    header: &str,
    secrets: &[&str],
    tolerance_secs: f64,
    now_secs: f64,
) -> bool {
    if secrets.is_empty() || !tolerance_secs.is_finite() || tolerance_secs < 0.0 {
        return false;
    }
    let Some((signed_t, t, signatures)) = parse_header(header) else {
        return false;
    };
    if (now_secs - t as f64).abs() > tolerance_secs {
        return false;
    }
    // Every pair is compared (in constant time, by verify_slice), so how
    // long a check takes says nothing about which signature came close.
    let mut genuine = false;
    for secret in secrets {
        let Some(mac) = mac(secret, signed_t, raw_body) else {
            continue;
        };
        for signature in &signatures {
            genuine |= mac.clone().verify_slice(signature).is_ok();
        }
    }
    genuine
}

/// The HMAC of `<t>.<raw body>`, keyed by the secret's UTF-8 bytes, `t`
/// as the header writes it.
fn mac(secret: &str, t: &str, raw_body: &[u8]) -> Option<HmacSha256> {
    if secret.is_empty() {
        return None;
    }
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(raw_body);
    Some(mac)
}

/// The signature header for `raw_body` at time `t`, as the service writes
/// it, with one `v1=` per secret. For the native tests and fuzzing; the
/// wasm only verifies.
pub fn sign(raw_body: &[u8], secrets: &[&str], t: i64) -> Option<String> {
    let t = cat!(t);
    let mut header = cat!("t=", t);
    for secret in secrets {
        let mac = mac(secret, &t, raw_body)?;
        header.push_str(",v1=");
        header.push_str(&hex_of(&mac.finalize().into_bytes()));
    }
    Some(header)
}

/// Lower-case hex, as the service writes a MAC.
fn hex_of(bytes: &[u8]) -> String {
    let digit = |n: u8| char::from(if n < 10 { b'0' + n } else { b'a' + n - 10 });
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(digit(byte >> 4));
        text.push(digit(byte & 0x0f));
    }
    text
}

/// A `v1=` value as the 32 bytes its 64 hex digits (either case) spell, or
/// `None`. Written here rather than taken from the hex crate: its decoder's
/// bounds check was the one place in the module that formats a panic
/// message for an index, which kept core's integer formatting in the wasm.
fn signature_bytes(hex: &str) -> Option<[u8; 32]> {
    // Not `char::to_digit(16)`: 85 B more of wasm (`make build`).
    fn nibble(digit: u8) -> Option<u8> {
        let lower = digit | 0x20;
        if digit.is_ascii_digit() {
            Some(digit - b'0')
        } else if (b'a'..=b'f').contains(&lower) {
            Some(lower - b'a' + 10)
        } else {
            None
        }
    }
    let mut digits = hex.bytes();
    let mut bytes = [0u8; 32];
    for byte in &mut bytes {
        let high = nibble(digits.next()?)?;
        *byte = high << 4 | nibble(digits.next()?)?;
    }
    digits.next().is_none().then_some(bytes)
}

/// `t=<digits>` and one or more `v1=<64 hex>`, comma-separated; other
/// schemes are ignored. `t` comes back as written, which is what was
/// signed (a leading zero included), and as seconds.
fn parse_header(header: &str) -> Option<(&str, i64, Vec<[u8; 32]>)> {
    let mut t = None;
    let mut signatures = Vec::new();
    // Spaces around the parts are allowed (ASCII only, as HTTP's are).
    for part in split_at_each(header, b',') {
        let (key, value) = split_once_at(part.trim_ascii(), b'=')?;
        let value = value.trim_ascii();
        match key.trim_ascii() {
            "t" => {
                // Digits only: no sign, no exponent, at most 12 of them.
                if value.is_empty()
                    || value.len() > 12
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                t = Some((value, value.parse::<i64>().ok()?));
            }
            "v1" if value.len() == 64 && signatures.len() < MAX_SIGNATURES => {
                if let Some(bytes) = signature_bytes(value) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let (signed_t, t) = t?;
    Some((signed_t, t, signatures)).filter(|(_, _, s)| !s.is_empty())
}

/// `toleranceSeconds` as the caller gave it: absent means the default;
/// anything but a finite, non-negative number is the caller's bug.
pub fn tolerance(value: &Value) -> Result<f64, Error> {
    validate("webhook.verify arguments", |v| match value {
        Value::Null | Value::Undefined => Some(DEFAULT_TOLERANCE_SECS),
        Value::Number(t) if t.is_finite() && *t >= 0.0 => Some(*t),
        other => {
            v.issue(
                IssueCode::InvalidType,
                &["toleranceSeconds".into()],
                cat!(
                    "expected a non-negative number of seconds, received ",
                    other.kind_name()
                ),
            );
            None
        }
    })
}

// ---------------------------------------------------------------------------
// Events

/// Attachments an incoming message may list before they are only counted.
const MAX_EVENT_ATTACHMENTS: usize = 100;

/// What of an event is read: the envelope, and of `data` the kinds of the
/// fields that documented types must carry (their values stay in JS).
pub const EVENT: Shape = Shape::Open(&[
    ("id", Shape::Kind),
    ("type", Shape::Scalar),
    ("timestamp", Shape::Kind),
    (
        "data",
        Shape::Open(&[
            ("from", Shape::Kind),
            ("to", Shape::Kind),
            ("body", Shape::Kind),
            ("timestamp", Shape::Kind),
            (
                "attachments",
                Shape::List {
                    max: MAX_EVENT_ATTACHMENTS,
                    item: &Shape::Kind,
                },
            ),
            ("message_id", Shape::Kind),
            ("error", Shape::Kind),
            ("original_number", Shape::Kind),
            ("used_number", Shape::Kind),
            ("otp_id", Shape::Kind),
            ("number", Shape::Kind),
            ("status", Shape::Kind),
            ("email_id", Shape::Kind),
        ]),
    ),
]);

#[derive(Debug, Clone, Copy)]
pub enum Expected {
    String,
    Number,
    Object,
    OptionalListOfObjects,
}

const INCOMING: &[(&str, Expected)] = &[
    ("from", Expected::String),
    ("to", Expected::String),
    ("body", Expected::String),
    ("timestamp", Expected::Number),
    ("attachments", Expected::OptionalListOfObjects),
];

const DELIVERY: &[(&str, Expected)] = &[
    ("from", Expected::String),
    ("to", Expected::String),
    ("message_id", Expected::String),
];

/// The `data` fields each documented event type must carry
/// (docs/reference.md#event-types). Unknown types are accepted as generic
/// events.
pub const EVENT_TYPES: [(&str, &[(&str, Expected)]); 8] = [
    ("imessage.incoming", INCOMING),
    ("text.incoming.sms", INCOMING),
    ("text.incoming.mms", INCOMING),
    ("text.delivery.confirmed", DELIVERY),
    (
        "text.delivery.failed",
        &[
            ("from", Expected::String),
            ("to", Expected::String),
            ("message_id", Expected::String),
            ("error", Expected::String),
        ],
    ),
    (
        "numbers.substitution",
        &[
            ("original_number", Expected::String),
            ("used_number", Expected::String),
            ("message_id", Expected::String),
        ],
    ),
    (
        "otp.reverse.verified",
        &[
            ("otp_id", Expected::String),
            ("number", Expected::String),
            ("status", Expected::String),
        ],
    ),
    (
        "email.incoming",
        &[("email_id", Expected::String), ("from", Expected::Object)],
    ),
];

const PAYLOAD: &str = "webhook payload";

/// A delivery that cannot be an event at all (empty, not JSON, not text).
pub fn unreadable_payload(why: &str) -> Error {
    Error::Validation {
        what: PAYLOAD,
        issues: Issues::one(IssueCode::InvalidFormat, &[], why),
    }
}

/// A raw body's bytes as text: a delivery is UTF-8 JSON.
pub fn body_text(bytes: &[u8]) -> Result<&str, Error> {
    core::str::from_utf8(bytes).map_err(|_| unreadable_payload("body is not UTF-8 text"))
}

/// Checks a delivery's body, decoded (`Body`) and read with `EVENT`: a
/// string `id`, a string `type` and a numeric `timestamp`; `data`, where
/// present, an object carrying what its type documents.
pub fn check_body(body: &super::input::Body) -> Result<(), Error> {
    match body {
        super::input::Body::Json(event) => check_event(event),
        super::input::Body::Empty => Err(unreadable_payload("body is empty")),
        super::input::Body::NotJson => Err(unreadable_payload("body is not JSON")),
    }
}

/// Checks an event already parsed (by the caller, or from a body), read
/// with `EVENT`.
pub fn check_event(event: &Value) -> Result<(), Error> {
    validate(PAYLOAD, |v| {
        let fields = v.object(event, &[], &EVENT)?;
        let id = v.required(&fields, "id", kind("string", Kind::String));
        let event_type = v.required(&fields, "type", Text);
        let timestamp = v.required(&fields, "timestamp", finite_number());
        let data = fields.get("data").filter(|d| !d.is_absent());
        if let Some(data) = data {
            let data = v.object(data, &fields.path_of("data"), &Shape::Open(&[]))?;
            let documented = EVENT_TYPES
                .iter()
                .find(|(t, _)| Some(*t) == event_type.as_deref())
                .map_or(&[][..], |(_, f)| f);
            check_fields(v, &data, documented);
        }
        id?;
        event_type?;
        timestamp?;
        Some(())
    })
}

fn kind(expects: &'static str, kind: Kind) -> impl super::validate::Rule<Out = ()> {
    Custom(
        expects,
        move |v: &mut Validator, value: &Value, p: &[PathSegment]| {
            if value.kind() == kind {
                Some(())
            } else {
                v.type_error(p, expects, value);
                None
            }
        },
    )
}

fn finite_number() -> impl super::validate::Rule<Out = ()> {
    Custom(
        "number",
        |v: &mut Validator, value: &Value, p: &[PathSegment]| match value {
            Value::Number(n) if n.is_finite() => Some(()),
            other => {
                v.type_error(p, "number", other);
                None
            }
        },
    )
}

fn check_fields(v: &mut Validator, data: &super::validate::Fields, fields: &[(&str, Expected)]) {
    for (name, expected) in fields {
        let value = data.get(name).unwrap_or(&Value::Undefined);
        let ok = match (expected, value) {
            (Expected::String, value) => value.kind() == Kind::String,
            (Expected::Number, Value::Number(n)) => n.is_finite(),
            (Expected::Number, _) => false,
            (Expected::Object, value) => value.kind() == Kind::Object,
            (Expected::OptionalListOfObjects, Value::Undefined | Value::Null) => true,
            (Expected::OptionalListOfObjects, Value::Array(items)) => {
                items.iter().all(|i| i.kind() == Kind::Object)
            }
            (Expected::OptionalListOfObjects, value) => value.kind() == Kind::Array,
        };
        if !ok {
            let expects = match expected {
                Expected::String => "string",
                Expected::Number => "number",
                Expected::Object => "object",
                Expected::OptionalListOfObjects => "array of attachment objects",
            };
            v.type_error(&data.path_of(name), expects, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::input::{read, Body, Budget};

    const SECRET: &str = "whsec_test_secret";
    const BODY: &str = r#"{"id":"evt_1","type":"imessage.incoming","timestamp":1726502400,"api_version":"v2025.9.7","data":{"from":"+15551234567","to":"+15559876543","body":"Hello from iMessage","timestamp":1726502400,"attachments":[]}}"#;
    const T: i64 = 1_726_502_400;

    fn check(text: &str) -> Result<(), Error> {
        check_body(&Body::from_text(text, &EVENT))
    }

    #[test]
    fn known_answer_vector() {
        // Computed outside this code, with Python's hmac module:
        // hmac.new(b"whsec_test_secret", b"1726502400." + BODY, sha256).hexdigest()
        let expected =
            "t=1726502400,v1=82882b0ee3e1e90196bff3493168202b608fa1601cf71201a32230dd517a0e1f";
        assert_eq!(
            sign(BODY.as_bytes(), &[SECRET], T).as_deref(),
            Some(expected)
        );
        assert!(verify(
            BODY.as_bytes(),
            expected,
            &[SECRET],
            300.0,
            T as f64
        ));
    }

    #[test]
    fn signature_bytes_reads_64_hex_digits_of_either_case_and_nothing_else() {
        let lower = "00ff10a0b1c2d3e4f5a6b7c8d9eaf0123456789abcdef0123456789abcdef012";
        assert_eq!(lower.len(), 64);
        let bytes = signature_bytes(lower).unwrap();
        assert_eq!(bytes[..4], [0x00, 0xff, 0x10, 0xa0]);
        assert_eq!(hex_of(&bytes), lower);
        assert_eq!(signature_bytes(&lower.to_uppercase()), Some(bytes));
        assert_eq!(signature_bytes(&lower[..62]), None);
        assert_eq!(signature_bytes(&cat!(lower, "00")), None);
        // Every byte that is not a hex digit, at the first and last place.
        for byte in (0..=u8::MAX).filter(|b| !b.is_ascii_hexdigit()) {
            for at in [0, 63] {
                let mut text = lower.as_bytes().to_vec();
                text[at] = byte;
                if let Ok(text) = core::str::from_utf8(&text) {
                    assert_eq!(signature_bytes(text), None, "{byte:#x} at {at}");
                }
            }
        }
        // 64 bytes of multi-byte characters are not 64 digits.
        assert_eq!(signature_bytes(&"é".repeat(32)), None);
    }

    #[test]
    fn false_for_every_bad_case() {
        let header = sign(BODY.as_bytes(), &[SECRET], T).unwrap();
        let now = T as f64;
        let ok = |body: &str, h: &str, s: &str, tol: f64, now: f64| {
            verify(body.as_bytes(), h, &[s], tol, now)
        };
        assert!(ok(BODY, &header, SECRET, 300.0, now + 300.0));
        assert!(ok(BODY, &header, SECRET, 300.0, now - 300.0));
        assert!(
            !ok(BODY, &header, "whsec_other", 300.0, now),
            "wrong secret"
        );
        assert!(!ok(BODY, &header, "", 300.0, now), "empty secret");
        assert!(
            !verify(BODY.as_bytes(), &header, &[], 300.0, now),
            "no secret"
        );
        assert!(
            !ok(&BODY.replace("Hello", "Hullo"), &header, SECRET, 300.0, now),
            "changed body"
        );
        assert!(!ok(BODY, &header, SECRET, 300.0, now + 301.0), "too old");
        assert!(
            !ok(BODY, &header, SECRET, 300.0, now - 301.0),
            "from the future"
        );
        assert!(
            ok(BODY, &header, SECRET, 1000.0, now + 900.0),
            "caller's tolerance"
        );
        assert!(
            ok(BODY, &header, SECRET, 0.0, now),
            "zero tolerance, same second"
        );
        assert!(!ok(BODY, &header, SECRET, f64::NAN, now), "NaN tolerance");
        assert!(!ok(BODY, &header, SECRET, -1.0, now), "negative tolerance");
        assert!(
            !ok(BODY, &header, SECRET, f64::INFINITY, now),
            "infinite tolerance"
        );
        let sig = header.split("v1=").nth(1).unwrap();
        for bad in [
            String::new(),
            "garbage".into(),
            format!("v1={sig}"),
            format!("t={T}"),
            format!("t=,v1={sig}"),
            format!("t=abc,v1={sig}"),
            format!("t=+{T},v1={sig}"),
            format!("t={T}.0,v1={sig}"),
            format!("t={T},v1={}", &sig[..63]),
            format!("t={T},v1={}zz", &sig[..62]),
            format!("t=-{T},v1={sig}"),
            format!("t={T}9999999999,v1={sig}"),
            format!("t={T},v0={sig}"),
            format!("t={T},v1={sig},broken"),
        ] {
            assert!(!ok(BODY, &bad, SECRET, 300.0, now), "{bad}");
        }
        // Uppercase hex, spaces, a second signature, other schemes: fine.
        assert!(ok(
            BODY,
            &format!("t={T},v1={}", sig.to_uppercase()),
            SECRET,
            300.0,
            now
        ));
        assert!(ok(
            BODY,
            &format!("t={T}, v1={}, v1={sig}, v0=abc", "0".repeat(64)),
            SECRET,
            300.0,
            now
        ));
    }

    #[test]
    fn t_is_at_most_twelve_digits_even_when_signed_and_current() {
        for (t, genuine) in [(999_999_999_999_i64, true), (1_000_000_000_000, false)] {
            let header = sign(BODY.as_bytes(), &[SECRET], t).unwrap();
            assert_eq!(
                verify(BODY.as_bytes(), &header, &[SECRET], 300.0, t as f64),
                genuine,
                "{header}"
            );
        }
    }

    #[test]
    fn t_is_signed_as_written() {
        // The service writes no leading zero, but what is signed is the
        // header's text: a zero added to it breaks the signature, and a
        // header signed with one verifies.
        let genuine = sign(BODY.as_bytes(), &[SECRET], T).unwrap();
        let padded = genuine.replace("t=", "t=0");
        assert!(!verify(
            BODY.as_bytes(),
            &padded,
            &[SECRET],
            300.0,
            T as f64
        ));
        let signed_padded = mac(SECRET, &format!("0{T}"), BODY.as_bytes()).unwrap();
        let header = format!(
            "t=0{T},v1={}",
            hex_of(&signed_padded.finalize().into_bytes())
        );
        assert!(verify(BODY.as_bytes(), &header, &[SECRET], 300.0, T as f64));
    }

    #[test]
    fn only_the_first_sixteen_signatures_are_tried() {
        let genuine = sign(BODY.as_bytes(), &[SECRET], T).unwrap();
        let sig = genuine.split("v1=").nth(1).unwrap();
        let header = |others: usize| {
            let mut h = format!("t={T}");
            for _ in 0..others {
                h.push_str(&format!(",v1={}", "0".repeat(64)));
            }
            h + ",v1=" + sig
        };
        let ok = |h: &str| verify(BODY.as_bytes(), h, &[SECRET], 300.0, T as f64);
        assert!(ok(&header(15)), "the sixteenth is tried");
        assert!(!ok(&header(16)), "the seventeenth is not");
        // What is not a 64-digit signature does not use up the sixteen.
        let mut short = format!("t={T}");
        for _ in 0..20 {
            short.push_str(",v1=abcd,v1=");
            short.push_str(&"z".repeat(64));
        }
        assert!(ok(&(short + ",v1=" + sig)));
    }

    #[test]
    fn any_signature_under_any_secret_verifies() {
        let old = "whsec_old_secret";
        let new = "whsec_new_secret";
        let both = sign(BODY.as_bytes(), &[old, new], T).unwrap();
        assert_eq!(both.matches(",v1=").count(), 2);
        let now = T as f64;
        for secrets in [
            &[old][..],
            &[new],
            &[old, new],
            &[new, old],
            &["whsec_x", new],
        ] {
            assert!(
                verify(BODY.as_bytes(), &both, secrets, 300.0, now),
                "{secrets:?}"
            );
        }
        let only_new = sign(BODY.as_bytes(), &[new], T).unwrap();
        assert!(verify(BODY.as_bytes(), &only_new, &[old, new], 300.0, now));
        assert!(!verify(BODY.as_bytes(), &only_new, &[old], 300.0, now));
        assert!(!verify(
            BODY.as_bytes(),
            &only_new,
            &[old, "whsec_y"],
            300.0,
            now
        ));
    }

    #[test]
    fn a_secret_argument_is_a_string_or_a_list_of_them() {
        let list = |items: &[Value]| Value::Array(items.to_vec());
        let s = |text: &str| Value::String(text.into());
        assert_eq!(secrets(&s("whsec_a")), ["whsec_a"]);
        assert_eq!(
            secrets(&list(&[s("whsec_a"), s("whsec_b")])),
            ["whsec_a", "whsec_b"]
        );
        for none in [
            Value::Undefined,
            Value::Null,
            s(""),
            Value::Number(1.0),
            list(&[]),
            list(&[s("whsec_a"), Value::Null]),
            list(&[s("whsec_a"), s("")]),
            Value::TooLarge {
                kind: Kind::Array,
                size: 17,
            },
        ] {
            assert!(secrets(&none).is_empty(), "{none:?}");
        }
    }

    #[test]
    fn tolerance_defaults_to_300_and_refuses_what_is_not_seconds() {
        assert_eq!(tolerance(&Value::Undefined).unwrap(), 300.0);
        assert_eq!(tolerance(&Value::Null).unwrap(), 300.0);
        assert_eq!(tolerance(&Value::Number(0.0)).unwrap(), 0.0);
        assert_eq!(tolerance(&Value::Number(600.5)).unwrap(), 600.5);
        for bad in [
            Value::Number(-1.0),
            Value::Number(f64::NAN),
            Value::Number(f64::INFINITY),
            Value::String("600".into()),
            Value::Bool(true),
        ] {
            let e = tolerance(&bad).unwrap_err();
            assert!(
                e.message().contains("toleranceSeconds"),
                "{bad:?}: {}",
                e.message()
            );
        }
    }

    #[test]
    fn the_tolerance_error_names_what_was_received() {
        for (value, received) in [
            (Value::Number(-1.0), "number"),
            (Value::Number(f64::NAN), "NaN"),
            (Value::String("600".into()), "string"),
        ] {
            assert_eq!(
                tolerance(&value).unwrap_err().message(),
                format!(
                    "Invalid webhook.verify arguments: toleranceSeconds: expected a non-negative number of seconds, received {received}"
                )
            );
        }
    }

    #[test]
    fn timestamps_from_js_must_be_finite_numbers() {
        // JSON cannot carry NaN or Infinity; a parsed event handed over
        // from JS can.
        let event = |timestamp: f64, data_timestamp: f64| {
            Value::Object(vec![
                ("id".into(), Value::String("e".into())),
                ("type".into(), Value::String("imessage.incoming".into())),
                ("timestamp".into(), Value::Number(timestamp)),
                (
                    "data".into(),
                    Value::Object(vec![
                        ("from".into(), Value::String("+1".into())),
                        ("to".into(), Value::String("+2".into())),
                        ("body".into(), Value::String("b".into())),
                        ("timestamp".into(), Value::Number(data_timestamp)),
                    ]),
                ),
            ])
        };
        let read_event = |value: Value| read(&value, &EVENT, &mut Budget::per_call());
        assert_eq!(check_event(&read_event(event(1.0, 1.0))), Ok(()));
        assert_eq!(
            check_event(&read_event(event(f64::NAN, 1.0)))
                .unwrap_err()
                .message(),
            "Invalid webhook payload: timestamp: expected number, received NaN"
        );
        assert_eq!(
            check_event(&read_event(event(1.0, f64::INFINITY)))
                .unwrap_err()
                .message(),
            "Invalid webhook payload: data.timestamp: expected number, received Infinity"
        );
    }

    #[test]
    fn parses_documented_generic_and_minimal_events() {
        assert!(check(BODY).is_ok());
        for ok in [
            r#"{"id":"evt_2","type":"identity.verification_session.started","timestamp":1,"api_version":"v","data":{"anything":1}}"#,
            r#"{"id":"evt_3","type":"brand.new.type","timestamp":1,"data":{}}"#,
            // What the official SDK's parser accepts: data is optional.
            r#"{"id":"e","type":"text.sent","timestamp":1}"#,
            r#"{"id":"e","type":"imessage.incoming","timestamp":1}"#,
            r#"{"id":"e","type":"x","timestamp":1,"data":null}"#,
            r#"{"id":"e","type":"imessage.incoming","timestamp":1,"data":{"from":"+1","to":"+2","body":"b","timestamp":1}}"#,
            r#"{"id":"e","type":"imessage.incoming","timestamp":1,"data":{"from":"+1","to":"+2","body":"b","timestamp":1,"attachments":null}}"#,
            r#"{"id":"e","type":"imessage.incoming","timestamp":1,"data":{"from":"+1","to":"+2","body":"b","timestamp":1,"attachments":[{"url":"u"}]}}"#,
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
        }
    }

    #[test]
    fn junk_gives_clear_errors() {
        let cases = [
            ("", "body is empty"),
            ("<html>", "body is not JSON"),
            ("[]", "expected object, received array"),
            (r#"{"type":"x","timestamp":1,"data":{}}"#, "id: expected string, received undefined"),
            (r#"{"id":"e","timestamp":1}"#, "type: expected string, received undefined"),
            (r#"{"id":"e","type":"x"}"#, "timestamp: expected number, received undefined"),
            (r#"{"id":"e","type":"x","timestamp":"1","data":{}}"#, "timestamp: expected number"),
            (r#"{"id":1,"type":"x","timestamp":1}"#, "id: expected string, received number"),
            (r#"{"id":"e","type":"x","timestamp":1,"data":[]}"#, "data: expected object, received array"),
            (r#"{"id":"e","type":"x","timestamp":1,"data":"x"}"#, "data: expected object, received string"),
            (
                r#"{"id":"e","type":"imessage.incoming","timestamp":1,"data":{"from":1,"to":"+1555","body":"b","timestamp":1,"attachments":"x"}}"#,
                "data.from: expected string, received number; data.attachments: expected array of attachment objects, received string",
            ),
            (
                r#"{"id":"e","type":"imessage.incoming","timestamp":1,"data":{"from":"+1","to":"+1555","body":"b","timestamp":1,"attachments":[1]}}"#,
                "data.attachments: expected array of attachment objects",
            ),
            (
                r#"{"id":"e","type":"imessage.incoming","timestamp":1,"data":{"from":"+1","to":"+1555","body":"b"}}"#,
                "data.timestamp: expected number, received undefined",
            ),
            (r#"{"id":"e","type":"email.incoming","timestamp":1,"data":{"email_id":"m","from":"a@b.c"}}"#, "data.from: expected object, received string"),
        ];
        for (body, fragment) in cases {
            let e = check(body).unwrap_err();
            assert!(e.message().contains(fragment), "{body}: {}", e.message());
        }
        assert!(body_text(&[0xff, 0xfe]).is_err());
        assert_eq!(body_text(b"{}").unwrap(), "{}");
    }
}
