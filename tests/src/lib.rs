//! Shared helpers for gluelab's cross-crate, browser and end-to-end tests.

pub mod bench;
#[cfg(not(target_arch = "wasm32"))]
pub mod e2e;
