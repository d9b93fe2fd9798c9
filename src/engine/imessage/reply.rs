//! `reply(event, params)`: a send to the person who wrote (`data.from`)
//! from the leased number that received it (`data.to`).

use super::content::{Content, ATTACHMENTS, FALLBACK, MESSAGE};
use super::send::SendParams;
use crate::engine::error::Error;
use crate::engine::input::{Shape, Value};
use crate::engine::text::cat;
use crate::engine::validate::{child, validate, IssueCode, PathSegment, Recipient, E164};

/// Of the event, only `data.from` and `data.to` are read: whatever else a
/// caller passes (a whole HTTP request, by mistake) is never walked.
pub const EVENT: Shape = Shape::Open(&[(
    "data",
    Shape::Open(&[("from", Shape::Scalar), ("to", Shape::Scalar)]),
)]);

/// `to` and `from` come from the event, so they are not allowed here.
pub const PARAMS: Shape = Shape::Strict(&[
    ("message", MESSAGE),
    ("attachments", ATTACHMENTS),
    ("fallback", FALLBACK),
    ("fast_track", Shape::Scalar),
]);

/// What `reply` takes, for the message when it gets something else.
const EXPECTED_EVENT: &str =
    "the imessage.incoming event (from webhook.parse(rawBody), or the delivery's parsed JSON body)";

pub fn parse(event: &Value, params: &Value) -> Result<SendParams, Error> {
    validate("reply arguments", |v| {
        let event_path: [PathSegment; 1] = ["event".into()];
        let to_from = match event.as_object() {
            None => {
                v.type_error(&event_path, EXPECTED_EVENT, event);
                None
            }
            Some(_) => match event.get("data") {
                Some(data @ Value::Object(_)) => {
                    let fields = v.object(data, &child(&event_path, "data"), &Shape::Open(&[]));
                    fields.and_then(|fields| {
                        // The event's `from` is the person; its `to`, our number.
                        let to = v.required(&fields, "from", Recipient);
                        let from = v.required(&fields, "to", E164);
                        Some((to?, from?))
                    })
                }
                other => {
                    let received = other.unwrap_or(&Value::Undefined);
                    v.issue(
                        IssueCode::InvalidType,
                        &child(&event_path, "data"),
                        cat!(
                            "expected object, received ",
                            received.kind_name(),
                            ": reply() takes ",
                            EXPECTED_EVENT,
                            ", not the HTTP request"
                        ),
                    );
                    None
                }
            },
        };
        let content = v
            .object(params, &[], &PARAMS)
            .and_then(|fields| Content::parse(v, &fields));
        let (to, from) = to_from?;
        Some(SendParams {
            to,
            from: Some(from),
            content: content?,
        })
    })
}
