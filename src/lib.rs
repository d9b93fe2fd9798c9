//! contiguity-imessage: a Contiguity iMessage API client compiled to
//! WebAssembly.
//!
//! Two layers: `engine` (pure Rust, every rule: params, validation,
//! requests, responses, retries, webhook checks; tested natively) and `js`
//! (the wasm-bindgen facade: JS values in and out, the fetch call). The npm
//! package's own JS files live in `pkg-template/`; `docs/` describes what
//! the package does.

// The wasm build is no_std (alloc only): std's panic, formatting and I/O
// machinery would grow the module (BENCHMARKS.md, "Size work") and do
// nothing in an edge runtime. Native builds keep std for tests and fuzzing.
#![cfg_attr(target_arch = "wasm32", no_std)]
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

extern crate alloc;

pub mod engine;

#[cfg(target_arch = "wasm32")]
mod js;

/// What `std`'s prelude would give: the same names in std and no_std builds.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::String;
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

#[cfg(any(target_arch = "wasm32", test))]
mod allocator;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: allocator::SizeClasses<allocator::WasmMemory> =
    allocator::SizeClasses::new(allocator::WasmMemory);

/// Nothing in the shipped code can panic by design (see the lints above and
/// the fuzz tests); should a dependency panic anyway, stop this call with a
/// trap rather than format a message no one reads.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
