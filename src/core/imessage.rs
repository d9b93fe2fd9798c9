//! The iMessage resource: one parser per method (untrusted `Value` in, typed
//! params or every issue out) and one request builder per method (typed
//! params in, the exact wire request out).
//!
//! Bodies list their fields in the order the official SDK sends them, so
//! our JSON is byte-for-byte the same as theirs.

use crate::prelude::*;

use super::error::Error;
use super::http::{encode_component, ApiRequest, Expect, Method, Repeat};
use super::json::ObjectWriter;
use super::text::cat;
use super::validate::{
    array_of, boolean, child, e164, https_url, int_in_range, non_empty_string, one_of, recipient,
    string, IssueCode, PathSegment, Validator,
};
use super::value::{field, Value};

pub const MAX_ATTACHMENTS: usize = 10;
pub const DEFAULT_HISTORY_LIMIT: i64 = 20;
pub const MAX_HISTORY_LIMIT: i64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackWhen {
    ImessageUnsupported,
    ImessageFails,
}

const FALLBACK_WHEN: [(&str, FallbackWhen); 2] = [
    ("imessage_unsupported", FallbackWhen::ImessageUnsupported),
    ("imessage_fails", FallbackWhen::ImessageFails),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    pub when: Vec<FallbackWhen>,
    pub from: Option<String>,
}

/// The body of `POST /send/imessage`.
#[derive(Debug, Clone, PartialEq)]
pub struct SendParams {
    pub to: String,
    pub message: Option<String>,
    pub from: Option<String>,
    pub fallback: Option<Fallback>,
    pub attachments: Option<Vec<String>>,
    pub fast_track: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypingAction {
    Start,
    Stop,
}

const TYPING_ACTIONS: [(&str, TypingAction); 2] =
    [("start", TypingAction::Start), ("stop", TypingAction::Stop)];

#[derive(Debug, Clone, PartialEq)]
pub struct TypingParams {
    pub to: String,
    pub action: TypingAction,
    pub from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tapback {
    Love,
    Like,
    Dislike,
    Laugh,
    Emphasize,
    Question,
}

const TAPBACKS: [(&str, Tapback); 6] = [
    ("love", Tapback::Love),
    ("like", Tapback::Like),
    ("dislike", Tapback::Dislike),
    ("laugh", Tapback::Laugh),
    ("emphasize", Tapback::Emphasize),
    ("question", Tapback::Question),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReactAction {
    Add,
    Remove,
}

const REACT_ACTIONS: [(&str, ReactAction); 2] =
    [("add", ReactAction::Add), ("remove", ReactAction::Remove)];

/// The wire name of an enum value, from the same table that parses it.
fn wire_name<T: PartialEq + Copy>(table: &[(&'static str, T)], value: T) -> &'static str {
    table
        .iter()
        .find(|(_, v)| *v == value)
        .map_or("", |(n, _)| n)
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReactParams {
    pub to: String,
    pub from: String,
    pub tapback: Tapback,
    pub message: String,
    pub action: ReactAction,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReadParams {
    pub to: String,
    pub from: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryParams {
    pub to: String,
    pub from: String,
    pub limit: i64,
    pub tracking: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GetParams {
    pub id: String,
    pub tracking: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AvailabilityParams {
    pub to: String,
}

// ---------------------------------------------------------------------------
// Parsers

const SEND_KEYS: [&str; 6] = [
    "to",
    "message",
    "from",
    "attachments",
    "fallback",
    "fast_track",
];
/// `reply` takes `to` and `from` from the event, so they are not allowed here.
const REPLY_KEYS: [&str; 4] = ["message", "attachments", "fallback", "fast_track"];

/// The parts of a send that `send` and `reply` share.
struct Content {
    message: Option<String>,
    attachments: Option<Vec<String>>,
    fallback: Option<Fallback>,
    fast_track: Option<bool>,
}

impl Content {
    fn into_send(self, to: String, from: Option<String>) -> SendParams {
        SendParams {
            to,
            message: self.message,
            from,
            fallback: self.fallback,
            attachments: self.attachments,
            fast_track: self.fast_track,
        }
    }
}

fn parse_content(
    v: &mut Validator,
    entries: &[(String, Value)],
    path: &[PathSegment],
) -> Option<Content> {
    let message = v.optional(entries, path, "message", string);
    let attachments = v.optional(entries, path, "attachments", |v, value, p| {
        array_of(v, value, p, MAX_ATTACHMENTS, https_url)
    });
    let fallback = v.optional(entries, path, "fallback", parse_fallback);
    let fast_track = v.optional(entries, path, "fast_track", boolean);

    // A message needs text unless it carries at least one attachment.
    let has_attachment =
        matches!(field(entries, "attachments"), Some(Value::Array(items)) if !items.is_empty());
    if !has_attachment {
        match &message {
            Some(None) => v.issue(
                IssueCode::InvalidType,
                &child(path, "message"),
                "expected string, received undefined (a message needs text unless it has attachments)",
            ),
            Some(Some("")) => v.issue(
                IssueCode::TooSmall,
                &child(path, "message"),
                "must not be empty unless attachments are given",
            ),
            _ => {}
        }
    }

    Some(Content {
        message: message?.map(str::to_owned),
        attachments: attachments?,
        fallback: fallback?,
        fast_track: fast_track?,
    })
}

fn parse_fallback(v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<Fallback> {
    let entries = v.object(value, path, &["when", "from"])?;
    let when = v.required(entries, path, "when", "array", |v, value, p| {
        let picked = array_of(v, value, p, usize::MAX, |v, item, ip| {
            one_of(v, item, ip, &FALLBACK_WHEN)
        })?;
        if picked.is_empty() {
            v.issue(
                IssueCode::TooSmall,
                p,
                "must name at least one of \"imessage_unsupported\", \"imessage_fails\"",
            );
            return None;
        }
        let repeats = picked
            .iter()
            .enumerate()
            .any(|(i, w)| picked.iter().skip(i + 1).any(|other| other == w));
        if repeats {
            v.issue(IssueCode::Custom, p, "must not repeat a value");
            return None;
        }
        Some(picked)
    });
    let from = v.optional(entries, path, "from", e164);
    Some(Fallback {
        when: when?,
        from: from?,
    })
}

/// The documented methods. Each takes its arguments in the documented
/// order: `reply(event, params)`, `react(action, params)`, `get(id, opts)`,
/// the others `(params)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Send,
    Reply,
    Typing,
    React,
    Read,
    History,
    Get,
    Availability,
}

/// The request a method call makes, or why its arguments are refused.
/// `second` reads the second argument, only for the methods that take one.
pub fn request(call: Call, first: &Value, second: &dyn Fn() -> Value) -> Result<ApiRequest, Error> {
    match call {
        Call::Send => parse_send(first).map(|p| p.request()),
        Call::Reply => parse_reply(first, &second()).map(|p| p.request()),
        Call::Typing => parse_typing(first).map(|p| p.request()),
        Call::React => parse_react(first, &second()).map(|p| p.request()),
        Call::Read => parse_read(first).map(|p| p.request()),
        Call::History => parse_history(first).map(|p| p.request()),
        Call::Get => parse_get(first, &second()).map(|p| p.request()),
        Call::Availability => parse_availability(first).map(|p| p.request()),
    }
}

pub fn parse_send(params: &Value) -> Result<SendParams, Error> {
    let mut v = Validator::new();
    let parsed = (|| {
        let entries = v.object(params, &[], &SEND_KEYS)?;
        let to = v.required(entries, &[], "to", "string", recipient);
        let from = v.optional(entries, &[], "from", e164);
        let content = parse_content(&mut v, entries, &[]);
        Some(content?.into_send(to?, from?))
    })();
    v.finish_as("send params", parsed)
}

/// `reply(event, params)`: sends to the event's sender (`data.from`) from
/// the number that received it (`data.to`).
pub fn parse_reply(event: &Value, params: &Value) -> Result<SendParams, Error> {
    let mut v = Validator::new();
    let event_path = [PathSegment::from("event")];
    let data_path = child(&event_path, "data");
    let to_from = (|| {
        let Some(event_entries) = event.as_object() else {
            v.type_error(&event_path, "webhook event object", event);
            return None;
        };
        let data = v.required(event_entries, &event_path, "data", "object", |v, d, p| {
            d.as_object().or_else(|| {
                v.type_error(p, "object", d);
                None
            })
        })?;
        // The event's `from` is the person; its `to` is our leased number.
        let to = v.required(data, &data_path, "from", "string", recipient);
        let from = v.required(data, &data_path, "to", "string", e164);
        Some((to?, from?))
    })();
    let content = (|| {
        let entries = v.object(params, &[], &REPLY_KEYS)?;
        parse_content(&mut v, entries, &[])
    })();
    let parsed = match (to_from, content) {
        (Some((to, from)), Some(content)) => Some(content.into_send(to, Some(from))),
        _ => None,
    };
    v.finish_as("reply params", parsed)
}

pub fn parse_typing(params: &Value) -> Result<TypingParams, Error> {
    let mut v = Validator::new();
    let parsed = (|| {
        let entries = v.object(params, &[], &["to", "action", "from"])?;
        let to = v.required(entries, &[], "to", "string", recipient);
        let action = v.required(entries, &[], "action", "string", |v, a, p| {
            one_of(v, a, p, &TYPING_ACTIONS)
        });
        let from = v.optional(entries, &[], "from", e164);
        Some(TypingParams {
            to: to?,
            action: action?,
            from: from?,
        })
    })();
    v.finish_as("typing params", parsed)
}

pub fn parse_react(action: &Value, params: &Value) -> Result<ReactParams, Error> {
    let mut v = Validator::new();
    let action = match action {
        Value::Null | Value::Undefined => {
            v.type_error(&["action".into()], "\"add\" | \"remove\"", action);
            None
        }
        a => one_of(&mut v, a, &["action".into()], &REACT_ACTIONS),
    };
    let parsed = (|| {
        let entries = v.object(params, &[], &["to", "from", "tapback", "message"])?;
        let to = v.required(entries, &[], "to", "string", recipient);
        let from = v.required(entries, &[], "from", "string", e164);
        let tapback = v.required(entries, &[], "tapback", "string", |v, t, p| {
            one_of(v, t, p, &TAPBACKS)
        });
        let message = v.required(entries, &[], "message", "string", non_empty_string);
        Some(ReactParams {
            to: to?,
            from: from?,
            tapback: tapback?,
            message: message?.to_owned(),
            action: action?,
        })
    })();
    v.finish_as("react params", parsed)
}

pub fn parse_read(params: &Value) -> Result<ReadParams, Error> {
    let mut v = Validator::new();
    let parsed = (|| {
        let entries = v.object(params, &[], &["to", "from"])?;
        let to = v.required(entries, &[], "to", "string", recipient);
        let from = v.required(entries, &[], "from", "string", e164);
        Some(ReadParams {
            to: to?,
            from: from?,
        })
    })();
    v.finish_as("read params", parsed)
}

pub fn parse_history(params: &Value) -> Result<HistoryParams, Error> {
    let mut v = Validator::new();
    let parsed = (|| {
        let entries = v.object(params, &[], &["to", "from", "limit", "tracking"])?;
        let to = v.required(entries, &[], "to", "string", recipient);
        let from = v.required(entries, &[], "from", "string", e164);
        let limit = v.optional(entries, &[], "limit", |v, l, p| {
            int_in_range(v, l, p, 1, MAX_HISTORY_LIMIT)
        });
        let tracking = v.optional(entries, &[], "tracking", boolean);
        Some(HistoryParams {
            to: to?,
            from: from?,
            limit: limit?.unwrap_or(DEFAULT_HISTORY_LIMIT),
            tracking: tracking?.unwrap_or(false),
        })
    })();
    v.finish_as("history params", parsed)
}

/// `get(id, opts?)`; `opts` may be absent.
pub fn parse_get(id: &Value, opts: &Value) -> Result<GetParams, Error> {
    let mut v = Validator::new();
    let id = non_empty_string(&mut v, id, &["id".into()]).map(str::to_owned);
    let tracking = match opts {
        Value::Null | Value::Undefined => Some(false),
        opts => (|| {
            let entries = v.object(opts, &[], &["tracking"])?;
            Some(
                v.optional(entries, &[], "tracking", boolean)?
                    .unwrap_or(false),
            )
        })(),
    };
    let parsed = match (id, tracking) {
        (Some(id), Some(tracking)) => Some(GetParams { id, tracking }),
        _ => None,
    };
    v.finish_as("get params", parsed)
}

pub fn parse_availability(params: &Value) -> Result<AvailabilityParams, Error> {
    let mut v = Validator::new();
    let parsed = (|| {
        let entries = v.object(params, &[], &["to"])?;
        let to = v.required(entries, &[], "to", "string", recipient);
        Some(AvailabilityParams { to: to? })
    })();
    v.finish_as("availability params", parsed)
}

// ---------------------------------------------------------------------------
// Requests

fn post(path: &str, body: String, repeat: Repeat, expect: Expect) -> ApiRequest {
    ApiRequest {
        method: Method::Post,
        path: path.to_owned(),
        query: String::new(),
        body: Some(body),
        repeat,
        expect,
    }
}

impl Fallback {
    fn body(&self) -> String {
        let when: Vec<&str> = self
            .when
            .iter()
            .map(|w| wire_name(&FALLBACK_WHEN, *w))
            .collect();
        ObjectWriter::default()
            .strings("when", Some(&when))
            .string("from", self.from.as_deref())
            .finish()
    }
}

// Bodies in the official SDK's key order (the parity test compares bytes).

impl SendParams {
    pub fn body(&self) -> String {
        ObjectWriter::default()
            .string("to", Some(&self.to))
            .string("message", self.message.as_deref())
            .string("from", self.from.as_deref())
            .object("fallback", self.fallback.as_ref().map(Fallback::body))
            .strings("attachments", self.attachments.as_deref())
            .boolean("fast_track", self.fast_track)
            .finish()
    }
}

impl TypingParams {
    pub fn body(&self) -> String {
        ObjectWriter::default()
            .string("to", Some(&self.to))
            .string("action", Some(wire_name(&TYPING_ACTIONS, self.action)))
            .string("from", self.from.as_deref())
            .finish()
    }
}

impl ReactParams {
    pub fn body(&self) -> String {
        ObjectWriter::default()
            .string("to", Some(&self.to))
            .string("from", Some(&self.from))
            .string("tapback", Some(wire_name(&TAPBACKS, self.tapback)))
            .string("message", Some(&self.message))
            .string("action", Some(wire_name(&REACT_ACTIONS, self.action)))
            .finish()
    }
}

impl ReadParams {
    pub fn body(&self) -> String {
        ObjectWriter::default()
            .string("to", Some(&self.to))
            .string("from", Some(&self.from))
            .finish()
    }
}

fn get(path: String, tracking: bool, expect: Expect) -> ApiRequest {
    ApiRequest {
        method: Method::Get,
        path,
        // The service reads `tracking` as a string; only "true" is sent.
        query: if tracking {
            "tracking=true".into()
        } else {
            String::new()
        },
        body: None,
        repeat: Repeat::Safe,
        expect,
    }
}

impl SendParams {
    pub fn request(&self) -> ApiRequest {
        post(
            "/send/imessage",
            self.body(),
            Repeat::OnlyIfNotReceived,
            Expect::String("message_id"),
        )
    }
}

impl TypingParams {
    pub fn request(&self) -> ApiRequest {
        post(
            "/send/imessage/typing",
            self.body(),
            Repeat::Safe,
            Expect::String("status"),
        )
    }
}

impl ReactParams {
    pub fn request(&self) -> ApiRequest {
        post(
            "/send/imessage/reactions",
            self.body(),
            Repeat::OnlyIfNotReceived,
            Expect::String("status"),
        )
    }
}

impl ReadParams {
    pub fn request(&self) -> ApiRequest {
        post(
            "/send/imessage/read",
            self.body(),
            Repeat::Safe,
            Expect::String("status"),
        )
    }
}

impl HistoryParams {
    pub fn request(&self) -> ApiRequest {
        get(
            cat!(
                "/conversations/history/imessage/",
                encode_component(&self.to),
                '/',
                encode_component(&self.from),
                '/',
                self.limit
            ),
            self.tracking,
            Expect::Array("conversation"),
        )
    }
}

impl GetParams {
    pub fn request(&self) -> ApiRequest {
        get(
            cat!(
                "/conversations/history/message/",
                encode_component(&self.id)
            ),
            self.tracking,
            Expect::String("id"),
        )
    }
}

impl AvailabilityParams {
    pub fn request(&self) -> ApiRequest {
        get(
            cat!(
                "/conversations/availability/imessage/",
                encode_component(&self.to)
            ),
            false,
            Expect::Bool("available"),
        )
    }
}
