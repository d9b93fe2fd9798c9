//! `availability(params)`: `GET /conversations/availability/imessage/{to}`,
//! whether a number or address can receive iMessages.

use crate::prelude::*;

use crate::engine::error::Error;
use crate::engine::http::{encode_component, ApiRequest};
use crate::engine::input::{Shape, Value};
use crate::engine::text::cat;
use crate::engine::validate::{validate, Recipient};

pub const PARAMS: Shape = Shape::Strict(&[("to", Shape::Scalar)]);

#[derive(Debug, Clone, PartialEq)]
pub struct AvailabilityParams {
    pub to: String,
}

pub fn parse(params: &Value) -> Result<AvailabilityParams, Error> {
    validate("availability params", |v| {
        let fields = v.object(params, &[], &PARAMS)?;
        let to = v.required(&fields, "to", Recipient);
        Some(AvailabilityParams { to: to? })
    })
}

impl AvailabilityParams {
    pub fn request(&self) -> ApiRequest {
        ApiRequest::get(
            cat!(
                "/conversations/availability/imessage/",
                encode_component(&self.to)
            ),
            false,
        )
    }
}
