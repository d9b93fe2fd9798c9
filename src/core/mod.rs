//! The pure-Rust core: everything that is logic, with no JavaScript in
//! sight, so it builds and tests natively with `cargo test`.
//!
//! Flow of a call: `imessage` parses the untrusted params (`value`,
//! `validate`) into typed params and builds an `http::ApiRequest` (its body
//! written by `json`); the facade sends it; `response` checks the answer or
//! turns it into an `error::ServiceError`; `retry` decides whether to try
//! again; `error::Error::record` is what leaves for JavaScript.

pub mod config;
pub mod error;
pub mod http;
pub mod imessage;
pub mod json;
pub mod num;
pub mod response;
pub mod retry;
pub mod text;
pub mod validate;
pub mod value;
pub mod webhook;
