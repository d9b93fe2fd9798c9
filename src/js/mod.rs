//! The wasm-bindgen facade: the only code that knows about JavaScript.
//! `boundary` holds every call into JS; `source` reads JS values for the
//! engine; `client` and `webhook` are the exports `pkg-template/api.js`
//! calls; `errors` and `env` look at what a runtime hands over. Every rule
//! stays in `engine`.

mod boundary;
mod client;
mod env;
mod errors;
mod source;
mod webhook;

/// A trap on demand, in test builds only: `api.js` must start a fresh
/// instance after one, and `tests/js/trap.test.mjs` checks it does.
#[cfg(feature = "trap-test")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = __trap)]
pub fn trap() {
    client::trap_inside_a_step()
}
