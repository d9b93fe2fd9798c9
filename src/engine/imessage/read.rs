//! `read(params)`: `POST /send/imessage/read`, a read receipt.

use crate::prelude::*;

use crate::engine::error::Error;
use crate::engine::http::{ApiRequest, Repeat};
use crate::engine::input::{Shape, Value};
use crate::engine::json::ObjectWriter;
use crate::engine::validate::{validate, Recipient, E164};

pub const PARAMS: Shape = Shape::Strict(&[("to", Shape::Scalar), ("from", Shape::Scalar)]);

#[derive(Debug, Clone, PartialEq)]
pub struct ReadParams {
    pub to: String,
    pub from: String,
}

pub fn parse(params: &Value) -> Result<ReadParams, Error> {
    validate("read params", |v| {
        let fields = v.object(params, &[], &PARAMS)?;
        let to = v.required(&fields, "to", Recipient);
        let from = v.required(&fields, "from", E164);
        Some(ReadParams {
            to: to?,
            from: from?,
        })
    })
}

impl ReadParams {
    pub fn body(&self) -> String {
        ObjectWriter::default()
            .string("to", Some(&self.to))
            .string("from", Some(&self.from))
            .finish()
    }

    /// Marking read twice changes nothing: safe to repeat.
    pub fn request(&self) -> ApiRequest {
        ApiRequest::post("/send/imessage/read", self.body(), Repeat::Safe)
    }
}
