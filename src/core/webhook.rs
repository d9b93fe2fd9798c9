//! Webhook deliveries: signature verification and event parsing.
//!
//! `Contiguity-Signature: t=<unix seconds>,v1=<hex>`, where the hex is
//! HMAC-SHA256 keyed by the secret's UTF-8 bytes (the `whsec_…` string as
//! given) over `<t>.<raw body>`. The raw bytes are verified as received:
//! re-serialised JSON would not match.

use crate::prelude::*;

use super::error::Error;
use super::text::{cat, split_at_each, split_once_at};
use super::validate::{child, string, IssueCode, Issues, PathSegment, Validator};
use super::value::{field, Body, Value};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const DEFAULT_TOLERANCE_SECS: f64 = 300.0;
// The header's name (`contiguity-signature`) is looked up by
// `pkg-template/api.js`, which reads the caller's request objects.

type HmacSha256 = Hmac<Sha256>;

/// True only for a well-formed header whose `v1` matches and whose `t` is
/// within `tolerance_secs` of `now_secs` (past or future). Never panics.
pub fn verify(
    raw_body: &[u8],
    header: &str,
    secret: &str,
    tolerance_secs: f64,
    now_secs: f64,
) -> bool {
    if secret.is_empty() || !tolerance_secs.is_finite() || tolerance_secs < 0.0 {
        return false;
    }
    let Some((t, signatures)) = parse_header(header) else {
        return false;
    };
    if (now_secs - t as f64).abs() > tolerance_secs {
        return false;
    }
    let Some(mac) = mac(secret, t, raw_body) else {
        return false;
    };
    // verify_slice compares in constant time.
    signatures
        .iter()
        .any(|sig| mac.clone().verify_slice(sig).is_ok())
}

/// The HMAC of `<t>.<raw body>`, keyed by the secret's UTF-8 bytes.
fn mac(secret: &str, t: i64, raw_body: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(cat!(t).as_bytes());
    mac.update(b".");
    mac.update(raw_body);
    Some(mac)
}

/// The signature header for `raw_body` at time `t`, as the service writes it.
/// For the native tests and fuzzing; the wasm only verifies.
pub fn sign(raw_body: &[u8], secret: &str, t: i64) -> Option<String> {
    let mac = mac(secret, t, raw_body)?;
    Some(cat!(
        "t=",
        t,
        ",v1=",
        hex::encode(mac.finalize().into_bytes())
    ))
}

/// `t=<digits>` and one or more `v1=<64 hex>` (several during secret
/// rotation), comma-separated; other schemes are ignored.
fn parse_header(header: &str) -> Option<(i64, Vec<Vec<u8>>)> {
    let mut t = None;
    let mut signatures = Vec::new();
    // Spaces around the parts are allowed (ASCII only, as HTTP's are).
    for part in split_at_each(header, b',') {
        let (key, value) = split_once_at(part.trim_ascii(), b'=')?;
        match key.trim_ascii() {
            "t" => {
                let value = value.trim_ascii();
                if value.is_empty()
                    || value.len() > 12
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                t = Some(value.parse::<i64>().ok()?);
            }
            "v1" => {
                let value = value.trim_ascii();
                if value.len() == 64 {
                    if let Ok(bytes) = hex::decode(value) {
                        signatures.push(bytes);
                    }
                }
            }
            _ => {}
        }
    }
    Some((t?, signatures)).filter(|(_, s)| !s.is_empty())
}

/// Required `data` fields per documented event type (from the service's
/// webhook schema). Unknown types are accepted as generic events.
const EVENT_FIELDS: [(&str, &[(&str, Kind)]); 8] = [
    ("imessage.incoming", INCOMING),
    ("text.incoming.sms", INCOMING),
    ("text.incoming.mms", INCOMING),
    ("text.delivery.confirmed", DELIVERY),
    (
        "text.delivery.failed",
        &[
            ("from", Kind::String),
            ("to", Kind::String),
            ("message_id", Kind::String),
            ("error", Kind::String),
        ],
    ),
    (
        "numbers.substitution",
        &[
            ("original_number", Kind::String),
            ("used_number", Kind::String),
            ("message_id", Kind::String),
        ],
    ),
    (
        "otp.reverse.verified",
        &[
            ("otp_id", Kind::String),
            ("number", Kind::String),
            ("status", Kind::String),
        ],
    ),
    (
        "email.incoming",
        &[("email_id", Kind::String), ("from", Kind::Object)],
    ),
];

const INCOMING: &[(&str, Kind)] = &[
    ("from", Kind::String),
    ("to", Kind::String),
    ("body", Kind::String),
    ("timestamp", Kind::Number),
    ("attachments", Kind::OptionalArrayOfObjects),
];

const DELIVERY: &[(&str, Kind)] = &[
    ("from", Kind::String),
    ("to", Kind::String),
    ("message_id", Kind::String),
];

#[derive(Debug, Clone, Copy)]
enum Kind {
    String,
    Number,
    Object,
    OptionalArrayOfObjects,
}

/// How deep `check_event` reads an event (event, data, attachments, an
/// attachment): the facade reads no deeper.
pub const EVENT_DEPTH: u32 = 4;

/// Parses a delivery's raw body into the event, checking the envelope and,
/// for documented types, the fields handlers rely on.
pub fn parse_event(body: Body) -> Result<Value, Error> {
    match body {
        Body::Json(event) => check_event(event),
        Body::Empty => Err(unreadable_payload("body is empty")),
        Body::NotJson => Err(unreadable_payload("body is not JSON")),
    }
}

/// A delivery that cannot be an event at all (empty, not JSON, not text).
pub fn unreadable_payload(why: &str) -> Error {
    Error::Validation {
        what: PAYLOAD,
        issues: Issues::one(IssueCode::InvalidFormat, &[], why),
    }
}

/// A raw body's bytes as text: a delivery is UTF-8 JSON.
pub fn body_text(bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|_| unreadable_payload("body is not UTF-8 text"))
}

const PAYLOAD: &str = "webhook payload";

/// `toleranceSeconds` as the caller gave it: absent means the default;
/// anything but a finite, non-negative number is the caller's bug.
pub fn tolerance(value: &Value) -> Result<f64, Error> {
    match value {
        Value::Null | Value::Undefined => Ok(DEFAULT_TOLERANCE_SECS),
        Value::Number(t) if t.is_finite() && *t >= 0.0 => Ok(*t),
        other => Err(Error::Validation {
            what: "webhook.verify arguments",
            issues: Issues::one(
                IssueCode::InvalidType,
                &["toleranceSeconds".into()],
                cat!(
                    "expected a non-negative number of seconds, received ",
                    other.kind()
                ),
            ),
        }),
    }
}

/// Checks an event that is already a value (parsed by the caller).
pub fn check_event(event: Value) -> Result<Value, Error> {
    let mut v = Validator::new();
    let checked = (|| {
        let Some(entries) = event.as_object() else {
            v.type_error(&[], "object", &event);
            return None;
        };
        let id = v.required(entries, &[], "id", "string", string);
        let kind = v.required(entries, &[], "type", "string", string);
        let timestamp = v.required(entries, &[], "timestamp", "number", |v, t, p| match t {
            Value::Number(n) if n.is_finite() => Some(()),
            other => {
                v.type_error(p, "number", other);
                None
            }
        });
        let data = v.required(entries, &[], "data", "object", |v, d, p| {
            d.as_object().or_else(|| {
                v.type_error(p, "object", d);
                None
            })
        });
        if let (Some(kind), Some(data)) = (kind, data) {
            let fields = EVENT_FIELDS
                .iter()
                .find(|(t, _)| *t == kind)
                .map_or(&[][..], |(_, f)| f);
            check_fields(&mut v, data, &["data".into()], fields);
        }
        id?;
        timestamp?;
        Some(())
    })();
    v.finish_as(PAYLOAD, checked)?;
    Ok(event)
}

fn check_fields(
    v: &mut Validator,
    data: &[(String, Value)],
    path: &[PathSegment],
    fields: &[(&str, Kind)],
) {
    for (name, kind) in fields {
        let value = field(data, name);
        let p = child(path, *name);
        let ok = match (kind, value) {
            (Kind::String, Some(Value::String(_))) => true,
            (Kind::Number, Some(Value::Number(n))) => n.is_finite(),
            (Kind::Object, Some(Value::Object(_))) => true,
            (Kind::OptionalArrayOfObjects, None | Some(Value::Null)) => true,
            (Kind::OptionalArrayOfObjects, Some(Value::Array(items))) => {
                items.iter().all(|i| matches!(i, Value::Object(_)))
            }
            _ => false,
        };
        if !ok {
            let expected = match kind {
                Kind::String => "string",
                Kind::Number => "number",
                Kind::Object => "object",
                Kind::OptionalArrayOfObjects => "array of attachment objects",
            };
            let got = value.map_or("undefined", Value::kind);
            v.issue(
                IssueCode::InvalidType,
                &p,
                cat!("expected ", expected, ", received ", got),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &str = r#"{"id":"evt_1","type":"imessage.incoming","timestamp":1726502400,"api_version":"v2025.9.7","data":{"from":"+15551234567","to":"+15559876543","body":"Hello from iMessage","timestamp":1726502400,"attachments":[]}}"#;
    const T: i64 = 1_726_502_400;

    #[test]
    fn known_answer_vector() {
        // Computed outside this code, with Python's hmac module:
        // hmac.new(b"whsec_test_secret", b"1726502400." + BODY, sha256).hexdigest()
        let expected =
            "t=1726502400,v1=82882b0ee3e1e90196bff3493168202b608fa1601cf71201a32230dd517a0e1f";
        assert_eq!(sign(BODY.as_bytes(), SECRET, T).as_deref(), Some(expected));
        assert!(verify(BODY.as_bytes(), expected, SECRET, 300.0, T as f64));
    }

    #[test]
    fn false_for_every_bad_case() {
        let header = sign(BODY.as_bytes(), SECRET, T).unwrap();
        let now = T as f64;
        let ok = |body: &str, h: &str, s: &str, tol: f64, now: f64| {
            verify(body.as_bytes(), h, s, tol, now)
        };
        assert!(ok(BODY, &header, SECRET, 300.0, now + 300.0));
        assert!(ok(BODY, &header, SECRET, 300.0, now - 300.0));
        assert!(
            !ok(BODY, &header, "whsec_other", 300.0, now),
            "wrong secret"
        );
        assert!(!ok(BODY, &header, "", 300.0, now), "empty secret");
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
        assert!(!ok(BODY, &header, SECRET, f64::NAN, now), "NaN tolerance");
        assert!(!ok(BODY, &header, SECRET, -1.0, now), "negative tolerance");
        let sig = header.split("v1=").nth(1).unwrap();
        for bad in [
            String::new(),
            "garbage".into(),
            format!("v1={sig}"),
            format!("t={T}"),
            format!("t=,v1={sig}"),
            format!("t=abc,v1={sig}"),
            format!("t={T},v1={}", &sig[..63]),
            format!("t={T},v1={}zz", &sig[..62]),
            format!("t=-{T},v1={sig}"),
            format!("t={T}9999999999,v1={sig}"),
            format!("t={T},v0={sig}"),
        ] {
            assert!(!ok(BODY, &bad, SECRET, 300.0, now), "{bad}");
        }
        // Uppercase hex and a second (rotated) signature are fine.
        assert!(ok(
            BODY,
            &format!("t={T},v1={}", sig.to_uppercase()),
            SECRET,
            300.0,
            now
        ));
        assert!(ok(
            BODY,
            &format!("t={T}, v1={}, v1={sig}", "0".repeat(64)),
            SECRET,
            300.0,
            now
        ));
    }

    #[test]
    fn parses_documented_and_unknown_events() {
        let event = parse_event(Body::from_text(BODY)).unwrap();
        assert_eq!(
            event.get("type").and_then(Value::as_str),
            Some("imessage.incoming")
        );
        let generic = r#"{"id":"evt_2","type":"identity.verification_session.started","timestamp":1,"api_version":"v","data":{"anything":1}}"#;
        assert!(parse_event(Body::from_text(generic)).is_ok());
        let future = r#"{"id":"evt_3","type":"brand.new.type","timestamp":1,"data":{}}"#;
        assert!(parse_event(Body::from_text(future)).is_ok());
    }

    #[test]
    fn junk_gives_clear_errors() {
        let cases = [
            ("", "body is empty"),
            ("<html>", "body is not JSON"),
            ("[]", "expected object, received array"),
            (r#"{"type":"x","timestamp":1,"data":{}}"#, "id: expected string, received undefined"),
            (r#"{"id":"e","type":"x","timestamp":"1","data":{}}"#, "timestamp: expected number"),
            (r#"{"id":"e","type":"x","timestamp":1,"data":[]}"#, "data: expected object, received array"),
            (
                r#"{"id":"e","type":"imessage.incoming","timestamp":1,"data":{"from":1,"to":"+1555","body":"b","timestamp":1,"attachments":"x"}}"#,
                "data.from: expected string, received number; data.attachments: expected array of attachment objects, received string",
            ),
        ];
        for (body, fragment) in cases {
            let e = parse_event(Body::from_text(body)).unwrap_err();
            assert!(e.message().contains(fragment), "{body}: {}", e.message());
        }
    }
}
