//! End-to-end tests of the built app (`dist/`), one module per part of the workbench, linked
//! into one test binary. They are `#[ignore]`d: `cargo xtask test` runs them after building
//! the app, with `GLUELAB_DIST`, `CHROMEDRIVER` and `CHROMIUM` set.
#![cfg(not(target_arch = "wasm32"))]

mod bounded;
mod concurrency;
mod contexts;
mod csp;
mod editor;
mod exercise;
mod japanese;
mod layout;
mod links;
mod panic;
mod partitions;
mod presenter;
mod query;
mod relationalize;
mod rules;
mod runs;
mod s3;
mod workbench;
mod workspace;
