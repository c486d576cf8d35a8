//! Shared helpers for gluelab's cross-crate, browser and end-to-end tests.

#[cfg(not(target_arch = "wasm32"))]
pub mod e2e;
