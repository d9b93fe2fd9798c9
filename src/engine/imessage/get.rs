//! `get(id, opts?)`: `GET /conversations/history/message/{id}`.

use crate::prelude::*;

use crate::engine::error::Error;
use crate::engine::http::{encode_component, ApiRequest};
use crate::engine::input::{Shape, Value};
use crate::engine::text::cat;
use crate::engine::validate::{validate, Boolean, IssueCode, NonEmpty};

pub const ID: Shape = Shape::Scalar;
pub const OPTIONS: Shape = Shape::Strict(&[("tracking", Shape::Scalar)]);

#[derive(Debug, Clone, PartialEq)]
pub struct GetParams {
    pub id: String,
    pub tracking: bool,
}

pub fn parse(id: &Value, opts: &Value) -> Result<GetParams, Error> {
    validate("get params", |v| {
        let path = ["id".into()];
        let id = v.check(id, &path, NonEmpty).and_then(|id| {
            // Left as they are by encodeURIComponent, "." and ".." would be
            // read by fetch as path steps and leave this route.
            if id == "." || id == ".." {
                v.issue(
                    IssueCode::InvalidFormat,
                    &path,
                    cat!("\"", id, "\" is not a message id"),
                );
                return None;
            }
            Some(id)
        });
        let tracking = if opts.is_absent() {
            Some(false)
        } else {
            v.object(opts, &[], &OPTIONS)
                .and_then(|fields| v.optional(&fields, "tracking", Boolean).or(false))
        };
        Some(GetParams {
            id: id?,
            tracking: tracking?,
        })
    })
}

impl GetParams {
    pub fn request(&self) -> ApiRequest {
        ApiRequest::get(
            cat!(
                "/conversations/history/message/",
                encode_component(&self.id)
            ),
            self.tracking,
        )
    }
}
