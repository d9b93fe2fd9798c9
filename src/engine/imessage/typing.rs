//! `typing(params)`: `POST /send/imessage/typing`, the "…" bubble.

use crate::prelude::*;

use crate::engine::error::Error;
use crate::engine::http::{ApiRequest, Repeat};
use crate::engine::input::{Shape, Value};
use crate::engine::json::ObjectWriter;
use crate::engine::validate::{validate, wire_name, OneOf, Recipient, E164};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypingAction {
    Start,
    Stop,
}

pub const TYPING_ACTIONS: [(&str, TypingAction); 2] =
    [("start", TypingAction::Start), ("stop", TypingAction::Stop)];

pub const PARAMS: Shape = Shape::Strict(&[
    ("to", Shape::Scalar),
    ("action", Shape::Scalar),
    ("from", Shape::Scalar),
]);

#[derive(Debug, Clone, PartialEq)]
pub struct TypingParams {
    pub to: String,
    pub action: TypingAction,
    pub from: Option<String>,
}

pub fn parse(params: &Value) -> Result<TypingParams, Error> {
    validate("typing params", |v| {
        let fields = v.object(params, &[], &PARAMS)?;
        let to = v.required(&fields, "to", Recipient);
        let action = v.required(&fields, "action", OneOf(&TYPING_ACTIONS));
        let from = v.optional(&fields, "from", E164);
        Some(TypingParams {
            to: to?,
            action: action?,
            from: from.valid()?,
        })
    })
}

impl TypingParams {
    pub fn body(&self) -> String {
        ObjectWriter::default()
            .string("to", Some(&self.to))
            .string("action", Some(wire_name(&TYPING_ACTIONS, self.action)))
            .string("from", self.from.as_deref())
            .finish()
    }

    /// Showing or hiding the indicator twice changes nothing: safe to repeat.
    pub fn request(&self) -> ApiRequest {
        ApiRequest::post("/send/imessage/typing", self.body(), Repeat::Safe)
    }
}
