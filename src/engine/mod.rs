//! The engine: everything that is logic, with no JavaScript in sight, so it
//! builds and tests natively with `cargo test`.
//!
//! Flow of a call: `input` reads the caller's arguments as far as the
//! method's shape needs; `imessage` checks them (`validate`) into typed
//! params and builds an `http::ApiRequest` (its body written by `json`);
//! the facade sends it; `response` checks the answer or turns it into an
//! `error::ServiceError`; `retry` decides whether to try again;
//! `error::Error::record` (passed through `redact`) is what leaves for
//! JavaScript. `config` checks the client's settings, `webhook` the
//! deliveries.

pub mod config;
pub mod error;
pub mod http;
pub mod imessage;
pub mod input;
pub mod json;
pub mod num;
pub mod redact;
pub mod response;
pub mod retry;
pub mod text;
pub mod validate;
pub mod webhook;
