//! gluelab-core: the whole gluelab model, with no browser and no I/O of its own.
//!
//! **API Boundary.** The app (`gluelab-app`) and the CLI (`gluelab-cli`) only render and drive
//! what this crate computes. Everything is deterministic: the same actions on the same
//! workspace give byte-identical objects, run ids and bookmark JSON (see [`model::clock`]).

pub mod arrow;
pub mod aws;
pub mod demo;
pub mod engine;
pub mod error;
pub mod format;
pub mod i18n;
pub mod limits;
pub mod model;
pub mod query;
pub mod snapshot;
pub mod transform;
pub mod views;
pub mod warehouse;
pub mod workspace;

pub use engine::RunRequest;
pub use error::{Error, Location, Result};
pub use workspace::Workspace;
