//! contiguity-imessage: a Contiguity iMessage API client compiled to
//! WebAssembly.
//!
//! Two layers: `core` (pure Rust, every rule of the contract, tested
//! natively) and `js` (the wasm-bindgen facade: JS values in and out, the
//! fetch transport, timers). The npm package's own JS files live in
//! `pkg-template/`.

// A panic would trap the wasm instance for every later request in a
// Worker, so the shipped code may not contain the usual panicking shortcuts.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]

pub mod core;

#[cfg(target_arch = "wasm32")]
mod js;
