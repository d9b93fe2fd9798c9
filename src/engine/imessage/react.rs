//! `react(action, params)`: `POST /send/imessage/reactions`, a tapback.

use crate::prelude::*;

use crate::engine::error::Error;
use crate::engine::http::{ApiRequest, Repeat};
use crate::engine::input::{Shape, Value};
use crate::engine::json::ObjectWriter;
use crate::engine::validate::{validate, wire_name, NonEmpty, OneOf, Recipient, E164};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tapback {
    Love,
    Like,
    Dislike,
    Laugh,
    Emphasize,
    Question,
}

pub const TAPBACKS: [(&str, Tapback); 6] = [
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

pub const REACT_ACTIONS: [(&str, ReactAction); 2] =
    [("add", ReactAction::Add), ("remove", ReactAction::Remove)];

pub const ACTION: Shape = Shape::Scalar;
pub const PARAMS: Shape = Shape::Strict(&[
    ("to", Shape::Scalar),
    ("from", Shape::Scalar),
    ("tapback", Shape::Scalar),
    ("message", Shape::Scalar),
]);

#[derive(Debug, Clone, PartialEq)]
pub struct ReactParams {
    pub to: String,
    pub from: String,
    pub tapback: Tapback,
    /// The text of the message reacted to.
    pub message: String,
    pub action: ReactAction,
}

pub fn parse(action: &Value, params: &Value) -> Result<ReactParams, Error> {
    validate("react params", |v| {
        let action = v.check(action, &["action".into()], OneOf(&REACT_ACTIONS));
        let fields = v.object(params, &[], &PARAMS)?;
        let to = v.required(&fields, "to", Recipient);
        let from = v.required(&fields, "from", E164);
        let tapback = v.required(&fields, "tapback", OneOf(&TAPBACKS));
        let message = v.required(&fields, "message", NonEmpty);
        Some(ReactParams {
            to: to?,
            from: from?,
            tapback: tapback?,
            message: message?,
            action: action?,
        })
    })
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

    /// A reaction shows in the chat: repeated only where the service cannot
    /// have acted, like a send.
    pub fn request(&self) -> ApiRequest {
        ApiRequest::post(
            "/send/imessage/reactions",
            self.body(),
            Repeat::OnlyIfNotReceived,
        )
    }
}
