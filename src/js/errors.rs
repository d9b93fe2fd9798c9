//! Core errors become instances of the package's JS error classes
//! (`pkg-template/errors.js`, shipped beside the generated glue), so
//! `instanceof`, `name`, `code` and a stack work in every runtime.

use crate::prelude::*;

use crate::core::error::{Error, ServiceError};
use crate::core::validate::{Issue, PathSegment};
use crate::core::value::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = ValidationError)]
    type JsValidationError;
    #[wasm_bindgen(constructor, js_class = "ValidationError")]
    fn new(message: &str, issues: JsValue) -> JsValidationError;

    #[wasm_bindgen(js_name = ContiguityError)]
    type JsContiguityError;
    #[wasm_bindgen(constructor, js_class = "ContiguityError")]
    fn new(message: &str, details: JsValue) -> JsContiguityError;
}

pub fn to_js(error: &Error) -> JsValue {
    match error {
        Error::Validation { issues, .. } => {
            let issues = Value::Array(issues.0.iter().map(issue_value).collect());
            JsValidationError::new(&error.message(), super::convert::to_js(&issues)).into()
        }
        Error::Service(e) => JsContiguityError::new(&e.message, details(e)).into(),
    }
}

fn issue_value(issue: &Issue) -> Value {
    let path = issue
        .path
        .iter()
        .map(|seg| match seg {
            PathSegment::Key(k) => Value::String(k.clone()),
            PathSegment::Index(i) => Value::Number(*i as f64),
        })
        .collect();
    Value::Object(vec![
        ("code".into(), Value::String(issue.code.as_str().into())),
        ("path".into(), Value::Array(path)),
        ("message".into(), Value::String(issue.message.clone())),
    ])
}

/// `{ status, code, requestId, data, retryAfter }`, absent ones left out.
fn details(e: &ServiceError) -> JsValue {
    let mut fields = vec![("code".to_owned(), Value::String(e.code.as_str().into()))];
    if let Some(status) = e.status {
        fields.push(("status".into(), Value::Number(f64::from(status))));
    }
    if let Some(id) = &e.request_id {
        fields.push(("requestId".into(), Value::String(id.clone())));
    }
    if let Some(url) = &e.agreement_url {
        let data = vec![("agreement_url".to_owned(), Value::String(url.clone()))];
        fields.push(("data".into(), Value::Object(data)));
    }
    if let Some(secs) = e.retry_after {
        fields.push(("retryAfter".into(), Value::Number(secs)));
    }
    super::convert::to_js(&Value::Object(fields))
}
