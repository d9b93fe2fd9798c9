//! Every validation rule (docs/reference.md#validation), one case per
//! rule, good and bad, for every method, through the same path a call takes
//! in the wasm: the arguments read with the method's shapes, then checked.
//! Each bad case names the issue code and path it must produce; every
//! problem is reported at once.

use contiguity_imessage::engine::error::Error;
use contiguity_imessage::engine::http::ApiRequest;
use contiguity_imessage::engine::imessage::{self, Method};
use contiguity_imessage::engine::input::Value;
use contiguity_imessage::engine::validate::path_text;

/// (first argument, second argument, expected `[(code, path)]`)
type TwoArgCase = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

fn call(method: Method, first: &Value, second: &Value) -> Result<ApiRequest, Error> {
    imessage::request(method, first, second)
}

fn call1(method: Method, first: &Value) -> Result<ApiRequest, Error> {
    imessage::request(method, first, &Value::Undefined)
}

fn v(json: &str) -> Value {
    Value::from_json(json).unwrap_or_else(|e| panic!("bad test JSON {json}: {e}"))
}

/// `[(code, path)]` of a failed parse; empty when it succeeded.
fn issues<T>(result: Result<T, Error>) -> Vec<(String, String)> {
    match result {
        Ok(_) => vec![],
        Err(Error::Validation { issues, .. }) => issues
            .0
            .iter()
            .map(|i| (i.code.as_str().to_owned(), path_text(&i.path)))
            .collect(),
        Err(other) => panic!("expected a validation error, got {other:?}"),
    }
}

fn expect<T>(result: Result<T, Error>, expected: &[(&str, &str)], case: &str) {
    let got = issues(result);
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(got, expected, "case: {case}");
}

fn send(json: &str) -> Vec<(String, String)> {
    issues(call1(Method::Send, &v(json)))
}

#[test]
fn send_good_inputs() {
    for json in [
        r#"{"to":"+15551234567","message":"Hello!"}"#,
        r#"{"to":"someone@icloud.com","message":"Hi"}"#,
        r#"{"to":"+15551234567","attachments":["https://example.com/a.png"]}"#,
        r#"{"to":"+15551234567","message":"","attachments":["https://example.com/a.png"]}"#,
        r#"{"to":"+15551234567","message":"Hi","from":"+15550001111","fast_track":true,
            "fallback":{"when":["imessage_unsupported","imessage_fails"],"from":"+15550002222"}}"#,
        r#"{"to":"+15551234567","message":"Hi","from":null,"attachments":null,"fallback":null,"fast_track":null}"#,
        r#"{"to":"+15551234567","message":"Hi","fallback":{"when":["imessage_fails"],"from":null}}"#,
    ] {
        assert_eq!(send(json), Vec::<(String, String)>::new(), "{json}");
    }
}

#[test]
fn send_one_case_per_rule() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        // params itself
        ("null", &[("invalid_type", "(root)")]),
        (r#""+15551234567""#, &[("invalid_type", "(root)")]),
        ("[]", &[("invalid_type", "(root)")]),
        ("42", &[("invalid_type", "(root)")]),
        // to: required, string, E.164 or email
        (r#"{"message":"Hi"}"#, &[("invalid_type", "to")]),
        (r#"{"to":null,"message":"Hi"}"#, &[("invalid_type", "to")]),
        (
            r#"{"to":15551234567,"message":"Hi"}"#,
            &[("invalid_type", "to")],
        ),
        (
            r#"{"to":"5551234567","message":"Hi"}"#,
            &[("invalid_format", "to")],
        ),
        (
            r#"{"to":"+1 (555) 123-4567","message":"Hi"}"#,
            &[("invalid_format", "to")],
        ),
        (
            r#"{"to":"+0551234567","message":"Hi"}"#,
            &[("invalid_format", "to")],
        ),
        (
            r#"{"to":"+1234567890123456","message":"Hi"}"#,
            &[("invalid_format", "to")],
        ),
        (
            r#"{"to":"not-an-email@","message":"Hi"}"#,
            &[("invalid_format", "to")],
        ),
        // from: E.164 only (an email is a recipient, not a sender)
        (
            r#"{"to":"+15551234567","message":"Hi","from":"me@icloud.com"}"#,
            &[("invalid_format", "from")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","from":5}"#,
            &[("invalid_type", "from")],
        ),
        // message: string; required and non-empty unless attachments
        (r#"{"to":"+15551234567"}"#, &[("invalid_type", "message")]),
        (
            r#"{"to":"+15551234567","message":""}"#,
            &[("too_small", "message")],
        ),
        (
            r#"{"to":"+15551234567","message":42}"#,
            &[("invalid_type", "message")],
        ),
        (
            r#"{"to":"+15551234567","attachments":[]}"#,
            &[("invalid_type", "message")],
        ),
        // attachments: array, at most 10, each absolute https URL
        (
            r#"{"to":"+15551234567","message":"Hi","attachments":"https://x.com/a.png"}"#,
            &[("invalid_type", "attachments")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","attachments":["http://x.com/a.png"]}"#,
            &[("invalid_format", "attachments[0]")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","attachments":["https://x.com/a.png","/b.png",7]}"#,
            &[
                ("invalid_format", "attachments[1]"),
                ("invalid_type", "attachments[2]"),
            ],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","attachments":["https://x.com/1","https://x.com/2","https://x.com/3","https://x.com/4","https://x.com/5","https://x.com/6","https://x.com/7","https://x.com/8","https://x.com/9","https://x.com/10","https://x.com/11"]}"#,
            &[("too_big", "attachments")],
        ),
        // fallback: object; when non-empty, enum, no duplicates; from E.164
        (
            r#"{"to":"+15551234567","message":"Hi","fallback":true}"#,
            &[("invalid_type", "fallback")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","fallback":{}}"#,
            &[("invalid_type", "fallback.when")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","fallback":{"when":[]}}"#,
            &[("too_small", "fallback.when")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","fallback":{"when":"imessage_fails"}}"#,
            &[("invalid_type", "fallback.when")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","fallback":{"when":["sms"]}}"#,
            &[("invalid_value", "fallback.when[0]")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","fallback":{"when":["imessage_fails","imessage_fails"]}}"#,
            &[("custom", "fallback.when")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","fallback":{"when":["imessage_fails"],"from":"+1"}}"#,
            &[("invalid_format", "fallback.from")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","fallback":{"when":["imessage_fails"],"form":"+15550001111"}}"#,
            &[("unrecognized_keys", "fallback")],
        ),
        // fast_track: boolean
        (
            r#"{"to":"+15551234567","message":"Hi","fast_track":"yes"}"#,
            &[("invalid_type", "fast_track")],
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","fast_track":1}"#,
            &[("invalid_type", "fast_track")],
        ),
        // unknown keys: a typo never silently drops a setting
        (
            r#"{"to":"+15551234567","message":"Hi","fastTrack":true}"#,
            &[("unrecognized_keys", "(root)")],
        ),
    ];
    for (json, expected) in cases {
        expect(call1(Method::Send, &v(json)), expected, json);
    }
}

/// `n` attachment URLs as a JSON array.
fn attachments(n: usize) -> String {
    let urls: Vec<String> = (1..=n)
        .map(|i| format!(r#""https://x.com/{i}.png""#))
        .collect();
    format!("[{}]", urls.join(","))
}

#[test]
fn send_takes_up_to_the_documented_ten_attachments() {
    let with = |n| {
        send(&format!(
            r#"{{"to":"+15551234567","attachments":{}}}"#,
            attachments(n)
        ))
    };
    assert_eq!(with(10), Vec::<(String, String)>::new());
    // Eleven are refused as too many, unread; they still count as
    // attachments, so the missing message is not reported as well.
    assert_eq!(with(11), [("too_big".to_owned(), "attachments".to_owned())]);
}

#[test]
fn send_reports_every_problem_at_once() {
    let got = send(
        r#"{"to":"bad","from":"also bad","message":7,"attachments":["ftp://x"],"fallback":{"when":["x"]},"fast_track":"no","extra":1}"#,
    );
    let paths: Vec<&str> = got.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "(root)",
            "to",
            "from",
            "message",
            "attachments[0]",
            "fallback.when[0]",
            "fast_track"
        ]
    );
}

#[test]
fn non_json_values_from_js_are_named() {
    // What the facade produces for `{ to: () => {} }`.
    let params = Value::Object(vec![
        ("to".into(), Value::Function(0)),
        ("message".into(), Value::String("Hi".into())),
    ]);
    let Err(e) = call1(Method::Send, &params) else {
        panic!("expected an error")
    };
    assert!(e
        .message()
        .contains("to: expected string, received function"));
    let Err(e) = call1(Method::Send, &Value::Undefined) else {
        panic!("expected an error")
    };
    assert_eq!(
        e.message(),
        "Invalid send params: expected object, received undefined"
    );
}

const EVENT: &str = r#"{"id":"evt_1","type":"imessage.incoming","timestamp":1726502400,"api_version":"v2025.9.7",
    "data":{"from":"+15551234567","to":"+15559876543","body":"Hi","timestamp":1726502400,"attachments":[]}}"#;

#[test]
fn reply_takes_to_and_from_from_the_event() {
    let request = call(Method::Reply, &v(EVENT), &v(r#"{"message":"Thanks!"}"#)).unwrap();
    assert_eq!(request.path, "/send/imessage");
    assert_eq!(
        request.body.as_deref(),
        Some(r#"{"to":"+15551234567","message":"Thanks!","from":"+15559876543"}"#)
    );
}

#[test]
fn reply_rules() {
    let cases: &[TwoArgCase] = &[
        (EVENT, r#"{"message":"Hi","fast_track":true}"#, &[]),
        (EVENT, r#"{"attachments":["https://x.com/a.png"]}"#, &[]),
        (EVENT, r#"{}"#, &[("invalid_type", "message")]),
        (
            EVENT,
            r#"{"message":"Hi","to":"+15550000000"}"#,
            &[("unrecognized_keys", "(root)")],
        ),
        (EVENT, r#""Hi""#, &[("invalid_type", "(root)")]),
        ("null", r#"{"message":"Hi"}"#, &[("invalid_type", "event")]),
        (
            r#"{"id":"e"}"#,
            r#"{"message":"Hi"}"#,
            &[("invalid_type", "event.data")],
        ),
        (
            r#"{"data":{"from":"+15551234567"}}"#,
            r#"{"message":"Hi"}"#,
            &[("invalid_type", "event.data.to")],
        ),
        (
            r#"{"data":{"from":"x","to":"y"}}"#,
            r#"{"message":""}"#,
            &[
                ("invalid_format", "event.data.from"),
                ("invalid_format", "event.data.to"),
                ("too_small", "message"),
            ],
        ),
    ];
    for (event, params, expected) in cases {
        expect(
            call(Method::Reply, &v(event), &v(params)),
            expected,
            &format!("{event} / {params}"),
        );
    }
}

#[test]
fn typing_rules() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (r#"{"to":"+15551234567","action":"start"}"#, &[]),
        (
            r#"{"to":"+15551234567","action":"stop","from":"+15550001111"}"#,
            &[],
        ),
        (r#"{"to":"+15551234567","action":"start","from":null}"#, &[]),
        (r#"{"to":"+15551234567"}"#, &[("invalid_type", "action")]),
        (
            r#"{"to":"+15551234567","action":"pause"}"#,
            &[("invalid_value", "action")],
        ),
        (
            r#"{"to":"+15551234567","action":true}"#,
            &[("invalid_type", "action")],
        ),
        (r#"{"action":"start"}"#, &[("invalid_type", "to")]),
        (
            r#"{"to":"+15551234567","action":"start","from":"me"}"#,
            &[("invalid_format", "from")],
        ),
        (
            r#"{"to":"+15551234567","action":"start","typing":true}"#,
            &[("unrecognized_keys", "(root)")],
        ),
    ];
    for (json, expected) in cases {
        expect(call1(Method::Typing, &v(json)), expected, json);
    }
}

#[test]
fn react_rules() {
    let ok =
        r#"{"to":"+15551234567","from":"+15550001111","tapback":"love","message":"Hello there!"}"#;
    let cases: &[TwoArgCase] = &[
        (r#""add""#, ok, &[]),
        (r#""remove""#, ok, &[]),
        (r#""like""#, ok, &[("invalid_value", "action")]),
        ("null", ok, &[("invalid_type", "action")]),
        ("1", ok, &[("invalid_type", "action")]),
        (
            r#""add""#,
            r#"{"to":"+15551234567","from":"+15550001111","tapback":"heart","message":"x"}"#,
            &[("invalid_value", "tapback")],
        ),
        (
            r#""add""#,
            r#"{"to":"+15551234567","from":"+15550001111","tapback":"love","message":""}"#,
            &[("too_small", "message")],
        ),
        (
            r#""add""#,
            r#"{"to":"+15551234567","tapback":"love","message":"x"}"#,
            &[("invalid_type", "from")],
        ),
        (
            r#""add""#,
            r#"{"to":"+15551234567","from":"+15550001111","message":"x"}"#,
            &[("invalid_type", "tapback")],
        ),
        (
            r#""add""#,
            r#"{"to":"+15551234567","from":"+15550001111","tapback":"love","message":"x","action":"add"}"#,
            &[("unrecognized_keys", "(root)")],
        ),
        (
            r#""nope""#,
            r#"{"to":1}"#,
            &[
                ("invalid_value", "action"),
                ("invalid_type", "to"),
                ("invalid_type", "from"),
                ("invalid_type", "tapback"),
                ("invalid_type", "message"),
            ],
        ),
    ];
    for (action, params, expected) in cases {
        expect(
            call(Method::React, &v(action), &v(params)),
            expected,
            &format!("{action} / {params}"),
        );
    }
    for tapback in ["love", "like", "dislike", "laugh", "emphasize", "question"] {
        let params = format!(
            r#"{{"to":"+15551234567","from":"+15550001111","tapback":"{tapback}","message":"x"}}"#
        );
        expect(
            call(Method::React, &v(r#""add""#), &v(&params)),
            &[],
            tapback,
        );
    }
}

#[test]
fn read_rules() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (r#"{"to":"+15551234567","from":"+15550001111"}"#, &[]),
        (r#"{"to":"friend@icloud.com","from":"+15550001111"}"#, &[]),
        (r#"{"to":"+15551234567"}"#, &[("invalid_type", "from")]),
        (
            r#"{"to":"+15551234567","from":null}"#,
            &[("invalid_type", "from")],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","read":true}"#,
            &[("unrecognized_keys", "(root)")],
        ),
    ];
    for (json, expected) in cases {
        expect(call1(Method::Read, &v(json)), expected, json);
    }
}

#[test]
fn history_rules() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (r#"{"to":"+15551234567","from":"+15550001111"}"#, &[]),
        (
            r#"{"to":"+15551234567","from":"+15550001111","limit":1,"tracking":true}"#,
            &[],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","limit":200,"tracking":null}"#,
            &[],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","limit":null}"#,
            &[],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","limit":0}"#,
            &[("too_small", "limit")],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","limit":201}"#,
            &[("too_big", "limit")],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","limit":2.5}"#,
            &[("invalid_type", "limit")],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","limit":"20"}"#,
            &[("invalid_type", "limit")],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","tracking":"true"}"#,
            &[("invalid_type", "tracking")],
        ),
        (
            r#"{"to":"+15551234567","from":"+15550001111","page":2}"#,
            &[("unrecognized_keys", "(root)")],
        ),
        (r#"{}"#, &[("invalid_type", "to"), ("invalid_type", "from")]),
    ];
    for (json, expected) in cases {
        expect(call1(Method::History, &v(json)), expected, json);
    }
    // NaN cannot be written in JSON; it arrives from JS as a number.
    let nan = Value::Object(vec![
        ("to".into(), Value::String("+15551234567".into())),
        ("from".into(), Value::String("+15550001111".into())),
        ("limit".into(), Value::Number(f64::NAN)),
    ]);
    expect(
        call1(Method::History, &nan),
        &[("invalid_type", "limit")],
        "NaN",
    );
}

#[test]
fn get_rules() {
    let cases: &[TwoArgCase] = &[
        (r#""imsg_1""#, "null", &[]),
        (r#""imsg_1""#, r#"{"tracking":true}"#, &[]),
        (r#""imsg_1""#, r#"{}"#, &[]),
        (r#""""#, "null", &[("too_small", "id")]),
        ("null", "null", &[("invalid_type", "id")]),
        ("42", "null", &[("invalid_type", "id")]),
        (
            r#""imsg_1""#,
            r#"{"tracking":"yes"}"#,
            &[("invalid_type", "tracking")],
        ),
        (
            r#""imsg_1""#,
            r#"{"track":true}"#,
            &[("unrecognized_keys", "(root)")],
        ),
        (r#""imsg_1""#, "true", &[("invalid_type", "(root)")]),
        // "." and ".." would be read by fetch as path steps.
        (r#"".""#, "null", &[("invalid_format", "id")]),
        (r#""..""#, "null", &[("invalid_format", "id")]),
        (r#""...""#, "null", &[]),
        (r#""a..""#, "null", &[]),
    ];
    for (id, opts, expected) in cases {
        expect(
            call(Method::Get, &v(id), &v(opts)),
            expected,
            &format!("{id} / {opts}"),
        );
    }
    expect(
        call(Method::Get, &Value::Undefined, &Value::Undefined),
        &[("invalid_type", "id")],
        "undefined",
    );
}

#[test]
fn availability_rules() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (r#"{"to":"+15551234567"}"#, &[]),
        (r#"{"to":"friend@icloud.com"}"#, &[]),
        (r#"{"to":"555"}"#, &[("invalid_format", "to")]),
        (r#"{}"#, &[("invalid_type", "to")]),
        (
            r#"{"to":"+15551234567","from":"+15550001111"}"#,
            &[("unrecognized_keys", "(root)")],
        ),
    ];
    for (json, expected) in cases {
        expect(call1(Method::Availability, &v(json)), expected, json);
    }
}

#[test]
fn a_dot_segment_id_is_refused_by_name() {
    let Err(e) = call(Method::Get, &v(r#""..""#), &Value::Undefined) else {
        panic!("expected an error")
    };
    assert_eq!(
        e.message(),
        r#"Invalid get params: id: ".." is not a message id"#
    );
}

#[test]
fn messages_name_the_field_and_the_method() {
    let Err(e) = call1(
        Method::Send,
        &v(r#"{"to":"+15551234567","message":"Hi","fallback":{"when":["sms"]}}"#),
    ) else {
        panic!("expected an error")
    };
    assert_eq!(
        e.message(),
        r#"Invalid send params: fallback.when[0]: expected one of "imessage_unsupported" | "imessage_fails", received "sms""#
    );
}
