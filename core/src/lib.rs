//! gluelab-core: the whole gluelab model, with no browser and no I/O of its own.
//!
//! **API Boundary.** The app (`gluelab-app`) and the CLI (`gluelab-cli`) only render and drive
//! what this crate computes. Everything is deterministic: the same actions on the same
//! workspace give byte-identical objects, run ids and bookmark JSON (see [`clock`]).

pub mod account;
pub mod args;
pub mod bookmark;
pub mod browse;
pub mod catalog;
pub mod cfn;
pub mod clock;
pub mod demo;
pub mod engine;
pub mod error;
pub mod export;
pub mod format;
mod jdbc;
pub mod job;
pub mod lineage;
pub mod query;
pub mod run;
pub mod run_output;
#[cfg(feature = "scripts")]
pub mod script;
pub mod snapshot;
pub mod stack;
pub mod store;
pub mod tables;
pub mod transform;
pub mod validate;
pub mod views;
pub mod warehouse;
pub mod workspace;

pub use engine::RunRequest;
pub use error::{Error, Location, Result};
pub use workspace::Workspace;
