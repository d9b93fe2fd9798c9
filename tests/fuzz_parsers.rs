//! Property-based fuzzing of everything that reads untrusted input: the
//! reader and the params validators (arbitrary JSON-like values, as JS can
//! hand them over, lone surrogates, functions and unreadable values
//! included), the response and envelope checks (arbitrary bytes),
//! Retry-After, the base URL, the webhook signature check and event
//! checks, redaction, the retry decision. None may panic: a panic traps the
//! wasm instance.
//!
//! `make test` runs the default number of cases (256 per property);
//! `make fuzz` runs many more (PROPTEST_CASES).

use contiguity_imessage::engine::config::{base_url, parse_options, UrlParts, OPTIONS};
use contiguity_imessage::engine::error::Error;
use contiguity_imessage::engine::http::{ApiRequest, Method as Verb, Repeat};
use contiguity_imessage::engine::imessage::{self, Method};
use contiguity_imessage::engine::input::{read, Body, Budget, Kind, Value};
use contiguity_imessage::engine::redact::redact;
use contiguity_imessage::engine::response::{
    check_success, parse_failure, parse_retry_after, Clock, ENVELOPE,
};
use contiguity_imessage::engine::retry::{
    classify_fetch_error, decide, Decision, Failure, RetryPolicy,
};
use contiguity_imessage::engine::webhook;
use proptest::prelude::*;

#[path = "support/whatwg.rs"]
mod whatwg;
use whatwg::whatwg;

/// Keys and strings the parsers care about, mixed with arbitrary ones, so
/// the search reaches deep into the validators instead of stopping at
/// "unrecognized key".
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "to", "message", "from", "attachments", "fallback", "when", "fast_track", "action",
            "tapback", "limit", "tracking", "data", "id", "type", "timestamp", "api_version",
            "object", "error", "status", "agreement_url", "message_id", "available", "conversation",
            "body", "metadata",
        ])
        .prop_map(str::to_owned),
        1 => ".{0,12}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "+15551234567", "+15550001111", "friend@icloud.com", "https://example.com/a.png",
            "http://example.com/a.png", "start", "stop", "add", "remove", "love", "laugh",
            "imessage_unsupported", "imessage_fails", "", "response", "error", "imessage.incoming",
            "req_1", "err_1", "+", "+0", "@", "https://",
        ])
        .prop_map(str::to_owned),
        2 => ".{0,40}",
        1 => "\\PC{0,8}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        Just(Value::Undefined),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(0.0),
            Just(20.0),
            Just(200.0),
            Just(201.0),
            Just(2.5),
            Just(-1.0),
            Just(1e300),
        ]
        .prop_map(Value::Number),
        text().prop_map(Value::String),
        Just(Value::Function(0)),
        Just(Value::Other("symbol")),
        Just(Value::IllFormedString {
            lossy: "cut \u{FFFD}".into(),
            json: "\"cut \\ud83d\"".into(),
        }),
        (0usize..100_000).prop_map(|size| Value::TooLarge {
            kind: Kind::String,
            size
        }),
    ];
    leaf.prop_recursive(5, 96, 10, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..13).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..9).prop_map(Value::Object),
            (0usize..10_000_000).prop_map(|size| Value::TooLarge {
                kind: Kind::Array,
                size
            }),
        ]
    })
}

/// Builds an object from the fields that are present.
fn object(fields: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_owned(), v?)))
            .collect(),
    )
}

fn e164() -> impl Strategy<Value = String> {
    "\\+[1-9][0-9]{1,14}"
}

/// A send every validator accepts, with every optional field sometimes
/// there, and message text of any characters (quotes, controls, emoji).
fn valid_send() -> impl Strategy<Value = Value> {
    let recipient = prop_oneof![e164(), "[a-z]{1,10}@[a-z]{1,10}\\.com"];
    let url = "https://[a-z]{1,10}\\.com/[a-z0-9]{0,10}";
    let when = prop::sample::subsequence(vec!["imessage_unsupported", "imessage_fails"], 1..=2);
    (
        recipient,
        "\\PC{1,40}",
        prop::option::of(e164()),
        prop::option::of(prop::collection::vec(url, 1..4)),
        prop::option::of((when, prop::option::of(e164()))),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(to, message, from, attachments, fallback, fast_track)| {
            let strings =
                |items: Vec<String>| Value::Array(items.into_iter().map(Value::String).collect());
            object(vec![
                ("to", Some(Value::String(to))),
                ("message", Some(Value::String(message))),
                ("from", from.map(Value::String)),
                ("attachments", attachments.map(strings)),
                (
                    "fallback",
                    fallback.map(|(when, from)| {
                        object(vec![
                            (
                                "when",
                                Some(strings(when.into_iter().map(str::to_owned).collect())),
                            ),
                            ("from", from.map(Value::String)),
                        ])
                    }),
                ),
                ("fast_track", fast_track.map(Value::Bool)),
            ])
        })
}

/// A history read every validator accepts.
fn valid_history() -> impl Strategy<Value = Value> {
    (
        e164(),
        e164(),
        prop::option::of(1i64..=200),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(to, from, limit, tracking)| {
            object(vec![
                ("to", Some(Value::String(to))),
                ("from", Some(Value::String(from))),
                ("limit", limit.map(|l| Value::Number(l as f64))),
                ("tracking", tracking.map(Value::Bool)),
            ])
        })
}

fn http_date_ms(s: &str) -> Option<f64> {
    let at = httpdate::parse_http_date(s).ok()?;
    Some(at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as f64)
}

/// A request the engine built must be well formed whatever the input was:
/// a path that stays on its route, a JSON object body.
fn check_request(req: &ApiRequest) {
    assert!(req.path.starts_with('/'));
    assert!(!req.path.contains(['?', '#', ' ', '\\']), "{}", req.path);
    assert!(
        !req.path
            .split('/')
            .any(|segment| segment == "." || segment == ".."),
        "{}",
        req.path
    );
    match req.method {
        Verb::Get => assert!(req.body.is_none()),
        Verb::Post => {
            let body = req.body.as_deref().unwrap_or_default();
            let Ok(Value::Object(entries)) = Value::from_json(body) else {
                panic!("body is not a JSON object: {body}")
            };
            // Absent optional fields are omitted, never sent as null.
            assert!(entries.iter().all(|(_, v)| *v != Value::Null), "{body}");
            assert!(entries.iter().any(|(k, _)| k == "to"));
        }
    }
}

proptest! {
    #[test]
    fn params_validators_never_panic(a in value(), b in value()) {
        for method in Method::ALL {
            match imessage::request(method, &a, &b) {
                Ok(req) => check_request(&req),
                Err(Error::Validation { issues, .. }) => prop_assert!(!issues.0.is_empty()),
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }
        let options = read(&a, &OPTIONS, &mut Budget::per_call());
        let _ = parse_options(&options, &whatwg);
    }

    /// Whatever is read stays within what the shape allows: lists no longer
    /// than their maximum, no value read under an unknown key.
    #[test]
    fn reading_stays_within_the_shape(a in value()) {
        let read = read(&a, &imessage::send::PARAMS, &mut Budget::per_call());
        if let Value::Object(entries) = &read {
            for (key, value) in entries {
                match key.as_str() {
                    "to" | "message" | "from" | "fast_track" => {
                        prop_assert!(!matches!(value, Value::Array(items) if !items.is_empty()));
                        prop_assert!(!matches!(value, Value::Object(fields) if !fields.is_empty()));
                    }
                    "attachments" => {
                        if let Value::Array(items) = value {
                            prop_assert!(items.len() <= 10);
                        }
                    }
                    "fallback" => {}
                    _ => prop_assert!(matches!(value, Value::Unread(_)), "{key}: {value:?}"),
                }
            }
        }
    }

    /// Params of `to`, `message` and `from` only, each at most once, in
    /// any order, with any values: the facade's JS reads their values
    /// itself (pkg-template/api.js, `sendFields`), and what
    /// `fields_read_first` makes of them must be what `read` makes of the
    /// object, and so give the same request or the same error.
    #[test]
    fn send_fields_read_first_are_read_as_the_object_is(
        keys in prop::sample::subsequence(vec![1u32, 2, 3], 0..=3).prop_shuffle(),
        values in prop::collection::vec(value(), 3),
    ) {
        let name = |key: u32| ["to", "message", "from"][key as usize - 1].to_owned();
        let object = Value::Object(keys.iter().zip(&values).map(|(k, v)| (name(*k), v.clone())).collect());
        let order = keys.iter().zip(0..).fold(0, |order, (key, i)| order | key << (2 * i));
        // What the facade hands over: the values read, then undefined.
        let mut given = values.iter().take(keys.len()).cloned().chain(std::iter::repeat(Value::Undefined));
        let [a, b, c] = [(); 3].map(|_| given.next().unwrap_or(Value::Undefined));
        let fields = imessage::send::fields_read_first(order, [&a, &b, &c]);
        // As Debug text: NaN is not equal to itself.
        let read_object = read(&object, &imessage::send::PARAMS, &mut Budget::per_call());
        prop_assert_eq!(format!("{fields:?}"), format!("{read_object:?}"));
        prop_assert_eq!(
            imessage::send::request(&fields),
            imessage::request(Method::Send, &object, &Value::Undefined)
        );
    }

    /// A valid send survives the wire: its body is a well-formed request
    /// and, sent again, the same body.
    #[test]
    fn send_round_trips_through_its_body(params in valid_send()) {
        let req = imessage::request(Method::Send, &params, &Value::Undefined)
            .map_err(|e| TestCaseError::fail(format!("{params:?} refused: {e:?}")))?;
        check_request(&req);
        let body = req.body.clone().unwrap_or_default();
        let back = Value::from_json(&body).unwrap_or(Value::Null);
        let again = imessage::request(Method::Send, &back, &Value::Undefined).ok();
        prop_assert_eq!(again.and_then(|r| r.body), Some(body));
    }

    /// A valid read is a GET with every path segment encoded.
    #[test]
    fn valid_reads_build_well_formed_requests(params in valid_history()) {
        let req = imessage::request(Method::History, &params, &Value::Undefined)
            .map_err(|e| TestCaseError::fail(format!("{params:?} refused: {e:?}")))?;
        prop_assert_eq!(req.method, Verb::Get);
        check_request(&req);
    }

    #[test]
    fn response_checks_never_panic_on_bytes(
        status in prop_oneof![Just(200u16), Just(400), Just(401), Just(403), Just(429), Just(502), 0u16..1000],
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        retry_after in prop::option::of(".{0,40}"),
    ) {
        let text = String::from_utf8_lossy(&bytes);
        let body = Body::from_text(&text, &ENVELOPE);
        let _ = check_success(status, &body);
        let clock = Clock { now_ms: 1.7e12, http_date_ms: &http_date_ms };
        let e = parse_failure(status, &body, retry_after.as_deref(), &clock);
        prop_assert!(!e.message.is_empty());
    }

    /// A success is exactly an object whose `data` is an object and whose
    /// `object` is not "error", whatever else it holds.
    #[test]
    fn envelope_checks_decide_on_data_alone(envelope in value(), status in 200u16..300) {
        let read = read(&envelope, &ENVELOPE, &mut Budget::per_call());
        let success = matches!(read.get("data"), Some(Value::Object(_)))
            && read.get("object").and_then(Value::as_str) != Some("error");
        prop_assert_eq!(check_success(status, &Body::Json(read.clone())).is_ok(), success);
        let e = parse_failure(status, &Body::Json(read), None, &Clock { now_ms: 0.0, http_date_ms: &http_date_ms });
        prop_assert_eq!(e.status, Some(status));
    }

    /// Any envelope with a `data` object passes, whatever data holds (what
    /// users' test doubles answer included).
    #[test]
    fn envelopes_with_a_data_object_pass(
        extra in prop::collection::vec((key(), value()), 0..5),
        id in text(),
    ) {
        let envelope = object(vec![
            ("id", Some(Value::String(id))),
            ("object", Some(Value::String("response".into()))),
            ("data", Some(Value::Object(extra))),
        ]);
        let read = read(&envelope, &ENVELOPE, &mut Budget::per_call());
        prop_assert!(check_success(200, &Body::Json(read)).is_ok());
    }

    /// No secret survives redaction, and redacting twice changes nothing.
    #[test]
    fn redaction_removes_every_secret(
        before in ".{0,30}",
        after in ".{0,30}",
        secret in "[A-Za-z0-9_-]{8,40}",
        key_tail in "[A-Za-z0-9_-]{1,30}",
    ) {
        let key = format!("contiguity_sk_{key_tail}");
        let text = format!("{before}{secret}{after} Token {key}.");
        let redacted = redact(&text, &[&secret]);
        prop_assert!(!redacted.contains(&secret), "{redacted}");
        prop_assert!(!redacted.contains(&key), "{redacted}");
        prop_assert_eq!(redact(&redacted, &[&secret]), redacted.clone());
    }

    #[test]
    fn retry_after_and_base_url_never_panic(s in ".{0,60}", now in any::<f64>()) {
        let clock = Clock { now_ms: now, http_date_ms: &http_date_ms };
        if let Some(secs) = parse_retry_after(&s, &clock) {
            prop_assert!(secs >= 0.0 || secs.is_nan());
        }
        if let Ok(url) = base_url(&s, &whatwg) {
            // Normalising is idempotent.
            prop_assert_eq!(base_url(&url, &whatwg), Ok(url.clone()));
        }
    }

    #[test]
    fn webhook_verify_never_panics_on_junk(
        body in prop::collection::vec(any::<u8>(), 0..200),
        header in prop_oneof![".{0,120}", "t=[0-9]{0,12},v1=[0-9a-f]{0,70}"],
        secret in ".{0,20}",
        tolerance in any::<f64>(),
        now in any::<f64>(),
    ) {
        prop_assert!(!webhook::verify(&body, &header, &[&secret], tolerance, now));
    }

    /// A well-formed header on time, whose digest is not the HMAC, never
    /// verifies: here the signature alone decides.
    #[test]
    fn webhook_verify_rejects_forged_digests(
        body in prop::collection::vec(any::<u8>(), 0..200),
        digest in "[0-9a-f]{64}",
        secret in ".{1,20}",
        t in 0i64..4_000_000_000,
    ) {
        let signed = webhook::sign(&body, &[&secret], t).unwrap_or_default();
        let header = format!("t={t},v1={digest}");
        prop_assert_eq!(webhook::verify(&body, &header, &[&secret], 300.0, t as f64), signed == header);
    }

    #[test]
    fn webhook_signatures_round_trip_and_catch_any_change(
        body in prop::collection::vec(any::<u8>(), 1..200),
        secret in ".{1,30}",
        t in 0i64..4_000_000_000,
        flip in any::<prop::sample::Index>(),
    ) {
        let header = webhook::sign(&body, &[&secret], t).unwrap_or_default();
        prop_assert!(webhook::verify(&body, &header, &[&secret], 300.0, t as f64));
        let mut changed = body.clone();
        let i = flip.index(changed.len());
        changed[i] ^= 0x01;
        prop_assert!(!webhook::verify(&changed, &header, &[&secret], 300.0, t as f64));
        prop_assert!(!webhook::verify(&body, &header, &[&secret], 300.0, t as f64 + 301.0));
    }

    #[test]
    fn webhook_checks_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), event in value()) {
        let _ = webhook::check_body(&Body::from_text(&String::from_utf8_lossy(&bytes), &webhook::EVENT));
        let read = read(&event, &webhook::EVENT, &mut Budget::per_call());
        if webhook::check_event(&read).is_ok() {
            prop_assert!(matches!(read.get("id"), Some(v) if v.kind() == Kind::String));
            prop_assert!(matches!(read.get("timestamp"), Some(Value::Number(n)) if n.is_finite()));
        }
    }

    #[test]
    fn retry_decisions_stay_bounded(
        retries in 0u32..40,
        max in 0u32..11,
        status in 0u16..1000,
        retry_after in prop::option::of(any::<f64>()),
        jitter in any::<f64>(),
        which in 0u8..4,
        safe in any::<bool>(),
    ) {
        let failure = match which {
            0 => Failure::Status { status, retry_after_secs: retry_after },
            1 => Failure::ConnectFailed,
            2 => Failure::ConnectionLost,
            _ => Failure::TimedOut,
        };
        let repeat = if safe { Repeat::Safe } else { Repeat::OnlyIfNotReceived };
        let policy = RetryPolicy::new(max);
        match decide(&policy, repeat, retries, failure, jitter) {
            Decision::RetryAfterMs(ms) => {
                prop_assert!(retries < max);
                prop_assert!((0.0..=policy.max_delay_ms).contains(&ms), "{ms}");
            }
            Decision::Stop => {}
        }
    }

    #[test]
    fn fetch_error_classification_never_panics(a in ".{0,30}", b in ".{0,80}", c in ".{0,20}", d in ".{0,80}") {
        let _ = classify_fetch_error(&a, &b, &c, &d);
    }
}
