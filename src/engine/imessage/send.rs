//! `send(params)`: `POST /send/imessage`.

use crate::prelude::*;

use super::content::{Content, ATTACHMENTS, FALLBACK, MESSAGE};
use crate::engine::error::Error;
use crate::engine::http::{ApiRequest, Repeat};
use crate::engine::input::{Shape, Value};
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
