//! The wasm-bindgen facade: the only code that knows about JavaScript.
//! It converts values at the boundary, turns core errors into real JS
//! `Error`s, and runs the fetch transport; every rule stays in `core`.

mod bindings;
mod client;
mod convert;
mod env;
mod errors;
mod transport;
mod webhook;
