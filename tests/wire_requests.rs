//! The exact wire request of every method (docs/reference.md#the-wire):
//! method, path with `encodeURIComponent` escaping, query, and a JSON body
//! with snake_case keys, optional fields omitted (never `null`), in the
//! order the official SDK writes them.

use contiguity_imessage::engine::http::{ApiRequest, Method as Verb, Repeat};
use contiguity_imessage::engine::imessage::{self, Method};
use contiguity_imessage::engine::input::{Class, Source, Value};
use std::cell::Cell;

const BASE: &str = "https://api.contiguity.com";

fn call(
    method: Method,
    first: &Value,
    second: &Value,
) -> Result<ApiRequest, contiguity_imessage::engine::error::Error> {
    imessage::request(method, first, second)
}

fn call1(
    method: Method,
    first: &Value,
) -> Result<ApiRequest, contiguity_imessage::engine::error::Error> {
    imessage::request(method, first, &Value::Undefined)
}

fn v(json: &str) -> Value {
    Value::from_json(json).unwrap_or_else(|e| panic!("bad test JSON {json}: {e}"))
}

fn check(req: ApiRequest, method: Verb, url: &str, body: Option<&str>) {
    assert_eq!(req.method, method, "{url}");
    assert_eq!(req.url(BASE), url);
    assert_eq!(req.body.as_deref(), body, "{url}");
}

#[test]
fn send_bodies() {
    let cases = [
        (
            r#"{"to":"+15551234567","message":"Hello!"}"#,
            r#"{"to":"+15551234567","message":"Hello!"}"#,
        ),
        // Key order of the input does not matter; nulls are omitted.
        (
            r#"{"fast_track":true,"attachments":["https://x.com/a.png"],"from":"+15550001111","message":"Hi","to":"+15551234567","fallback":{"from":"+15550002222","when":["imessage_fails","imessage_unsupported"]}}"#,
            r#"{"to":"+15551234567","message":"Hi","from":"+15550001111","fallback":{"when":["imessage_fails","imessage_unsupported"],"from":"+15550002222"},"attachments":["https://x.com/a.png"],"fast_track":true}"#,
        ),
        (
            r#"{"to":"+15551234567","message":"Hi","from":null,"fallback":{"when":["imessage_unsupported"],"from":null},"attachments":null,"fast_track":null}"#,
            r#"{"to":"+15551234567","message":"Hi","fallback":{"when":["imessage_unsupported"]}}"#,
        ),
        (
            r#"{"to":"friend@icloud.com","attachments":["https://x.com/a.png"],"fast_track":false}"#,
            r#"{"to":"friend@icloud.com","attachments":["https://x.com/a.png"],"fast_track":false}"#,
        ),
        // Text is escaped as JSON, never altered.
        (
            r#"{"to":"+15551234567","message":"quote \" backslash \\ newline \n emoji 😀"}"#,
            r#"{"to":"+15551234567","message":"quote \" backslash \\ newline \n emoji 😀"}"#,
        ),
    ];
    for (params, body) in cases {
        let req = call1(Method::Send, &v(params)).unwrap();
        check(
            req.clone(),
            Verb::Post,
            "https://api.contiguity.com/send/imessage",
            Some(body),
        );
        assert_eq!(req.repeat, Repeat::OnlyIfNotReceived);
    }
}

#[test]
fn reply_body() {
    let event = v(
        r#"{"id":"evt_1","type":"imessage.incoming","timestamp":1,"api_version":"v","data":{"from":"+15551234567","to":"+15559876543","body":"Hi","timestamp":1}}"#,
    );
    let req = call(Method::Reply, &event, &v(r#"{"message":"Got it"}"#)).unwrap();
    check(
        req,
        Verb::Post,
        "https://api.contiguity.com/send/imessage",
        Some(r#"{"to":"+15551234567","message":"Got it","from":"+15559876543"}"#),
    );
}

#[test]
fn typing_react_read_bodies() {
    let typing = call1(
        Method::Typing,
        &v(r#"{"from":"+15550001111","action":"start","to":"+15551234567"}"#),
    )
    .unwrap();
    assert_eq!(typing.repeat, Repeat::Safe);
    check(
        typing,
        Verb::Post,
        "https://api.contiguity.com/send/imessage/typing",
        Some(r#"{"to":"+15551234567","action":"start","from":"+15550001111"}"#),
    );
    let typing = call1(
        Method::Typing,
        &v(r#"{"to":"+15551234567","action":"stop"}"#),
    )
    .unwrap();
    assert_eq!(
        typing.body.as_deref(),
        Some(r#"{"to":"+15551234567","action":"stop"}"#)
    );

    let react = call(Method::React, &v(r#""remove""#),
        &v(r#"{"message":"Hello there!","tapback":"laugh","from":"+15550001111","to":"+15551234567"}"#),
    ).unwrap();
    assert_eq!(react.repeat, Repeat::OnlyIfNotReceived);
    check(
        react,
        Verb::Post,
        "https://api.contiguity.com/send/imessage/reactions",
        Some(
            r#"{"to":"+15551234567","from":"+15550001111","tapback":"laugh","message":"Hello there!","action":"remove"}"#,
        ),
    );

    let read = call1(
        Method::Read,
        &v(r#"{"from":"+15550001111","to":"+15551234567"}"#),
    )
    .unwrap();
    assert_eq!(read.repeat, Repeat::Safe);
    check(
        read,
        Verb::Post,
        "https://api.contiguity.com/send/imessage/read",
        Some(r#"{"to":"+15551234567","from":"+15550001111"}"#),
    );
}

#[test]
fn get_requests_encode_path_segments_and_add_tracking_only_when_asked() {
    let history = |json: &str| call1(Method::History, &v(json)).unwrap();
    check(
        history(r#"{"to":"+15551234567","from":"+15550001111"}"#),
        Verb::Get,
        "https://api.contiguity.com/conversations/history/imessage/%2B15551234567/%2B15550001111/20",
        None,
    );
    check(
        history(r#"{"to":"a/b@icloud.com","from":"+15550001111","limit":200,"tracking":true}"#),
        Verb::Get,
        "https://api.contiguity.com/conversations/history/imessage/a%2Fb%40icloud.com/%2B15550001111/200?tracking=true",
        None,
    );
    for tracking in ["false", "null"] {
        let req = history(&format!(
            r#"{{"to":"+15551234567","from":"+15550001111","limit":5,"tracking":{tracking}}}"#
        ));
        assert_eq!(req.query, "", "tracking {tracking}");
    }

    let get = |id: &str, opts: &str| call(Method::Get, &v(id), &v(opts)).unwrap();
    check(
        get(r#""imsg_1""#, "null"),
        Verb::Get,
        "https://api.contiguity.com/conversations/history/message/imsg_1",
        None,
    );
    check(
        get(r#""id with/slash+plus""#, r#"{"tracking":true}"#),
        Verb::Get,
        "https://api.contiguity.com/conversations/history/message/id%20with%2Fslash%2Bplus?tracking=true",
        None,
    );
    assert_eq!(get(r#""x""#, r#"{"tracking":false}"#).query, "");

    let availability = call1(Method::Availability, &v(r#"{"to":"+15551234567"}"#)).unwrap();
    assert_eq!(availability.repeat, Repeat::Safe);
    check(
        availability,
        Verb::Get,
        "https://api.contiguity.com/conversations/availability/imessage/%2B15551234567",
        None,
    );
}

#[test]
fn base_url_with_a_path_prefix() {
    let req = call1(
        Method::Read,
        &v(r#"{"to":"+15551234567","from":"+15550001111"}"#),
    )
    .unwrap();
    assert_eq!(
        req.url("https://proxy.example.com/contiguity"),
        "https://proxy.example.com/contiguity/send/imessage/read"
    );
}

/// A source that records whether anything read it.
struct Watched<'a> {
    value: Value,
    read: &'a Cell<bool>,
}

impl Source for Watched<'_> {
    fn class(&self) -> Class {
        self.read.set(true);
        self.value.class()
    }
    fn text_len(&self) -> usize {
        self.value.text_len()
    }
    fn text(&self) -> Value {
        self.value.text()
    }
    fn keys(&self, max: usize) -> Result<Vec<String>, usize> {
        self.value.keys(max)
    }
    fn field(&self, key: &str) -> Option<Self> {
        Some(Watched {
            value: self.value.field(key)?,
            read: self.read,
        })
    }
    fn list_len(&self) -> Option<usize> {
        self.value.list_len()
    }
    fn item(&self, index: usize) -> Option<Self> {
        Some(Watched {
            value: self.value.item(index)?,
            read: self.read,
        })
    }
    fn keep_function(&self) -> usize {
        self.value.keep_function()
    }
}

/// `imessage::request` sends each call to its method's rules, with the
/// arguments in the documented order, reading a second one only when the
/// method takes it.
#[test]
fn each_call_reaches_its_method_with_its_arguments_in_order() {
    let event = v(r#"{"data":{"from":"+15551234567","to":"+15550001111"}}"#);
    let cases: [(Method, &str, Option<&str>, &str); 8] = [
        (
            Method::Send,
            r#"{"to":"+15551234567","message":"a"}"#,
            None,
            "/send/imessage",
        ),
        (
            Method::Reply,
            "",
            Some(r#"{"message":"a"}"#),
            "/send/imessage",
        ),
        (
            Method::Typing,
            r#"{"to":"+15551234567","action":"start"}"#,
            None,
            "/send/imessage/typing",
        ),
        (
            Method::React,
            r#""add""#,
            Some(r#"{"to":"+15551234567","from":"+15550001111","tapback":"love","message":"a"}"#),
            "/send/imessage/reactions",
        ),
        (
            Method::Read,
            r#"{"to":"+15551234567","from":"+15550001111"}"#,
            None,
            "/send/imessage/read",
        ),
        (
            Method::History,
            r#"{"to":"+15551234567","from":"+15550001111"}"#,
            None,
            "/conversations/history/imessage/%2B15551234567/%2B15550001111/20",
        ),
        (
            Method::Get,
            r#""imsg_1""#,
            Some(r#"{"tracking":true}"#),
            "/conversations/history/message/imsg_1",
        ),
        (
            Method::Availability,
            r#"{"to":"+15551234567"}"#,
            None,
            "/conversations/availability/imessage/%2B15551234567",
        ),
    ];
    for (method, first, second, path) in cases {
        let first = if method == Method::Reply {
            event.clone()
        } else {
            v(first)
        };
        let read_second = Cell::new(false);
        let read_first = Cell::new(false);
        let second_value = Watched {
            value: second.map_or(Value::Undefined, v),
            read: &read_second,
        };
        let first_value = Watched {
            value: first,
            read: &read_first,
        };
        let req = imessage::request(method, &first_value, &second_value)
            .unwrap_or_else(|e| panic!("{method:?}: {e:?}"));
        assert_eq!(req.path, path, "{method:?}");
        assert!(read_first.get(), "{method:?} reads its first argument");
        assert_eq!(
            read_second.get(),
            second.is_some(),
            "{method:?} reads a second argument"
        );
    }
    // The same arguments swapped are refused, naming the argument.
    let swapped = call(
        Method::React,
        &v(r#"{"to":"+15551234567"}"#),
        &v(r#""add""#),
    );
    assert!(swapped.is_err());
}
