//! `send(params)`: `POST /send/imessage`.

use crate::prelude::*;

use super::content::{Content, ATTACHMENTS, FALLBACK, MESSAGE};
use crate::engine::error::Error;
use crate::engine::http::{ApiRequest, Repeat};
use crate::engine::input::{read, Budget, Shape, Source, Value};
use crate::engine::json::ObjectWriter;
use crate::engine::validate::{validate, Recipient, E164};

pub const PARAMS: Shape = Shape::Strict(&[
    ("to", Shape::Scalar),
    ("message", MESSAGE),
    ("from", Shape::Scalar),
    ("attachments", ATTACHMENTS),
    ("fallback", FALLBACK),
    ("fast_track", Shape::Scalar),
]);

/// The body of `POST /send/imessage`; `reply` makes one too.
#[derive(Debug, Clone, PartialEq)]
pub struct SendParams {
    /// The person: an E.164 number or an iCloud address.
    pub to: String,
    /// One of your leased numbers; the service picks one when absent.
    pub from: Option<String>,
    pub content: Content,
}

pub fn parse(params: &Value) -> Result<SendParams, Error> {
    validate("send params", |v| {
        let fields = v.object(params, &[], &PARAMS)?;
        let to = v.required(&fields, "to", Recipient);
        let from = v.optional(&fields, "from", E164);
        let content = Content::parse(v, &fields);
        Some(SendParams {
            to: to?,
            from: from.valid()?,
            content: content?,
        })
    })
}

/// The request of `send(params)`, from params already read: what
/// `imessage::request` and the facade's `callStartFields` (with
/// `fields_read_first`, below) both call, not inlined, so that the checks
/// and the body are in the module once.
#[inline(never)]
pub fn request(params: &Value) -> Result<ApiRequest, Error> {
    parse(params).map(|p| p.request())
}

/// Params whose keys are all among `to`, `message` and `from`, read by the
/// facade's JS itself (`pkg-template/api.js`, `sendFields`) and handed
/// over as up to three values, in the order they were read (the object's
/// key order): `order` says whose each is, two bits each from the lowest,
/// 1 `to`, 2 `message`, 3 `from`, 0 none. The object `read` makes of those
/// params with `PARAMS` (the same entries in the same order, each value
/// read as `PARAMS` reads it, from one budget), so that `request` checks
/// them exactly as if the object had been read.
pub fn fields_read_first<S: Source>(order: u32, values: [&S; 3]) -> Value {
    // One budget for the three, as for the object's values: its text they
    // can spend (its count of values, no three scalars reach).
    let mut budget = Budget::per_call();
    let mut entries = Vec::new();
    for (position, source) in (0..).zip(values) {
        let key = match (order >> (2 * position)) & 0b11 {
            1 => "to",
            2 => "message",
            3 => "from",
            _ => continue,
        };
        // `Shape::Scalar`, as PARAMS has for each (a test holds them together).
        entries.push((key.to_owned(), read(source, &Shape::Scalar, &mut budget)));
    }
    Value::Object(entries)
}

impl SendParams {
    pub fn body(&self) -> String {
        let body = ObjectWriter::default().string("to", Some(&self.to));
        self.content.write(body, self.from.as_deref()).finish()
    }

    /// A send is repeated only where the service cannot have acted on it,
    /// so a retry never delivers a message twice.
    pub fn request(&self) -> ApiRequest {
        ApiRequest::post("/send/imessage", self.body(), Repeat::OnlyIfNotReceived)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::input::Kind;

    #[test]
    fn the_fields_read_first_are_scalars_in_params() {
        // fields_read_first reads each with Shape::Scalar, as PARAMS does.
        let Shape::Strict(fields) = PARAMS else {
            panic!("PARAMS is not a strict object shape");
        };
        for key in ["to", "message", "from"] {
            let shape = fields.iter().find(|(k, _)| *k == key).map(|(_, s)| s);
            assert!(matches!(shape, Some(Shape::Scalar)), "{key}: {shape:?}");
        }
    }

    #[test]
    fn the_text_budget_is_spent_in_the_order_the_values_were_read() {
        // Two strings that do not both fit in one call's text: the one read
        // second is the one measured and not copied, as when the object is
        // read, whichever key comes first.
        let half = Budget::per_call().text_units / 2 + 1;
        let long = Value::String("a".repeat(half));
        for (order, keys) in [(0b10_01, ["to", "message"]), (0b01_10, ["message", "to"])] {
            let object = Value::Object(
                keys.iter()
                    .map(|key| ((*key).to_owned(), long.clone()))
                    .collect(),
            );
            let fields = fields_read_first(order, [&long, &long, &Value::Undefined]);
            assert_eq!(fields, read(&object, &PARAMS, &mut Budget::per_call()));
            let Value::Object(entries) = &fields else {
                panic!("not an object: {fields:?}");
            };
            assert!(matches!(entries[0].1, Value::String(_)));
            assert_eq!(
                entries[1],
                (
                    keys[1].to_owned(),
                    Value::TooLarge {
                        kind: Kind::String,
                        size: half
                    }
                )
            );
        }
    }

    #[test]
    fn values_that_order_does_not_name_are_not_read() {
        // `order` 0 (no value): the empty object, whatever is passed.
        let given = Value::String("+15551234567".into());
        assert_eq!(
            fields_read_first(0, [&given, &given, &given]),
            Value::Object(vec![])
        );
        // Only the first: `to`.
        assert_eq!(
            fields_read_first(0b01, [&given, &given, &given]),
            Value::Object(vec![("to".into(), given.clone())])
        );
    }
}
