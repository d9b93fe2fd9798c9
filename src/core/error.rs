//! The one error type of the core. The JavaScript facade turns
//! `Error::Validation` into a `ValidationError` and `Error::Service` into a
//! `ContiguityError`, once, at the boundary.

use crate::prelude::*;

use super::text::cat;
use super::validate::Issues;

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
    pub fn message(&self) -> String {
        match self {
            Error::Validation { what, issues } => issues.summary(what),
            Error::Service(e) => e.message.clone(),
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

    pub fn network(detail: &str) -> Self {
        Self::new(
            ErrorCode::NetworkError,
            None,
            cat!("Could not reach the Contiguity API: ", detail),
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
