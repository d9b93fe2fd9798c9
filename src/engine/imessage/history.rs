//! `history(params)`:
//! `GET /conversations/history/imessage/{to}/{from}/{limit}`.

use crate::prelude::*;

use crate::engine::error::Error;
use crate::engine::http::{encode_component, ApiRequest};
use crate::engine::input::{Shape, Value};
use crate::engine::text::cat;
use crate::engine::validate::{validate, Boolean, Integer, Recipient, E164};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 200;

pub const PARAMS: Shape = Shape::Strict(&[
    ("to", Shape::Scalar),
    ("from", Shape::Scalar),
    ("limit", Shape::Scalar),
    ("tracking", Shape::Scalar),
]);

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryParams {
    pub to: String,
    pub from: String,
    pub limit: i64,
    pub tracking: bool,
}

pub fn parse(params: &Value) -> Result<HistoryParams, Error> {
    validate("history params", |v| {
        let fields = v.object(params, &[], &PARAMS)?;
        let to = v.required(&fields, "to", Recipient);
        let from = v.required(&fields, "from", E164);
        let limit = v.optional(
            &fields,
            "limit",
            Integer {
                min: 1,
                max: MAX_LIMIT,
            },
        );
        let tracking = v.optional(&fields, "tracking", Boolean);
        Some(HistoryParams {
            to: to?,
            from: from?,
            limit: limit.or(DEFAULT_LIMIT)?,
            tracking: tracking.or(false)?,
        })
    })
}

impl HistoryParams {
    pub fn request(&self) -> ApiRequest {
        ApiRequest::get(
            cat!(
                "/conversations/history/imessage/",
                encode_component(&self.to),
                '/',
                encode_component(&self.from),
                '/',
                self.limit
            ),
            self.tracking,
        )
    }
}
