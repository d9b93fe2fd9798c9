//! The one error type of the core. It leaves the wasm as a JSON record
//! (`Error::record`), which the package's JS turns into a `ValidationError`
//! or a `ContiguityError`, once, at the boundary.

use crate::prelude::*;

use super::json::{self, ObjectWriter};
use super::num;
use super::redact::redacted;
use super::text::{cat, Piece};
use super::validate::{Issues, PathSegment};

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The caller's input is wrong; nothing was sent.
    Validation {
        /// What was being validated, for the message: "send params".
        what: &'static str,
        issues: Issues,
    },
    /// The service or the network failed the call.
    Service(ServiceError),
}

impl Error {
    /// One error with the issues of both, when both are about bad input
    /// (the key and the options of one constructor call): every problem is
    /// reported at once. Otherwise `self`.
    pub fn merged_with(self, other: Error) -> Error {
        match (self, other) {
            (Error::Validation { what, mut issues }, Error::Validation { issues: more, .. }) => {
                issues.0.extend(more.0);
                Error::Validation { what, issues }
            }
            (first, _) => first,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Error::Validation { what, issues } => issues.summary(what),
            Error::Service(e) => e.message.clone(),
        }
    }
}

impl Error {
    /// The error as JSON for `fromRecord` in `pkg-template/errors.js`, every
    /// text in it redacted (`secrets`, and anything shaped like a key):
    /// `name` (the JS class), `message`, then for a `ValidationError` its
    /// `issues` (zod's `{ code, path, message }`), for a `ContiguityError`
    /// `code`, `status`, `requestId`, `data`, `retryAfter` (absent ones left
    /// out).
    pub fn record(&self, secrets: &[&str]) -> String {
        let safe = |out: &mut String, text: &str| json::push_string(out, &redacted(text, secrets));
        let record = ObjectWriter::default()
            .string("name", Some(self.class_name()))
            .with("message", |out| safe(out, &self.message()));
        match self {
            // Written into the record's one buffer, each text redacted in
            // place: a string per text, path and issue was most of what a
            // refused call cost the wasm.
            Error::Validation { issues, .. } => record
                .with("issues", |out| {
                    out.push('[');
                    for (i, issue) in issues.0.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str("{\"code\":");
                        json::push_string(out, issue.code.as_str());
                        out.push_str(",\"path\":[");
                        for (j, segment) in issue.path.iter().enumerate() {
                            if j > 0 {
                                out.push(',');
                            }
                            match segment {
                                PathSegment::Key(key) => safe(out, key),
                                PathSegment::Index(index) => index.push_to(out),
                            }
                        }
                        out.push_str("],\"message\":");
                        safe(out, &issue.message);
                        out.push('}');
                    }
                    out.push(']');
                })
                .finish(),
            Error::Service(e) => {
                let safe = |text: &str| json::string(&redacted(text, secrets));
                let data = e.agreement_url.as_deref().map(|url| {
                    ObjectWriter::default()
                        .raw("agreement_url", Some(&safe(url)))
                        .finish()
                });
                record
                    .string("code", Some(e.code.as_str()))
                    .integer("status", e.status.map(i64::from))
                    .raw("requestId", e.request_id.as_deref().map(safe).as_deref())
                    .raw("data", data.as_deref())
                    // Whole seconds: `response::parse_retry_after` rounds up.
                    .integer(
                        "retryAfter",
                        e.retry_after.map(|secs| num::ceil(secs) as i64),
                    )
                    .finish()
            }
        }
    }

    /// The JS class this error becomes.
    pub fn class_name(&self) -> &'static str {
        match self {
            Error::Validation { .. } => "ValidationError",
            Error::Service(_) => "ContiguityError",
        }
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(e)
    }
}

/// `ContiguityError.code`: what went wrong, for programs to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    NetworkError,
    Timeout,
    InvalidResponse,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::RateLimited,
        ErrorCode::ServerError,
        ErrorCode::NetworkError,
        ErrorCode::Timeout,
        ErrorCode::InvalidResponse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ServerError => "server_error",
            ErrorCode::NetworkError => "network_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::InvalidResponse => "invalid_response",
        }
    }

    /// The code for an HTTP status that is not a success.
    pub fn for_status(status: u16) -> ErrorCode {
        match status {
            401 => ErrorCode::Unauthorized,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            429 => ErrorCode::RateLimited,
            500..=599 => ErrorCode::ServerError,
            400..=499 => ErrorCode::BadRequest,
            // 1xx/3xx (redirects are not followed) are not an answer we understand.
            _ => ErrorCode::InvalidResponse,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    pub code: ErrorCode,
    /// HTTP status; absent when no response arrived.
    pub status: Option<u16>,
    pub message: String,
    /// The service's `err_…` id, to quote to Contiguity support.
    pub request_id: Option<String>,
    /// Where to accept terms, for entitlements such as Fast Track.
    pub agreement_url: Option<String>,
    /// Seconds the service asked us to wait.
    pub retry_after: Option<f64>,
}

impl ServiceError {
    pub fn new(code: ErrorCode, status: Option<u16>, message: impl Into<String>) -> Self {
        ServiceError {
            code,
            status,
            message: message.into(),
            request_id: None,
            agreement_url: None,
            retry_after: None,
        }
    }

    /// No answer: `detail` is the runtime's own words for what happened.
    pub fn network(detail: &str) -> Self {
        Self::new(
            ErrorCode::NetworkError,
            None,
            cat!("Could not reach the Contiguity API: ", detail),
        )
    }

    /// The service answered, but its body could not be read to its end
    /// (`detail`: the runtime's words).
    pub fn body_broke_off(detail: &str) -> Self {
        Self::new(
            ErrorCode::NetworkError,
            None,
            cat!("The Contiguity API's answer broke off: ", detail),
        )
    }

    /// No `fetch` to call: the runtime has none and the options gave none.
    /// Not retried: nothing was sent, and waiting cannot make one appear.
    pub fn no_fetch() -> Self {
        Self::new(
            ErrorCode::NetworkError,
            None,
            "Could not reach the Contiguity API: this runtime has no global fetch; pass options.fetch",
        )
    }

    pub fn timeout(after_ms: u64) -> Self {
        Self::new(
            ErrorCode::Timeout,
            None,
            cat!("The Contiguity API did not answer within ", after_ms, " ms"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::validate::IssueCode;

    fn parsed(record: &str) -> serde_json::Value {
        serde_json::from_str(record).unwrap()
    }

    #[test]
    fn records_are_redacted_everywhere() {
        let key = "contiguity_sk_live_SECRET";
        let error = Error::Validation {
            what: "send params",
            issues: Issues::one(
                IssueCode::InvalidFormat,
                &[key.into()],
                format!("{key} is wrong"),
            ),
        };
        let record = error.record(&[key]);
        assert!(!record.contains("SECRET"), "{record}");
        let mut e = ServiceError::new(
            ErrorCode::Unauthorized,
            Some(401),
            "bad Token my-secret-value",
        );
        e.request_id = Some("my-secret-value".into());
        let record = Error::Service(e).record(&["my-secret-value"]);
        assert!(!record.contains("my-secret-value"), "{record}");
    }

    #[test]
    fn a_validation_record_carries_every_issue() {
        let mut issues = Issues::one(IssueCode::InvalidType, &["to".into()], "expected string");
        issues.0.extend(
            Issues::one(
                IssueCode::InvalidFormat,
                &["attachments".into(), PathSegment::Index(1)],
                "bad \"url\"",
            )
            .0,
        );
        let error = Error::Validation {
            what: "send params",
            issues,
        };
        assert_eq!(
            parsed(&error.record(&[])),
            serde_json::json!({
                "name": "ValidationError",
                "message": "Invalid send params: to: expected string; attachments[1]: bad \"url\"",
                "issues": [
                    { "code": "invalid_type", "path": ["to"], "message": "expected string" },
                    { "code": "invalid_format", "path": ["attachments", 1], "message": "bad \"url\"" },
                ],
            })
        );
    }

    #[test]
    fn a_service_record_leaves_out_what_is_unknown() {
        let mut e = ServiceError::new(ErrorCode::RateLimited, Some(429), "slow down");
        assert_eq!(
            parsed(&Error::Service(e.clone()).record(&[])),
            serde_json::json!({
                "name": "ContiguityError", "message": "slow down", "code": "rate_limited", "status": 429,
            })
        );
        e.request_id = Some("err_1".into());
        e.agreement_url = Some("https://contiguity.com/terms".into());
        e.retry_after = Some(3.0);
        assert_eq!(
            parsed(&Error::Service(e).record(&[])),
            serde_json::json!({
                "name": "ContiguityError", "message": "slow down", "code": "rate_limited", "status": 429,
                "requestId": "err_1", "data": { "agreement_url": "https://contiguity.com/terms" },
                "retryAfter": 3,
            })
        );
        let timeout = Error::Service(ServiceError::timeout(30_000));
        assert_eq!(
            parsed(
                &Error::Service(ServiceError::network("Token contiguity_sk_live_x refused"))
                    .record(&[])
            ),
            serde_json::json!({
                "name": "ContiguityError",
                "message": "Could not reach the Contiguity API: Token contiguity_sk_[redacted] refused",
                "code": "network_error",
            })
        );
        assert_eq!(
            parsed(&timeout.record(&[])),
            serde_json::json!({
                "name": "ContiguityError", "message": "The Contiguity API did not answer within 30000 ms",
                "code": "timeout",
            })
        );
    }
}
