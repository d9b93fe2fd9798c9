//! The exact wire request of every method (contract section 3): method,
//! path with `encodeURIComponent` escaping, query, and a JSON body with
//! snake_case keys, optional fields omitted (never `null`), in the order the
//! official SDK writes them.

use contiguity_imessage::core::http::{ApiRequest, Method, Repeat};
use contiguity_imessage::core::imessage;
use contiguity_imessage::core::value::Value;

const BASE: &str = "https://api.contiguity.com";

fn v(json: &str) -> Value {
    Value::from_json(json).unwrap_or_else(|e| panic!("bad test JSON {json}: {e}"))
}

fn check(req: ApiRequest, method: Method, url: &str, body: Option<&str>) {
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
        let req = imessage::parse_send(&v(params)).unwrap().request();
        check(
            req.clone(),
            Method::Post,
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
    let req = imessage::parse_reply(&event, &v(r#"{"message":"Got it"}"#))
        .unwrap()
        .request();
    check(
        req,
        Method::Post,
        "https://api.contiguity.com/send/imessage",
        Some(r#"{"to":"+15551234567","message":"Got it","from":"+15559876543"}"#),
    );
}

#[test]
fn typing_react_read_bodies() {
    let typing = imessage::parse_typing(&v(
        r#"{"from":"+15550001111","action":"start","to":"+15551234567"}"#,
    ))
    .unwrap()
    .request();
    assert_eq!(typing.repeat, Repeat::Safe);
    check(
        typing,
        Method::Post,
        "https://api.contiguity.com/send/imessage/typing",
        Some(r#"{"to":"+15551234567","action":"start","from":"+15550001111"}"#),
    );
    let typing = imessage::parse_typing(&v(r#"{"to":"+15551234567","action":"stop"}"#))
        .unwrap()
        .request();
    assert_eq!(
        typing.body.as_deref(),
        Some(r#"{"to":"+15551234567","action":"stop"}"#)
    );

    let react = imessage::parse_react(
        &v(r#""remove""#),
        &v(r#"{"message":"Hello there!","tapback":"laugh","from":"+15550001111","to":"+15551234567"}"#),
    )
    .unwrap()
    .request();
    assert_eq!(react.repeat, Repeat::OnlyIfNotReceived);
    check(
        react,
        Method::Post,
        "https://api.contiguity.com/send/imessage/reactions",
        Some(
            r#"{"to":"+15551234567","from":"+15550001111","tapback":"laugh","message":"Hello there!","action":"remove"}"#,
        ),
    );

    let read = imessage::parse_read(&v(r#"{"from":"+15550001111","to":"+15551234567"}"#))
        .unwrap()
        .request();
    assert_eq!(read.repeat, Repeat::Safe);
    check(
        read,
        Method::Post,
        "https://api.contiguity.com/send/imessage/read",
        Some(r#"{"to":"+15551234567","from":"+15550001111"}"#),
    );
}

#[test]
fn get_requests_encode_path_segments_and_add_tracking_only_when_asked() {
    let history = |json: &str| imessage::parse_history(&v(json)).unwrap().request();
    check(
        history(r#"{"to":"+15551234567","from":"+15550001111"}"#),
        Method::Get,
        "https://api.contiguity.com/conversations/history/imessage/%2B15551234567/%2B15550001111/20",
        None,
    );
    check(
        history(r#"{"to":"a/b@icloud.com","from":"+15550001111","limit":200,"tracking":true}"#),
        Method::Get,
        "https://api.contiguity.com/conversations/history/imessage/a%2Fb%40icloud.com/%2B15550001111/200?tracking=true",
        None,
    );
    for tracking in ["false", "null"] {
        let req = history(&format!(
            r#"{{"to":"+15551234567","from":"+15550001111","limit":5,"tracking":{tracking}}}"#
        ));
        assert_eq!(req.query, "", "tracking {tracking}");
    }

    let get = |id: &str, opts: &str| imessage::parse_get(&v(id), &v(opts)).unwrap().request();
    check(
        get(r#""imsg_1""#, "null"),
        Method::Get,
        "https://api.contiguity.com/conversations/history/message/imsg_1",
        None,
    );
    check(
        get(r#""id with/slash+plus""#, r#"{"tracking":true}"#),
        Method::Get,
        "https://api.contiguity.com/conversations/history/message/id%20with%2Fslash%2Bplus?tracking=true",
        None,
    );
    assert_eq!(get(r#""x""#, r#"{"tracking":false}"#).query, "");

    let availability = imessage::parse_availability(&v(r#"{"to":"+15551234567"}"#))
        .unwrap()
        .request();
    assert_eq!(availability.repeat, Repeat::Safe);
    check(
        availability,
        Method::Get,
        "https://api.contiguity.com/conversations/availability/imessage/%2B15551234567",
        None,
    );
}

#[test]
fn base_url_with_a_path_prefix() {
    let req = imessage::parse_read(&v(r#"{"to":"+15551234567","from":"+15550001111"}"#))
        .unwrap()
        .request();
    assert_eq!(
        req.url("https://proxy.example.com/contiguity"),
        "https://proxy.example.com/contiguity/send/imessage/read"
    );
}

/// `imessage::request` sends each call to its method's parser, with the
/// arguments in the documented order, reading a second one only when the
/// method takes it.
#[test]
fn each_call_reaches_its_method_with_its_arguments_in_order() {
    use imessage::{request, Call};
    let event = v(r#"{"data":{"from":"+15551234567","to":"+15550001111"}}"#);
    let cases: [(Call, &str, Option<&str>, &str); 8] = [
        (
            Call::Send,
            r#"{"to":"+15551234567","message":"a"}"#,
            None,
            "/send/imessage",
        ),
        (
            Call::Reply,
            "",
            Some(r#"{"message":"a"}"#),
            "/send/imessage",
        ),
        (
            Call::Typing,
            r#"{"to":"+15551234567","action":"start"}"#,
            None,
            "/send/imessage/typing",
        ),
        (
            Call::React,
            r#""add""#,
            Some(r#"{"to":"+15551234567","from":"+15550001111","tapback":"love","message":"a"}"#),
            "/send/imessage/reactions",
        ),
        (
            Call::Read,
            r#"{"to":"+15551234567","from":"+15550001111"}"#,
            None,
            "/send/imessage/read",
        ),
        (
            Call::History,
            r#"{"to":"+15551234567","from":"+15550001111"}"#,
            None,
            "/conversations/history/imessage/%2B15551234567/%2B15550001111/20",
        ),
        (
            Call::Get,
            r#""imsg_1""#,
            Some(r#"{"tracking":true}"#),
            "/conversations/history/message/imsg_1",
        ),
        (
            Call::Availability,
            r#"{"to":"+15551234567"}"#,
            None,
            "/conversations/availability/imessage/%2B15551234567",
        ),
    ];
    for (call, first, second, path) in cases {
        let first = if call == Call::Reply {
            event.clone()
        } else {
            v(first)
        };
        let read_second = std::cell::Cell::new(false);
        let second_value = || {
            read_second.set(true);
            second.map_or(Value::Undefined, v)
        };
        let req =
            request(call, &first, &second_value).unwrap_or_else(|e| panic!("{call:?}: {e:?}"));
        assert_eq!(req.path, path, "{call:?}");
        assert_eq!(
            read_second.get(),
            second.is_some(),
            "{call:?} reads a second argument"
        );
    }
    // The same arguments swapped are refused, naming the argument.
    let swapped = request(Call::React, &v(r#"{"to":"+15551234567"}"#), &|| {
        v(r#""add""#)
    });
    assert!(swapped.is_err());
}
