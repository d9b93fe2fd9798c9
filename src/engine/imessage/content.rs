//! What `send` and `reply` share: the message, its attachments, the SMS
//! fallback and fast_track, with their rules and how they are written.

use crate::prelude::*;

use crate::engine::input::{Kind, Shape, Value};
use crate::engine::json::ObjectWriter;
use crate::engine::validate::{
    wire_name, Boolean, Custom, Fields, HttpsUrl, IssueCode, ListOf, OneOf, Optional, PathSegment,
    Rule, Validator, E164,
};

/// The service takes at most 10 attachments.
pub const MAX_ATTACHMENTS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackWhen {
    ImessageUnsupported,
    ImessageFails,
}

pub const FALLBACK_WHEN: [(&str, FallbackWhen); 2] = [
    ("imessage_unsupported", FallbackWhen::ImessageUnsupported),
    ("imessage_fails", FallbackWhen::ImessageFails),
];

pub const MESSAGE: Shape = Shape::Scalar;
pub const ATTACHMENTS: Shape = Shape::List {
    max: MAX_ATTACHMENTS,
    item: &Shape::Scalar,
};
/// `when` names each condition at most once, so a longer list is refused
/// unread.
pub const FALLBACK: Shape = Shape::Strict(&[
    (
        "when",
        Shape::List {
            max: FALLBACK_WHEN.len(),
            item: &Shape::Scalar,
        },
    ),
    ("from", Shape::Scalar),
]);

#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    pub when: Vec<FallbackWhen>,
    pub from: Option<String>,
}

/// A message's text as it will be written into the body.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageText {
    Plain(String),
    /// Text holding a lone surrogate (cut inside a character), kept as
    /// `JSON.stringify` writes it (`"…\ud83d"`): what the official SDK
    /// sends for the same string.
    Json(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub message: Option<MessageText>,
    pub attachments: Option<Vec<String>>,
    pub fallback: Option<Fallback>,
    pub fast_track: Option<bool>,
}

impl Content {
    /// Reads the shared fields of `fields` (send params or reply params).
    pub fn parse(v: &mut Validator, fields: &Fields) -> Option<Content> {
        let message = v.optional(fields, "message", Message);
        let attachments = v.optional(
            fields,
            "attachments",
            ListOf {
                max: MAX_ATTACHMENTS,
                item: HttpsUrl,
            },
        );
        let fallback = v.optional(fields, "fallback", FallbackRule);
        let fast_track = v.optional(fields, "fast_track", Boolean);

        // A message needs text unless it carries at least one attachment.
        let has_attachment = match fields.get("attachments") {
            Some(Value::Array(items)) => !items.is_empty(),
            Some(Value::TooLarge {
                kind: Kind::Array, ..
            }) => true,
            _ => false,
        };
        if !has_attachment {
            let path = fields.path_of("message");
            match &message {
                Optional::Absent => v.issue(
                    IssueCode::InvalidType,
                    &path,
                    "expected string, received undefined (a message needs text unless it has attachments)",
                ),
                Optional::Given(MessageText::Plain(text)) if text.is_empty() => v.issue(
                    IssueCode::TooSmall,
                    &path,
                    "must not be empty unless attachments are given",
                ),
                _ => {}
            }
        }
        Some(Content {
            message: message.valid()?,
            attachments: attachments.valid()?,
            fallback: fallback.valid()?,
            fast_track: fast_track.valid()?,
        })
    }

    /// Writes the fields of `body` from `message` on, in the official SDK's
    /// order, with `from` between the message and the fallback.
    pub fn write(&self, body: ObjectWriter, from: Option<&str>) -> ObjectWriter {
        let body = match &self.message {
            Some(MessageText::Plain(text)) => body.string("message", Some(text)),
            Some(MessageText::Json(json)) => body.raw("message", Some(json)),
            None => body,
        };
        body.string("from", from)
            .raw(
                "fallback",
                self.fallback.as_ref().map(Fallback::body).as_deref(),
            )
            .strings("attachments", self.attachments.as_deref())
            .boolean("fast_track", self.fast_track)
    }
}

/// A message: any string, a lone surrogate included (see `MessageText`).
struct Message;

impl Rule for Message {
    type Out = MessageText;
    fn expects(&self) -> &'static str {
        "string"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<MessageText> {
        match value {
            Value::IllFormedString { json, .. } => Some(MessageText::Json(json.clone())),
            other => crate::engine::validate::Text
                .check(v, other, path)
                .map(MessageText::Plain),
        }
    }
}

/// `fallback`: `{ when, from? }`, `when` naming each condition once.
struct FallbackRule;

impl Rule for FallbackRule {
    type Out = Fallback;
    fn expects(&self) -> &'static str {
        "object"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<Fallback> {
        let fields = v.object(value, path, &FALLBACK)?;
        let when = v.required(
            &fields,
            "when",
            Custom(
                "array",
                |v: &mut Validator, value: &Value, p: &[PathSegment]| {
                    let picked = ListOf {
                        max: FALLBACK_WHEN.len(),
                        item: OneOf(&FALLBACK_WHEN),
                    }
                    .check(v, value, p)?;
                    if picked.is_empty() {
                        v.issue(
                        IssueCode::TooSmall,
                        p,
                        "must name at least one of \"imessage_unsupported\", \"imessage_fails\"",
                    );
                        return None;
                    }
                    if picked.len() == 2 && picked.first() == picked.get(1) {
                        v.issue(IssueCode::Custom, p, "must not repeat a value");
                        return None;
                    }
                    Some(picked)
                },
            ),
        );
        let from = v.optional(&fields, "from", E164);
        Some(Fallback {
            when: when?,
            from: from.valid()?,
        })
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
